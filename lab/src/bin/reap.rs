//! lab-reap: reaping children without doing anything in a SIGCHLD handler.
//!
//! The question: five children end while this program is busy (it blocks SIGCHLD until all
//! five are zombies). Each end sends the parent a SIGCHLD. How many does the program see?
//! How does it still reap all five? Two ways to hear about it inside a `poll(2)` loop:
//! a signalfd, or the self-pipe trick (a handler that only writes a byte to a pipe).
//!
//! Usage: `lab-reap signalfd|self-pipe`

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use lab::{die, proc, usage};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::libc::{self, c_int};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pipe2, read};

const CHILDREN: i32 = 5;

/// The write end of the self-pipe, for the handler (-1 until it exists).
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

// ANCHOR: self_pipe
/// The self-pipe trick: the handler's only job is to make the pipe readable, which wakes
/// up `poll`. The pipe is non-blocking, so a full pipe drops the byte instead of hanging
/// the handler (one byte waiting is enough to wake the loop).
extern "C" fn on_sigchld(_: c_int) {
    let saved = Errno::last_raw();
    let fd = PIPE_WRITE.load(Ordering::Relaxed);
    // SAFETY: write(2) is async-signal-safe; the fd stays open until the program exits.
    unsafe { libc::write(fd, b"!".as_ptr().cast(), 1) };
    Errno::set_raw(saved);
}
// ANCHOR_END: self_pipe

fn main() {
    let self_pipe = match lab::args().iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["signalfd"] => false,
        ["self-pipe"] => true,
        _ => usage("lab-reap signalfd|self-pipe"),
    };
    let sigchld = SigSet::from(Signal::SIGCHLD);
    sigchld
        .thread_block()
        .unwrap_or_else(|e| die("block SIGCHLD", e));
    // What poll watches: the signalfd, or the read end of the self-pipe.
    let notifier: OwnedFd = if self_pipe {
        let (read_end, write_end) =
            pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).unwrap_or_else(|e| die("pipe2", e));
        // Set before the handler exists; the fd stays open until the program exits.
        PIPE_WRITE.store(write_end.as_raw_fd(), Ordering::Relaxed);
        std::mem::forget(write_end);
        let action = SigAction::new(
            SigHandler::Handler(on_sigchld),
            SaFlags::SA_RESTART,
            SigSet::empty(),
        );
        // SAFETY: the handler calls write(2) only and restores errno.
        unsafe { sigaction(Signal::SIGCHLD, &action) }.unwrap_or_else(|e| die("sigaction", e));
        read_end
    } else {
        let fd = SignalFd::with_flags(&sigchld, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
            .unwrap_or_else(|e| die("signalfd", e));
        fd.into()
    };

    let children: Vec<Pid> = (1..=CHILDREN).map(start_child).collect();
    wait_until_all_zombies(&children);
    println!(
        "{CHILDREN} children forked; all {CHILDREN} have exited, and SIGCHLD was blocked all along"
    );
    if self_pipe {
        // Unblocked, the one pending SIGCHLD runs the handler once, before this returns.
        sigchld
            .thread_unblock()
            .unwrap_or_else(|e| die("unblock SIGCHLD", e));
    }
    poll_loop(&notifier, self_pipe);
}

fn start_child(code: i32) -> Pid {
    // SAFETY: this program has one thread; the child only exits.
    match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        // SAFETY: _exit is what a forked child of a Rust program should leave with.
        ForkResult::Child => unsafe { libc::_exit(code) },
        ForkResult::Parent { child } => child,
    }
}

/// Wait (at most 10 s) until every child is a zombie: exited, not yet reaped.
fn wait_until_all_zombies(children: &[Pid]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !children
        .iter()
        .all(|&child| proc::stat(child).is_some_and(|s| s.state == 'Z'))
    {
        if Instant::now() > deadline {
            die("wait for the children", "they did not all exit within 10 s");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

// EXERCISE: reap
// ANCHOR: loop
/// The loop a server runs (with its sockets in the same `poll`): wake up when the notifier
/// is readable, drain it, then reap *every* child that has ended.
fn poll_loop(notifier: &OwnedFd, self_pipe: bool) {
    let mut reaped = 0;
    let mut notifications = 0;
    while reaped < CHILDREN {
        let mut fds = [PollFd::new(notifier.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::NONE) {
            Err(Errno::EINTR) => continue,
            Err(error) => die("poll", error),
            Ok(_) => {}
        }
        // Drain: each read is one SIGCHLD (signalfd) or one byte (one handler run).
        let mut buffer = [0u8; 128];
        while let Ok(n) = read(notifier, &mut buffer)
            && n > 0
        {
            notifications += if self_pipe { n } else { n / 128 };
        }
        let what = if self_pipe {
            "byte(s) from the self-pipe"
        } else {
            "SIGCHLD from the signalfd"
        };
        println!("poll woke up: read {notifications} {what}");
        // Standard signals do not queue: one SIGCHLD may stand for many children. So reap
        // in a loop until waitpid says no more have ended (WNOHANG: never block here).
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) => {
                    println!("  reaped child {pid}: exit code {code}");
                    reaped += 1;
                }
                Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => break,
                Ok(other) => println!("  {other:?}"),
                Err(error) => die("waitpid", error),
            }
        }
    }
    println!("all {reaped} children reaped after {notifications} notification(s)");
}
// ANCHOR_END: loop
// END EXERCISE
