//! Strangers: processes that signal a server or a client although they are neither, the
//! noise a real system can make (a mistyped `kill`, another program's bug).
//!
//! The test process itself never sends SIGUSR1 or SIGUSR2. A server that answers whoever
//! signalled it (many do) would answer the test process, and SIGUSR1's default action is
//! to terminate: the test binary would die with every test still to run, and nothing
//! would clean up after it. So a stranger is always a process of its own, started here.

use std::process::Command;
use std::sync::Mutex;

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use super::process::{Process, die_with_the_test};
use crate::deadlines::STARTUP;

/// A shell that keeps sending SIGUSR1 and SIGUSR2 at `target` with `kill(2)`, and, where
/// `kill -q` exists, a SIGUSR1 with a value through `sigqueue(3)`: noise that looks like
/// a client's signals but comes from a process no server has let in.
///
/// It neither catches nor blocks either signal, so a server that ever answered it would
/// kill it: [`Process::try_status`] says whether that happened. Between rounds it sleeps
/// a hundredth of a second: the noise is then frequent enough to land on transfers, and
/// rare enough that they still finish.
///
/// `target` must be a process the test started (a [`Server`](super::server::Server)'s PID).
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
    die_with_the_test(&mut command);
    Process::spawn(command)
}

/// One-shot strangers, kept until the end of the test.
///
/// Each one is a `kill` that sends one signal and exits. It is kept unreaped (a zombie)
/// while its handle lives, so its PID cannot be given to another process: an answer the
/// server sends it goes to that zombie, and does nothing.
#[derive(Default)]
pub struct Strangers {
    sent: Mutex<Vec<Process>>,
}

impl Strangers {
    /// Send `signal` to `target` from a new process, and return once it has been sent
    /// (`kill` has exited: the signal is pending at `target`, or already taken).
    pub fn send(&self, target: Pid, signal: Signal) {
        let mut command = Command::new("kill");
        command.args(["-s", &signal.as_str()["SIG".len()..], &target.to_string()]);
        die_with_the_test(&mut command);
        let stranger = Process::spawn(command);
        let status = stranger.wait_with_output(STARTUP);
        assert!(
            status.success(),
            "`kill -s {signal} {target}` failed ({status}): {}",
            stranger.stderr.text()
        );
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(stranger);
    }
}
