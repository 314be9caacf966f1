//! A child process that is killed and reaped when its handle is dropped.

use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;

use super::output::Captured;
use super::procfs;
use super::report;
use super::stranger::Strangers;
use crate::deadlines::STARTUP;

/// A running child with its stdout and stderr captured.
///
/// It runs in a process group of its own (the group's ID is the child's PID), so that
/// dropping the handle kills the child *and* anything it forked, then reaps the child:
/// no test leaves a process or a zombie behind, even when it panics.
///
/// A waiter thread notices the exit with `waitid(…, WNOWAIT)`, which leaves the child a
/// zombie until the handle is dropped. While it is a zombie its PID cannot be reused, so
/// killing "its" group on drop can never hit a stranger's process.
pub struct Process {
    pid: Pid,
    program: String,
    stdin: Option<ChildStdin>,
    pub stdout: Captured,
    pub stderr: Captured,
    exit: Arc<(Mutex<Option<ExitStatus>>, Condvar)>,
    reaped: bool,
    /// The processes that sent it SIGUSR1 or SIGUSR2, kept until it is dropped.
    strangers: Strangers,
}

impl Process {
    /// Start `command` with piped stdin, stdout and stderr.
    // The child is reaped with waitpid in `kill` (on drop), not with `Child::wait`.
    #[allow(clippy::zombie_processes)]
    pub fn spawn(mut command: Command) -> Process {
        report::quiet_panics();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {program}: {error}"));
        let pid = Pid::from_raw(child.id() as i32);
        let exit = Arc::new((Mutex::new(None), Condvar::new()));
        let waiter = Arc::clone(&exit);
        thread::spawn(move || {
            let status = loop {
                match waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT) {
                    Err(Errno::EINTR) => continue,
                    Ok(WaitStatus::Exited(_, code)) => break ExitStatus::from_raw(code << 8),
                    Ok(WaitStatus::Signaled(_, signal, _)) => {
                        break ExitStatus::from_raw(signal as i32);
                    }
                    // Anything else means the child is no longer ours to wait for.
                    _ => break ExitStatus::from_raw(0xff << 8),
                }
            };
            let (slot, changed) = &*waiter;
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
            changed.notify_all();
        });
        Process {
            pid,
            program,
            stdin: child.stdin.take(),
            stdout: Captured::spawn(child.stdout.take().expect("piped stdout")),
            stderr: Captured::spawn(child.stderr.take().expect("piped stderr")),
            exit,
            reaped: false,
            strangers: Strangers::default(),
        }
    }

    /// The child's PID: a process this test created, so it is safe to signal.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The program it runs, as it was started (for failure messages).
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Send a signal to the child (and only to it). SIGUSR1 and SIGUSR2 come from a
    /// stranger, a process of their own (see [`Strangers`]): never from the test process,
    /// which an answer would kill.
    pub fn signal(&self, signal: Signal) {
        if self.reaped {
            return;
        }
        if matches!(signal, Signal::SIGUSR1 | Signal::SIGUSR2) {
            self.strangers.send(self.pid, signal);
        } else {
            kill(self.pid, signal).unwrap_or_else(|e| panic!("kill {}: {e}", self.pid));
        }
    }

    /// Stop the child with SIGSTOP and wait until the kernel reports it stopped. A stopped
    /// process acts on no signal (but SIGKILL and SIGCONT): what is sent to it stays
    /// pending, and the test can read it in `/proc`.
    pub fn stop(&self) {
        self.signal(Signal::SIGSTOP);
        procfs::wait_for_state(self.pid, 'T', STARTUP);
    }

    /// Write `bytes` to the child's stdin.
    pub fn write_stdin(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is still open");
        stdin.write_all(bytes).expect("write to the child's stdin");
        stdin.flush().expect("flush the child's stdin");
    }

    /// Write `bytes` to the child's stdin from a thread of its own, then close it. The
    /// child reads at its own pace, or not at all: if it exits first, the rest is dropped
    /// (the write fails with EPIPE, which nobody needs to hear about).
    pub fn feed_stdin(&mut self, bytes: Vec<u8>) {
        // Dropping the handle closes the pipe: at once, or once everything is written.
        if let Some(mut stdin) = self.stdin.take()
            && !bytes.is_empty()
        {
            thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            });
        }
    }

    /// Close the child's stdin: it reads end of file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Whether the child has been reaped: from then on its PID may be reused.
    pub fn is_reaped(&self) -> bool {
        self.reaped
    }

    /// The exit status, if the child has exited.
    pub fn try_status(&self) -> Option<ExitStatus> {
        *self.exit.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for the child to exit, at most `timeout`; panics with its output if it does not.
    pub fn wait(&self, timeout: Duration) -> ExitStatus {
        self.wait_timeout(timeout).unwrap_or_else(|| {
            panic!(
                "{} (PID {}) did not exit within {timeout:?}\nstdout so far: {:?}\nstderr so far: {:?}",
                self.program,
                self.pid,
                self.stdout.text(),
                self.stderr.text()
            )
        })
    }

    /// Wait for the child to exit, at most `timeout`; `None` if it is still running.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        let (slot, changed) = &*self.exit;
        let mut status = slot.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(status) = *status {
                return Some(status);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            status = changed
                .wait_timeout(status, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Wait for the exit, then for both pipes to be drained (unless something the child
    /// forked still holds them open).
    pub fn wait_with_output(&self, timeout: Duration) -> ExitStatus {
        let status = self.wait(timeout);
        self.drain();
        status
    }

    /// Once the child has exited, wait for the reader threads to collect what it wrote
    /// last: its pipes close at its exit, and the threads see that as soon as they run,
    /// which on a loaded machine may take a while. The bound is for a child that left
    /// something it forked holding the pipes open. A child still running has nothing
    /// last to collect: this returns at once.
    pub fn drain(&self) {
        if self.try_status().is_none() {
            return;
        }
        let drained = Instant::now() + STARTUP;
        let _ = self
            .stdout
            .wait_until(drained, |_, closed| closed.then_some(()));
        let _ = self
            .stderr
            .wait_until(drained, |_, closed| closed.then_some(()));
    }

    /// Kill the child's whole process group with SIGKILL and reap the child.
    pub fn kill(&mut self) {
        if self.reaped {
            return;
        }
        // The child is either alive or an unreaped zombie, so its PID (and with it the
        // group ID) still belongs to us. The group may already be empty: that is fine.
        let _ = killpg(self.pid, Signal::SIGKILL);
        while waitpid(self.pid, None) == Err(Errno::EINTR) {}
        self.reaped = true;
    }
}

/// Make the program that `command` starts die (SIGKILL) when the thread that starts it
/// ends, which for a test means when the test binary dies: a test binary killed by the
/// user or by a deadline (where no `Drop` runs) leaves no server or client behind. Every
/// program of [`Programs`](super::programs::Programs), the sandbox, the canaries and the
/// strangers get it.
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child exits, so only a
/// process that the thread starting it outlives may have it: the kit's are started,
/// waited for and killed by the test's own thread. A test that starts a process from a
/// helper thread of its own (and keeps it after that thread ends) leaves this out.
pub fn die_with_the_test(command: &mut Command) -> &mut Command {
    let parent = nix::unistd::getpid();
    // SAFETY: between fork and exec only `prctl` and `getppid` run: plain system calls,
    // async-signal-safe, touching nothing the parent shares with the child.
    unsafe {
        command.pre_exec(move || {
            if nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before the call: then nobody would send it.
            if nix::libc::getppid() != parent.as_raw() {
                nix::libc::_exit(1);
            }
            Ok(())
        })
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
