//! Building what the benchmark runs: every stage's release binaries, so that one command
//! works on a fresh clone and never measures a stale binary of a stage that changed.

use std::path::Path;
use std::process::Command;

/// Run `cargo build --release --workspace --bins` in `workspace`; its output goes to our
/// stderr. `Err` says what failed (the stages that did build are still measured).
pub fn build_all(workspace: &Path) -> Result<(), String> {
    // `cargo run` tells us which cargo it is; fall back to the one on PATH.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace)
        // --keep-going: one stage that does not compile (someone is editing it) must not
        // keep the others from being built and measured.
        .args([
            "build",
            "--release",
            "--workspace",
            "--bins",
            "--keep-going",
        ])
        // Our stdout is for the tables.
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!(
            "`cargo build --release --workspace --bins` failed ({status}): \
             the binaries of the stages that did not compile may be missing or stale"
        )),
    }
}
