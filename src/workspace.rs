//! The workspace and the units a learner can do as exercises: the stages, found and
//! described through their `stage.toml` (`minitalk_manifest`).
//!
//! A [`Unit`] is anything with a `stage.toml` whose parts can be stubbed: each
//! `stages/NN-name/`, named by its two-digit number, and the signals lab, `lab/`, named
//! `lab` (each of its parts is one experiment). Every command finds units by their id
//! string and never assumes they are numbered.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use minitalk_manifest::Manifest;

/// The workbook's workspace: the directory with the workspace `Cargo.toml` and `stages/`.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

/// One unit a learner can do as an exercise.
#[derive(Clone, Debug)]
pub struct Unit {
    /// What the learner types: `03`.
    pub id: String,
    /// The cargo package: `stage-03`.
    pub package: String,
    /// `…/stages/03-acknowledged`
    pub dir: PathBuf,
    /// `stages/03-acknowledged`, for messages and git.
    pub rel_dir: String,
    /// A name for the unit's files under `.workbook/`: `03-acknowledged`.
    pub key: String,
    pub manifest: Manifest,
}

/// A unit's files as text, keyed by their path relative to the unit's directory.
pub type Files = BTreeMap<PathBuf, String>;

impl Workspace {
    /// The workspace that contains `start` (or one of its parents): a `Cargo.toml` with a
    /// `[workspace]` table beside a `stages/` directory.
    pub fn find(start: &Path) -> Option<Workspace> {
        start
            .ancestors()
            .find(|dir| {
                dir.join("stages").is_dir() && is_workspace_manifest(&dir.join("Cargo.toml"))
            })
            .map(|root| Workspace {
                root: root.to_path_buf(),
            })
    }

    /// Every unit, in the order a learner does them: the stages, then the signals lab
    /// (`lab/`, named `lab`), if there is one.
    pub fn units(&self) -> Result<Vec<Unit>, String> {
        let stages = minitalk_manifest::stages(&self.root)?;
        let mut units: Vec<Unit> = stages
            .into_iter()
            .map(|stage| Unit {
                id: stage.manifest.id(),
                package: stage.manifest.package(),
                rel_dir: format!("stages/{}", stage.dir_name),
                key: stage.dir_name,
                dir: stage.dir,
                manifest: stage.manifest,
            })
            .collect();
        if let Some(lab) = minitalk_manifest::lab(&self.root)? {
            units.push(Unit {
                id: lab.manifest.id(),
                package: lab.manifest.package(),
                rel_dir: lab.dir_name.clone(),
                key: lab.dir_name,
                dir: lab.dir,
                manifest: lab.manifest,
            });
        }
        Ok(units)
    }

    /// The unit that `name` names: its id (`03`, or `3`), its package (`stage-03`) or its
    /// directory (`03-acknowledged`, `stages/03-acknowledged/`). Nothing else: `stage-04x`
    /// names no unit.
    pub fn unit(&self, name: &str) -> Result<Unit, String> {
        let units = self.units()?;
        let wanted = name.trim_end_matches('/');
        let found = units.iter().find(|unit| {
            [unit.id.as_str(), &unit.package, &unit.key, &unit.rel_dir].contains(&wanted)
                || (wanted.bytes().all(|b| b.is_ascii_digit())
                    && wanted.parse::<u32>().ok() == unit.id.parse::<u32>().ok())
        });
        found.cloned().ok_or_else(|| {
            let known: Vec<&str> = units.iter().map(|u| u.id.as_str()).collect();
            format!(
                "no stage {name:?} here (stages: {}; name one by its number, e.g. {})",
                known.join(", "),
                known.first().unwrap_or(&"01")
            )
        })
    }

    /// The unit that comes after `unit`, if any.
    pub fn next_unit(&self, unit: &Unit) -> Option<Unit> {
        let units = self.units().ok()?;
        let at = units.iter().position(|u| u.id == unit.id)?;
        units.into_iter().nth(at + 1)
    }

    /// The book's source directory.
    pub fn book_src(&self) -> PathBuf {
        self.root.join("book").join("src")
    }

    /// `path` relative to the workspace, for messages.
    pub fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

fn is_workspace_manifest(path: &Path) -> bool {
    fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|table| table.contains_key("workspace"))
}

impl Unit {
    /// Every file of the unit (sources, tests, manifests), not `target/` nor hidden ones.
    pub fn read_files(&self) -> Result<Files, String> {
        read_tree(&self.dir).map_err(|e| format!("cannot read {}: {e}", self.rel_dir))
    }

    /// `stages/03-acknowledged/src/wait.rs`, for messages.
    pub fn shown(&self, path: &Path) -> String {
        format!("{}/{}", self.rel_dir, path.display())
    }
}

/// Every regular text file under `dir`, skipping `target/` and names that start with a dot.
pub fn read_tree(dir: &Path) -> io::Result<Files> {
    let mut files = Files::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        for entry in fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(rel.join(&*name));
            } else if kind.is_file() {
                // Non-text files are no part of an exercise; keep them out of the way.
                if let Ok(text) = fs::read_to_string(entry.path()) {
                    files.insert(rel.join(&*name), text);
                }
            }
        }
    }
    Ok(files)
}

/// Create the parent directories and write the file.
pub fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}
