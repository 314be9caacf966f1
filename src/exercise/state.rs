//! What the workbook remembers between commands, under `.workbook/` (git ignores it):
//!
//! ```text
//! .workbook/reference/01-naive/…        the stage as it was when its exercise started
//! .workbook/state/01-naive.started      which exercises were started, when, from which commit
//! .workbook/state/01-naive.check        the last `check`: result, and a fingerprint of the files
//! .workbook/state/01-naive.hints        how many hints of each exercise have been shown
//! .workbook/saved/01-naive/<time>/…     the learner's files, put aside by `reset`
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
use std::time::{SystemTime, UNIX_EPOCH};

use super::stages::{Files, Stage, Workspace, read_tree};

/// The `.workbook/` directory of a workspace.
pub struct State {
    pub dir: PathBuf,
}

/// A small `key: value` record, one per line.
pub type Record = BTreeMap<String, String>;

impl State {
    pub fn of(workspace: &Workspace) -> State {
        State {
            dir: workspace.root.join(".workbook"),
        }
    }

    fn state_file(&self, stage: &Stage, kind: &str) -> PathBuf {
        self.dir
            .join("state")
            .join(format!("{}.{kind}", stage.dir_name))
    }

    pub fn reference_dir(&self, stage: &Stage) -> PathBuf {
        self.dir.join("reference").join(&stage.dir_name)
    }

    pub fn read_record(&self, stage: &Stage, kind: &str) -> Option<Record> {
        let text = fs::read_to_string(self.state_file(stage, kind)).ok()?;
        Some(
            text.lines()
                .filter_map(|line| line.split_once(": "))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    pub fn write_record(&self, stage: &Stage, kind: &str, record: &Record) -> io::Result<()> {
        let text: String = record.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        write_file(&self.state_file(stage, kind), &text)
    }

    pub fn remove_record(&self, stage: &Stage, kind: &str) -> io::Result<()> {
        remove_if_exists(&self.state_file(stage, kind))
    }

    /// The copy of the stage taken when its exercise started.
    pub fn read_reference(&self, stage: &Stage) -> Option<Files> {
        let dir = self.reference_dir(stage);
        dir.is_dir().then(|| read_tree(&dir).ok()).flatten()
    }

    pub fn save_reference(&self, stage: &Stage, files: &Files) -> io::Result<()> {
        let dir = self.reference_dir(stage);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        for (path, text) in files {
            write_file(&dir.join(path), text)?;
        }
        Ok(())
    }

    pub fn remove_reference(&self, stage: &Stage) -> io::Result<()> {
        let dir = self.reference_dir(stage);
        if dir.exists() {
            fs::remove_dir_all(dir)?;
        }
        Ok(())
    }

    /// Put `files` (relative to the stage) aside in a new `saved/<stage>/<time>/` directory.
    pub fn save_work(&self, stage: &Stage, files: &Files) -> io::Result<PathBuf> {
        let base = self.dir.join("saved").join(&stage.dir_name);
        let stamp = timestamp(now());
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

    /// How many hints of `exercise` have been shown.
    pub fn hints_shown(&self, stage: &Stage, exercise: &str) -> usize {
        self.read_record(stage, "hints")
            .and_then(|r| r.get(exercise).and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    }

    pub fn set_hints_shown(&self, stage: &Stage, exercise: &str, shown: usize) -> io::Result<()> {
        let mut record = self.read_record(stage, "hints").unwrap_or_default();
        record.insert(exercise.to_owned(), shown.to_string());
        self.write_record(stage, "hints", &record)
    }
}

/// Create the parent directories and write the file.
pub fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A fingerprint of a stage's files, to tell whether a cached `check` still applies.
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
pub fn timestamp(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}-{mi:02}-{s:02}Z")
}

/// `2026-05-01 12:30 UTC`, for people.
pub fn readable_time(secs: u64) -> String {
    let (y, mo, d, h, mi, _) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// Year, month, day, hour, minute, second (UTC) of a time in seconds since the epoch,
/// by Howard Hinnant's `civil_from_days`.
fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rest / 3600) as u32,
        (rest % 3600 / 60) as u32,
        (rest % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamps_are_utc_and_sortable() {
        assert_eq!(timestamp(0), "1970-01-01T00-00-00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00-00-00Z");
        assert_eq!(timestamp(1_777_638_605), "2026-05-01T12-30-05Z");
    }
}
