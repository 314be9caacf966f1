//! What the workbook remembers between commands, under `.workbook/` (git ignores it):
//!
//! ```text
//! .workbook/state/03-acknowledged.toml       started when, which parts; the last check; hints shown
//! .workbook/reference/03-acknowledged.toml   the unit's files as they were at `start` (the answer)
//! .workbook/reference/README.md              says what that is, for whoever opens the folder
//! .workbook/saved/03-acknowledged/<time>/…   the learner's files, put aside by `reset`
//! .workbook/logs/03-acknowledged.check.log   the whole output of the last `check`
//! ```
//!
//! The reference is the copy taken at `start`, not `git show HEAD:…`: a learner who commits
//! their work (as they should) would otherwise "restore" their own commit. Without the copy
//! (`.workbook/` deleted), `reset` falls back to the last commit if it holds no stubs.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::workspace::{Files, Unit, Workspace, read_tree, write_file};

/// The `.workbook/` directory of a workspace.
pub struct State {
    pub dir: PathBuf,
}

/// What the workbook knows of one unit.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UnitState {
    pub started: Option<Started>,
    pub check: Option<CheckRecord>,
    /// How many hints of each part have been shown.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
}

/// A `start`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Started {
    /// Seconds since the epoch.
    pub time: u64,
    /// The parts that were stubbed.
    pub parts: Vec<String>,
    /// The commit the workspace was at, if it is a git repository.
    pub commit: Option<String>,
    /// Files that had changes not committed to git when the exercise started (with
    /// `--force`): the reference copy holds them, so `reset` brings them back.
    #[serde(default)]
    pub edited: Vec<String>,
}

/// The last `check`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckRecord {
    /// `pass`, `fail` or `build-error`.
    pub result: String,
    /// The unit's files when it ran: the record holds only while they are the same.
    pub fingerprint: String,
    pub time: u64,
    pub passed: usize,
    pub failed: usize,
    /// The parts written, with no failing test traced to them.
    #[serde(default)]
    pub passing_parts: Vec<String>,
}

/// The reference copy's file: the unit's files, keyed by path.
#[derive(Serialize, Deserialize)]
struct ReferenceCopy {
    files: BTreeMap<String, String>,
}

/// What `.workbook/reference/README.md` says.
const REFERENCE_README: &str = "\
# The answers

Each file here is a stage's code as it was when its exercise started: the reference
solution, kept so that `cargo run -p workbook -- reset NN` can bring it back. Reading it
is reading the answer. To see one part's answer on purpose, after you tried:
`cargo run -p workbook -- solution NN PART`.
";

impl State {
    pub fn of(workspace: &Workspace) -> State {
        State {
            dir: workspace.root.join(".workbook"),
        }
    }

    fn state_file(&self, unit: &Unit) -> PathBuf {
        self.dir.join("state").join(format!("{}.toml", unit.key))
    }

    fn reference_file(&self, unit: &Unit) -> PathBuf {
        self.dir
            .join("reference")
            .join(format!("{}.toml", unit.key))
    }

    /// Where `check` writes cargo's whole output.
    pub fn log_file(&self, unit: &Unit) -> PathBuf {
        self.dir
            .join("logs")
            .join(format!("{}.check.log", unit.key))
    }

    /// Where `reset` puts a unit's work aside.
    pub fn saved_dir(&self, unit: &Unit) -> PathBuf {
        self.dir.join("saved").join(&unit.key)
    }

