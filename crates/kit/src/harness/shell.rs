//! An interactive shell on a pseudo-terminal, with job control: for tests of what happens
//! when a user types Ctrl-C or Ctrl-Z, `bg` or `fg`.
//!
//! The shell is `bash`, started as a user's would be but with nothing of the user's:
//! `--norc --noprofile`, no line editing (so nothing but the programs' output comes back),
//! a known prompt. It leads a session of its own, with the pty as its controlling terminal,
//! and puts each job it runs in a process group of its own, as in any terminal.
//!
//! Dropping a [`Shell`] kills the shell and everything it started, stopped jobs and jobs in
//! other process groups included: every descendant, found in `/proc` and validated as ours,
//! gets SIGKILL.

use std::process::Command;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::{Pid, getpid};
use rexpect::session::{PtySession, ReadUntil, spawn_command};

use super::procfs;
use crate::deadlines::DEADLINE;

/// What the shell prints when it is ready for the next command.
pub const PROMPT: &str = "lab-shell$ ";

/// An interactive bash on a pty. Every wait for its output has the kit's deadline.
pub struct Shell {
    session: PtySession,
    pid: Pid,
}

impl Shell {
    /// Start the shell and wait for its first prompt.
    pub fn start() -> Shell {
        Shell::start_within(DEADLINE)
    }

    /// Start the shell; every wait for its output fails after `timeout`.
    pub fn start_within(timeout: Duration) -> Shell {
        let mut command = Command::new("bash");
        command
            .args(["--norc", "--noprofile", "--noediting", "-i"])
            .env("PS1", PROMPT)
            .env("TERM", "dumb")
            .env("HISTFILE", "/dev/null");
        let session = spawn_command(command, Some(timeout.as_millis() as u64))
            .unwrap_or_else(|e| panic!("cannot start bash on a pty: {e}"));
        let mut shell = Shell {
            session,
            pid: Pid::from_raw(0),
        };
        shell.expect(PROMPT);
        shell.run("echo \"shell pid=$$\"");
        let said = shell.expect_prompt();
        let pid: i32 = said
            .split("shell pid=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|digits| digits.parse().ok())
            .unwrap_or_else(|| panic!("the shell did not say its PID: {said:?}"));
        let pid = Pid::from_raw(pid);
        // The pty child is ours; only then is killing its tree on drop safe.
        assert_eq!(
            procfs::parent(pid),
            Some(getpid()),
            "the shell's PID {pid} is not a child of this test"
        );
        shell.pid = pid;
        shell
    }

    /// The shell's PID: the session leader, and the terminal's controlling process.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Type `line` and Enter.
    pub fn run(&mut self, line: &str) {
        self.session
            .send_line(line)
            .unwrap_or_else(|e| panic!("cannot type {line:?} into the shell: {e}"));
    }

    /// Type Ctrl-`key` (`'c'`, `'z'`, …): the terminal turns it into a signal for its
    /// foreground process group.
    pub fn control(&mut self, key: char) {
        self.session
            .send_control(key)
            .unwrap_or_else(|e| panic!("cannot type Ctrl-{key}: {e}"));
    }

    /// Wait until the terminal shows `text`; returns everything shown before it and it.
    /// Fails, with everything the terminal showed, at the deadline.
    pub fn expect(&mut self, text: &str) -> String {
        match self.session.exp_string(text) {
            Ok(before) => format!("{before}{text}"),
            Err(error) => panic!("the terminal never showed {text:?}: {error}"),
        }
    }

    /// Wait until the terminal shows `text`, printed by the command running in the
    /// foreground; fails at once if the shell's prompt comes first (the command ended
    /// without printing it), with everything the terminal showed.
    pub fn expect_before_prompt(&mut self, text: &str) -> String {
        let needles = vec![
            ReadUntil::String(text.to_owned()),
            ReadUntil::String(PROMPT.to_owned()),
        ];
        match self.session.exp_any(needles) {
            Ok((before, found)) if found == text => format!("{before}{text}"),
            Ok((before, _)) => panic!(
                "the command ended before the terminal showed {text:?}; it showed: {before:?}"
            ),
            Err(error) => panic!("the terminal never showed {text:?}: {error}"),
        }
    }

    /// Wait until the terminal has shown both `text` and the shell's next prompt, in either
    /// order: the output of a job in the background races the prompt the shell prints
    /// after starting (or continuing) it. Returns everything shown.
    pub fn expect_with_prompt(&mut self, text: &str) -> String {
        let mut shown = self.expect(text);
        if !shown.contains(PROMPT) {
            shown.push_str(&self.expect(PROMPT));
        }
        shown
    }

    /// Wait for the next prompt; returns what the terminal showed before it.
    pub fn expect_prompt(&mut self) -> String {
        let shown = self.expect(PROMPT);
        shown[..shown.len() - PROMPT.len()].to_owned()
    }

    /// Every process the shell started, and what they started, that is still here.
    pub fn descendants(&self) -> Vec<Pid> {
        let mut found = Vec::new();
        let mut pending = vec![self.pid];
        while let Some(pid) = pending.pop() {
            for child in procfs::children(pid) {
                found.push(child);
                pending.push(child);
            }
        }
        found
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        if self.pid.as_raw() <= 1 {
            return;
        }
        // Deepest first, while each still has its parent: a process whose parent has died
        // is adopted by init, out of reach of this walk.
        for pid in self.descendants().into_iter().rev() {
            procfs::signal_if_descendant(pid, self.pid, Signal::SIGKILL);
        }
        let _ = kill(self.pid, Signal::SIGKILL);
        while waitpid(self.pid, None) == Err(Errno::EINTR) {}
    }
}
