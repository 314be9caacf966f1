//! A server on a pseudo-terminal, for tests that need what a user sees in a terminal.
//!
//! A program's stdout is a terminal here, not a pipe. C's stdio buffers a pipe fully but
//! a terminal by line, so a server that forgets `fflush` shows its PID in a terminal and
//! not in a pipe, or the other way round: the kit tests both.

use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::{Pid, getpid};
use rexpect::session::{PtySession, spawn_command};

use super::procfs;
use crate::deadlines::STARTUP;

/// A server running on a pty. Dropping it kills its process group and reaps it.
pub struct PtyServer {
    session: PtySession,
    pid: Pid,
    /// The pty child, leader of its own session and process group.
    leader: Pid,
}

impl PtyServer {
    /// Start the server that `command` runs on a pty and read its PID from its first line.
    /// Every read waits at most [`STARTUP`]: what a server shows on a terminal comes at
    /// once, or not at all (a message stuck in a buffer).
    pub fn start(command: std::process::Command) -> PtyServer {
        // rexpect has one timeout for every read; the startup read uses it too.
        let mut session =
            spawn_command(command, Some(millis(STARTUP))).expect("start the server on a pty");
        let line = session
            .read_line()
            .unwrap_or_else(|e| panic!("the server printed no first line on a terminal: {e}"));
        let pid = Pid::from_raw(super::server::pid_in_first_line(&line).unwrap_or_else(|| {
            panic!("the server's first line should contain its PID, but it is {line:?}")
        }));
        // The pty child is the session leader of a new session; the PID it prints must be
        // it or one of its descendants.
        let leader = Pid::from_raw(procfs::status_field(pid, "NSsid").map_or(-1, |sid| {
            sid.split_whitespace()
                .last()
                .and_then(|s| s.parse().ok())
                .unwrap_or(-1)
        }));
        // The leader must be the pty child this test forked: our own child, leading its
        // own session. Otherwise (a server that printed, say, its parent's PID) the
        // "session" could be the test runner's or the user's shell, and dropping this
        // handle would kill it.
        let own_session = procfs::parent(leader) == Some(getpid())
            && procfs::status_field(leader, "NSsid")
                .is_some_and(|sid| sid.split_whitespace().last() == Some(&leader.to_string()));
        assert!(
            pid.as_raw() > 1 && own_session && procfs::is_descendant_of(pid, leader),
            "the PID {pid} printed on the pty is not in the session the test started: \
             refusing to signal it"
        );
        PtyServer {
            session,
            pid,
            leader,
        }
    }

    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Read the next line the server prints (without `\r\n`).
    pub fn read_line(&mut self) -> String {
        self.session
            .read_line()
            .unwrap_or_else(|e| panic!("no line from the server on its pty: {e}"))
    }

    /// Read what the server shows until it contains `needle`, at most `timeout`; returns
    /// all that was read, or (as the error) what was read by the deadline. Reads without
    /// blocking, with a short pause between reads when nothing came.
    pub fn wait_for_text(&mut self, needle: &str, timeout: Duration) -> Result<String, String> {
        let deadline = std::time::Instant::now() + timeout;
        let mut seen = String::new();
        let mut pause = Duration::from_millis(1);
        loop {
            match self.session.try_read() {
                Some(c) => {
                    seen.push(c);
                    if seen.contains(needle) {
                        return Ok(seen);
                    }
                    pause = Duration::from_millis(1);
                }
                None if std::time::Instant::now() >= deadline => return Err(seen),
                None => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
            }
        }
    }

    /// The rexpect session, for anything else.
    pub fn session(&mut self) -> &mut PtySession {
        &mut self.session
    }
}

impl Drop for PtyServer {
    fn drop(&mut self) {
        // rexpect ends the child with SIGTERM when the session drops; kill the child's
        // whole session group first so that nothing it forked survives either. The child
        // is not reaped yet, so its group ID is still ours.
        let _ = killpg(self.leader, Signal::SIGKILL);
    }
}

fn millis(duration: Duration) -> u64 {
    duration.as_millis() as u64
}
