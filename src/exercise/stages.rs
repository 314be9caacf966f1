//! The workspace, its stages, and the exercises marked in them.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::hints::{ExerciseHints, StageHints};
use super::markers::{self, Region};

/// The name of a stage's hints file, beside its `Cargo.toml`.
pub const HINTS_FILE: &str = minitalk_manifest::FILE;

/// The workbook's workspace: the directory with the workspace `Cargo.toml` and `stages/`.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace that contains `start` (or one of its parents).
    pub fn find(start: &Path) -> Option<Workspace> {
        start
            .ancestors()
            .find(|dir| {
                dir.join("stages").is_dir()
                    && fs::read_to_string(dir.join("Cargo.toml"))
                        .is_ok_and(|manifest| manifest.contains("[workspace]"))
            })
            .map(|root| Workspace {
                root: root.to_path_buf(),
            })
    }

    /// Every stage, in order of number.
    pub fn stages(&self) -> io::Result<Vec<Stage>> {
        let mut stages = Vec::new();
        for entry in fs::read_dir(self.root.join("stages"))? {
            let entry = entry?;
            let dir_name = entry.file_name().to_string_lossy().into_owned();
            let Some(number) = stage_number(&dir_name) else {
                continue;
            };
            let Ok(manifest) = fs::read_to_string(entry.path().join("Cargo.toml")) else {
                continue;
            };
            let package = package_name(&manifest).unwrap_or_else(|| format!("stage-{number:02}"));
            stages.push(Stage {
                dir: entry.path(),
                dir_name,
                number,
                package,
            });
        }
        stages.sort_by_key(|s| s.number);
        Ok(stages)
    }

    /// The stage that `id` names: `3`, `03`, `stage-03`, `03-ping-pong` or `stages/03-…`.
    pub fn stage(&self, id: &str) -> Result<Stage, String> {
        let stages = self
            .stages()
            .map_err(|e| format!("cannot read stages/: {e}"))?;
        let trimmed = id.trim_end_matches('/');
        let trimmed = trimmed.strip_prefix("stages/").unwrap_or(trimmed);
        let trimmed = trimmed.strip_prefix("stage-").unwrap_or(trimmed);
        let trimmed = trimmed.strip_prefix("stage").unwrap_or(trimmed);
        let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        let found = digits
            .parse::<u32>()
            .ok()
            .and_then(|n| stages.iter().find(|s| s.number == n));
        found.cloned().ok_or_else(|| {
            let known: Vec<String> = stages.iter().map(|s| format!("{:02}", s.number)).collect();
            format!(
                "no stage {id:?} here (stages: {}; name one by its number, e.g. 01)",
                known.join(", ")
            )
        })
    }

    /// The book's source directory.
    pub fn book_src(&self) -> PathBuf {
        self.root.join("book").join("src")
    }

    /// The title a chapter has in `book/src/SUMMARY.md`, e.g. "Stage 01: one bit per signal".
    pub fn chapter_title(&self, chapter: &str) -> Option<String> {
        let summary = fs::read_to_string(self.book_src().join("SUMMARY.md")).ok()?;
        summary.lines().find_map(|line| {
            let open = line.find('[')?;
            let close = line[open..].find("](")? + open;
            let target = line[close + 2..].split(')').next()?;
            (target.trim() == chapter).then(|| line[open + 1..close].to_owned())
        })
    }
}

fn stage_number(dir_name: &str) -> Option<u32> {
    let (digits, rest) = dir_name.split_at(dir_name.find(|c: char| !c.is_ascii_digit())?);
    (rest.starts_with('-') && digits.len() == 2)
        .then(|| digits.parse().ok())
        .flatten()
}

