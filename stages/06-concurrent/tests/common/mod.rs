//! What several of stage 06's test files need.

#![allow(dead_code)] // each test file uses its own part of this module

use std::process::Command;

use nix::unistd::Pid;
use workbook::kit::Process;

/// A shell that keeps sending SIGUSR1 and SIGUSR2 at `target` with `kill(2)`, and, where
/// `kill -q` exists, a SIGUSR1 with a value through `sigqueue(3)`: noise that looks like
/// a client's signals but comes from a process no server has let in.
///
/// It neither catches nor blocks either signal, so a server that ever answered it would
/// kill it: [`Process::try_status`] says whether that happened. Between rounds it sleeps
/// a hundredth of a second: the noise is then frequent enough to land on transfers, and
/// rare enough that they still finish.
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
