//! What several of stage 07's test files need.

#![allow(dead_code)] // each test file uses its own part of this module

use std::process::Command;

use nix::unistd::Pid;
use workbook::kit::{Process, Programs};

/// The final programs, `server` and `client` (or yours, through `MINITALK_SERVER` and
/// `MINITALK_CLIENT`).
pub fn programs() -> Programs {
    Programs::new(env!("CARGO_BIN_EXE_server"), env!("CARGO_BIN_EXE_client"))
}

/// A shell that keeps sending SIGUSR1 and SIGUSR2 at `target` with `kill(2)`, and, where
/// `kill -q` exists, a SIGUSR1 with a value through `sigqueue(3)`. It neither catches nor
/// blocks either signal: a server that ever answered it would kill it.
pub fn stray_sender(target: Pid) -> Process {
    let mut command = Command::new("sh");
    command.args([
        "-c",
        r#"while :; do
             kill -USR1 "$1"; kill -USR2 "$1"
             env kill -q 7 -USR1 "$1" 2>/dev/null
             sleep 0.01
           done"#,
        "stray",
        &target.to_string(),
    ]);
    Process::spawn(command)
}

/// Skip (with a message) a test of something only our own programs do.
pub fn own_programs_only(programs: &Programs, what: &str) -> bool {
    if programs.is_external() {
        eprintln!("SKIPPED: {what} is this workbook's own");
        return false;
    }
    true
}
