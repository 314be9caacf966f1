//! A canary: a process the test started, aimed at by a client that must not signal it,
//! and afterwards the proof that nothing was sent.
//!
//! SIGUSR1's and SIGUSR2's default action is to terminate, so a client that signalled a
//! PID before knowing that a minitalk server is there would kill an innocent process on a
//! typo. The tests give such a client a canary's PID and examine the canary afterwards.
//!
//! The canary is *stopped* with SIGSTOP before the client runs. A stopped process acts on
//! no signal but SIGKILL and SIGCONT: any other signal sent to it (that it does not
//! ignore) stays pending, for `/proc` to show. Running, a canary that catches a signal
//! would handle it, and the evidence would be gone.
//!
//! For PIDs like 0 and -1, which reach whole groups of processes, see
//! [`sandbox`](super::sandbox): its canary stands beside the client in a PID namespace.

use std::process::Command;

use super::process::{Process, die_with_the_test};
use super::procfs;
use crate::deadlines::STARTUP;

/// Start `command` as a canary, wait until `ready` says it is set up (a handler
/// installed, say), and stop it.
pub fn start(mut command: Command, ready: impl Fn(&Process) -> bool) -> Process {
    die_with_the_test(&mut command);
    let canary = Process::spawn(command);
    procfs::poll(STARTUP, "the canary to be ready", || {
        ready(&canary).then_some(())
    });
    canary.stop();
    canary
}

/// `sleep 1000`, stopped: a process with no handler at all, which SIGUSR1 or SIGUSR2 would
/// kill.
pub fn sleeper() -> Process {
    let mut command = Command::new("sleep");
    command.arg("1000");
    // `spawn` returns once `exec` has succeeded: it is `sleep` already.
    start(command, |_| true)
}

/// Assert that no signal is pending for the canary: none reached it since it was stopped.
pub fn assert_nothing_pending(canary: &Process) {
    let pending = procfs::pending(canary.pid()).expect("the canary is still there");
    assert!(
        pending.is_empty(),
        "the client sent {} to the canary, a process that is no minitalk server: it must make \
         sure of the process before it signals it",
        pending.names()
    );
}

/// Assert that the canary is as the test left it: nothing pending, and still stopped, so
/// that neither SIGCONT nor SIGKILL (which a stopped process does act on) reached it.
pub fn assert_unharmed(canary: &Process) {
    assert_nothing_pending(canary);
    assert_eq!(
        procfs::state(canary.pid()),
        Some('T'),
        "the canary is not as we left it"
    );
}

#[cfg(test)]
mod tests {
    use nix::sys::signal::Signal;

    use super::*;

    #[test]
    fn a_signal_sent_to_a_stopped_canary_stays_pending() {
        let canary = sleeper();
        assert_unharmed(&canary);
        canary.signal(Signal::SIGUSR1);
        procfs::wait_until_pending(canary.pid(), Signal::SIGUSR1, STARTUP);
        assert_eq!(
            procfs::state(canary.pid()),
            Some('T'),
            "SIGUSR1 was acted on"
        );
    }
}
