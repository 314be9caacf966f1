//! A process the benchmark started: its output captured, and ended by its PID.

use std::io::{self, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Instant;

use minitalk_kit::Captured;
use nix::unistd::Pid;

/// A running child with stdout and stderr read by background threads (the test kit's
/// [`Captured`]), so the benchmark can wait for output with a deadline instead of
/// sleeping. Dropping it kills the child by its PID and reaps it.
pub struct Running {
    child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl Running {
    /// Start `command`. With `stdin`, a thread writes those bytes to the child's stdin
    /// and closes it (the child sees end of file); without, stdin is empty.
    pub fn spawn(mut command: Command, stdin: Option<Vec<u8>>) -> io::Result<Running> {
        command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A thread, because the pipe holds only 64 kB: writing 1 MB blocks until the
            // client reads, and meanwhile the benchmark must watch the server.
            // A client that dies early makes the write fail (EPIPE): that is its exit
            // status's story to tell, not this thread's.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let stdout = Captured::spawn(child.stdout.take().expect("piped stdout"));
        let stderr = Captured::spawn(child.stderr.take().expect("piped stderr"));
        Ok(Running {
            child,
            stdout,
            stderr,
        })
    }

    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    /// The exit status if the child has exited (it is reaped then; std keeps the status).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Wait until the child exits, at most until `deadline`: first for both pipes to
    /// reach end of file (which happens when it exits), then reap it. `None` at the
    /// deadline; the child is still running then, and dropping it ends it.
    pub fn wait_exit(&mut self, deadline: Instant) -> Option<ExitStatus> {
        for pipe in [&self.stdout, &self.stderr] {
            pipe.wait_until(deadline, |_, closed| closed.then_some(()))
                .ok()?;
        }
        self.child.wait().ok()
    }

    /// The first line of stderr, for a one-line failure reason.
    pub fn stderr_line(&self) -> String {
        let text = self.stderr.text();
        text.lines().next().unwrap_or("").trim().to_owned()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // `Child::kill` sends SIGKILL to this child's PID, and does nothing once the
        // child has been reaped, so it can never hit a process that reused the PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
