//! A stage of the workbook, by number: its programs (from its `stage.toml`), built with
//! cargo, and its protocol.

use std::path::{Path, PathBuf};
use std::process::Command;

use minitalk_manifest::Manifest;

/// The workspace around `start` (a `Cargo.toml` with `[workspace]` beside `stages/`), or
/// the one this crate was built in.
pub fn workspace(start: &Path) -> Option<PathBuf> {
    let is_root = |dir: &Path| {
        dir.join("stages").is_dir()
            && std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|toml| toml.contains("[workspace]"))
    };
    start
        .ancestors()
        .find(|dir| is_root(dir))
        .map(Path::to_path_buf)
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .find(|dir| is_root(dir))
                .map(Path::to_path_buf)
        })
}

/// A stage's number from "1", "01", "stage-01" or "01-naive".
pub fn number(name: &str) -> Option<u32> {
    let digits: String = name
        .trim_start_matches("stage-")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The directory and manifest of stage `number`.
pub fn find(root: &Path, number: u32) -> Result<(PathBuf, Manifest), String> {
    let prefix = format!("{number:02}-");
    let dir = std::fs::read_dir(root.join("stages"))
        .map_err(|e| format!("cannot read {}/stages: {e}", root.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .ok_or_else(|| format!("there is no stage {number:02} in {}/stages", root.display()))?;
    let manifest = Manifest::read(&dir)?;
    Ok((dir, manifest))
}

/// Build the stage's binaries with cargo and return (server, client).
pub fn build(root: &Path, manifest: &Manifest) -> Result<(PathBuf, PathBuf), String> {
    let (Some(server), Some(client)) = (&manifest.programs.server, &manifest.programs.client)
    else {
        return Err(format!(
            "stage {} has no server and client to trace",
            manifest.id()
        ));
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "-q", "-p", &manifest.package(), "--bins"])
        // Our stdout is for the summary.
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo build -p {} --bins` failed ({status})",
            manifest.package()
        ));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("debug");
    Ok((target.join(server), target.join(client)))
}
