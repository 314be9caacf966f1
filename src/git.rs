//! What git says of the workspace: the commit, uncommitted changes, the last commit's
//! files. Every function answers `None` (or nothing) where there is no git.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::workspace::{Files, Unit};

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The commit the workspace is at.
pub fn head(root: &Path) -> Option<String> {
    let out = git(root, &["rev-parse", "HEAD"])?;
    Some(String::from_utf8_lossy(&out).trim().to_owned())
}

/// The files under `dir` that have changes not committed (or are not tracked), relative
/// to `dir`.
pub fn uncommitted(root: &Path, dir: &str) -> Vec<String> {
    let Some(out) = git(
        root,
        &[
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=all",
            "--",
            dir,
        ],
    ) else {
        return Vec::new();
    };
    out.split(|&b| b == 0)
        .filter(|entry| entry.len() > 3)
        .map(|entry| String::from_utf8_lossy(&entry[3..]).into_owned())
        .map(|path| {
            path.strip_prefix(&format!("{dir}/"))
                .map_or(path.clone(), str::to_owned)
        })
        .collect()
}

/// The unit's files as the last commit has them.
pub fn head_files(root: &Path, unit: &Unit) -> Option<Files> {
    let listing = git(
        root,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "HEAD",
            "--",
            &unit.rel_dir,
        ],
    )?;
    let mut files = Files::new();
    for path in listing.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let text = git(root, &["show", &format!("HEAD:{path}")])?;
        let rel = Path::new(&path)
            .strip_prefix(&unit.rel_dir)
            .ok()?
            .to_path_buf();
        files.insert(rel, String::from_utf8(text).ok()?);
    }
    (!files.is_empty()).then_some(files)
}