fn package_name(manifest: &str) -> Option<String> {
    let package = &manifest[manifest.find("[package]")?..];
    package.lines().find_map(|line| {
        let value = line.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// One stage crate: `stages/NN-name`, package `stage-NN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub dir: PathBuf,
    /// `01-naive`
    pub dir_name: String,
    pub number: u32,
    /// `stage-01`
    pub package: String,
}

/// A stage's files as text, keyed by their path relative to the stage directory.
pub type Files = BTreeMap<PathBuf, String>;

impl Stage {
    /// `stages/01-naive`, for messages and git.
    pub fn rel_dir(&self) -> String {
        format!("stages/{}", self.dir_name)
    }

    /// The two-digit number, as the learner types it: `01`.
    pub fn id(&self) -> String {
        format!("{:02}", self.number)
    }

    /// Every file of the stage (sources, tests, manifests), not `target/` nor hidden ones.
    pub fn read_files(&self) -> io::Result<Files> {
        read_tree(&self.dir)
    }

    /// What the stage's `stage.toml` says of its exercise, if it has one.
    pub fn hints(&self) -> Result<Option<StageHints>, String> {
        let path = self.dir.join(HINTS_FILE);
        if !path.exists() {
            return Ok(None);
        }
        minitalk_manifest::Manifest::read(&self.dir).map(|manifest| Some(StageHints::of(&manifest)))
    }
}

/// Every regular file under `dir`, skipping `target/` and names that start with a dot.
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

/// Whether `path` (relative to the stage) is Rust source of the stage, where markers live.
pub fn is_source(path: &Path) -> bool {
    path.starts_with("src") && path.extension().is_some_and(|e| e == "rs")
}

/// One exercise: its regions (in one or more files) and what `exercise.toml` says of it.
#[derive(Clone, Debug)]
pub struct Exercise {
    pub name: String,
    pub parts: Vec<(PathBuf, Region)>,
    pub hints: Option<ExerciseHints>,
}

/// The exercises marked in `files`, in the order `hints` gives (then in order of appearance).
pub fn exercises(files: &Files, hints: Option<&StageHints>) -> Result<Vec<Exercise>, String> {
    let mut found: Vec<Exercise> = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| is_source(p)) {
        let regions = markers::regions(text).map_err(|e| format!("{}: {e}", path.display()))?;
        for region in regions {
            match found.iter_mut().find(|e| e.name == region.name) {
                Some(exercise) => exercise.parts.push((path.clone(), region)),
                None => found.push(Exercise {
                    name: region.name.clone(),
                    hints: hints.and_then(|h| h.get(&region.name)).cloned(),
                    parts: vec![(path.clone(), region)],
                }),
            }
        }
    }
    if let Some(hints) = hints {
        let position = |name: &str| {
            hints
                .exercises
                .iter()
                .position(|e| e.name == name)
                .unwrap_or(usize::MAX)
        };
        found.sort_by_key(|e| position(&e.name));
    }
    Ok(found)
}

/// What a stub says after `exercise NAME: `: what to implement and where the book teaches it.
pub fn stub_message(
    workspace: &Workspace,
    stage: &Stage,
    hints: Option<&StageHints>,
    name: &str,
) -> String {
    let chapter = hints.and_then(|h| h.chapter.as_deref());
    let title = chapter
        .and_then(|c| workspace.chapter_title(c))
        .or_else(|| chapter.map(|c| format!("book/src/{c}")))
        .unwrap_or_else(|| format!("the chapter of stage {}", stage.id()));
    match hints.and_then(|h| h.get(name)) {
        Some(e) if !e.section.is_empty() => {
            format!("{} — book: {title} § {}", e.what, e.section)
        }
        Some(e) => format!("{} — book: {title}", e.what),
        None => format!("write this part of stage {} — book: {title}", stage.id()),
    }
}

/// `files` turned into the exercise: the regions of `names` (all when `None`) stubbed.
/// Returns only the files that change.
pub fn generate(
    workspace: &Workspace,
    stage: &Stage,
    files: &Files,
    hints: Option<&StageHints>,
    names: Option<&[String]>,
) -> Result<Files, String> {
    let mut changed = Files::new();
    for (path, text) in files.iter().filter(|(p, _)| is_source(p)) {
        let stubbed = markers::stub(text, names, |name| {
            stub_message(workspace, stage, hints, name)
        })
        .map_err(|e| format!("{}/{}: {e}", stage.rel_dir(), path.display()))?;
        if stubbed != *text {
            changed.insert(path.clone(), quiet_stub_warnings(&stubbed));
        }
    }
    Ok(changed)
}

/// The line that keeps the warnings stubs cause (unused statics, imports, variables; code
/// after a `todo!()`) from burying the test failures. Only exercises have it.
pub const ALLOW_LINE: &str = "#![allow(dead_code, unused_imports, unused_variables, unreachable_code)] // exercise mode: stubs leave code unused";

/// `source` with [`ALLOW_LINE`] after its leading `//!` comment (where inner attributes go).
fn quiet_stub_warnings(source: &str) -> String {
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("//!") || trimmed.starts_with("#![") || trimmed.is_empty() {
            at += line.len();
        } else {
            break;
        }
    }
    // Back up over trailing blank lines so the attribute sits right under the doc comment.
    let head = source[..at].trim_end_matches('\n');
    let head_len = if head.is_empty() { 0 } else { head.len() + 1 };
    format!(
        "{}{ALLOW_LINE}\n{}",
        &source[..head_len],
        &source[head_len..]
    )
}

/// Whether `text` still holds the stub of exercise `name`.
pub fn has_stub(text: &str, name: &str) -> bool {
    text.contains(&markers::stub_prefix(name))
}

/// Whether any file still holds a stub of any exercise (of any name).
pub fn has_any_stub(files: &Files) -> bool {
    files
        .iter()
        .any(|(p, t)| is_source(p) && t.contains("todo!(\"exercise "))
}