    /// What the workbook knows of `unit` (nothing, if it never saw it).
    pub fn read(&self, unit: &Unit) -> UnitState {
        fs::read_to_string(self.state_file(unit))
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn write(&self, unit: &Unit, state: &UnitState) -> Result<(), String> {
        let text = toml::to_string(state).map_err(|e| e.to_string())?;
        write_file(&self.state_file(unit), &text)
            .map_err(|e| format!("cannot write the workbook's state: {e}"))
    }

    /// Change what the workbook knows of `unit`.
    pub fn update(&self, unit: &Unit, change: impl FnOnce(&mut UnitState)) -> Result<(), String> {
        let mut state = self.read(unit);
        change(&mut state);
        self.write(unit, &state)
    }

    /// The copy of the unit taken when its exercise started.
    pub fn read_reference(&self, unit: &Unit) -> Option<Files> {
        let text = fs::read_to_string(self.reference_file(unit)).ok()?;
        let copy: ReferenceCopy = toml::from_str(&text).ok()?;
        Some(
            copy.files
                .into_iter()
                .map(|(path, text)| (PathBuf::from(path), text))
                .collect(),
        )
    }

    pub fn save_reference(&self, unit: &Unit, files: &Files) -> Result<(), String> {
        let copy = ReferenceCopy {
            files: files
                .iter()
                .map(|(path, text)| (path.display().to_string(), text.clone()))
                .collect(),
        };
        let text = toml::to_string(&copy).map_err(|e| e.to_string())?;
        write_file(
            &self.dir.join("reference").join("README.md"),
            REFERENCE_README,
        )
        .and_then(|()| write_file(&self.reference_file(unit), &text))
        .map_err(|e| format!("cannot save the reference copy: {e}"))
    }

    pub fn remove_reference(&self, unit: &Unit) -> Result<(), String> {
        match fs::remove_file(self.reference_file(unit)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(format!("cannot remove the reference copy: {e}"))
            }
            _ => Ok(()),
        }
    }

    /// Put `files` (relative to the unit) aside in a new `saved/<unit>/<time>/` directory.
    pub fn save_work(&self, unit: &Unit, files: &Files) -> io::Result<PathBuf> {
        let base = self.saved_dir(unit);
        let stamp = timestamp(SystemTime::now());
        let mut dir = base.join(&stamp);
        let mut n = 2;
        while dir.exists() {
            dir = base.join(format!("{stamp}-{n}"));
            n += 1;
        }
        for (path, text) in files {
            write_file(&dir.join(path), text)?;
        }
        Ok(dir)
    }

    /// The names of the unit's saved work, oldest first.
    pub fn saved(&self, unit: &Unit) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.saved_dir(unit))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // `…Z`, `…Z-2`, `…Z-3`: sort by time, then by the counter.
        names.sort_by_key(|name| {
            let (stamp, n) = name
                .rsplit_once("Z-")
                .map_or((name.as_str(), "0"), |(s, n)| (s, n));
            (
                stamp.trim_end_matches('Z').to_owned(),
                n.parse::<u32>().unwrap_or(0),
            )
        });
        names
    }

    /// The files of the saved work called `name`.
    pub fn read_saved(&self, unit: &Unit, name: &str) -> io::Result<Files> {
        read_tree(&self.saved_dir(unit).join(name))
    }
}

/// A fingerprint of a unit's files, to tell whether a recorded `check` still applies.
pub fn fingerprint(files: &Files) -> String {
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-05-01T12-30-05Z`: a UTC time that sorts and is a valid file name everywhere.
pub fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time)
        .to_string()
        .replace(':', "-")
}

/// `2026-05-01 12:30 UTC`, for people.
pub fn readable_time(secs: u64) -> String {
    let time = UNIX_EPOCH + Duration::from_secs(secs);
    let text = humantime::format_rfc3339_seconds(time).to_string();
    format!("{} UTC", text[..16].replace('T', " "))
}

/// `path` relative to `root`, for messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_and_sortable() {
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(timestamp(at(0)), "1970-01-01T00-00-00Z");
        assert_eq!(timestamp(at(951_782_400)), "2000-02-29T00-00-00Z");
        assert_eq!(timestamp(at(1_777_638_605)), "2026-05-01T12-30-05Z");
        assert_eq!(readable_time(1_777_638_605), "2026-05-01 12:30 UTC");
    }
}
