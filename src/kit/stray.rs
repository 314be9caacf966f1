//! A stranger: a process that keeps signalling a server although it is no client, the
//! noise a real system can make (a mistyped `kill`, another program's bug).

use std::process::Command;

use nix::unistd::Pid;

use super::Process;

/// A shell that keeps sending SIGUSR1 and SIGUSR2 at `target` with `kill(2)`, and, where
/// `kill -q` exists, a SIGUSR1 with a value through `sigqueue(3)`: noise that looks like
/// a client's signals but comes from a process no server has let in.
///
/// It neither catches nor blocks either signal, so a server that ever answered it would
/// kill it: [`Process::try_status`] says whether that happened. Between rounds it sleeps
/// a hundredth of a second: the noise is then frequent enough to land on transfers, and
/// rare enough that they still finish.
///
/// `target` must be a process the test started (a [`Server`](super::Server)'s PID).
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
