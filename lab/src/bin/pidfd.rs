//! lab-pidfd: the PID-reuse race that every `kill(pid, …)` lives with, and the file
//! descriptor that closes it.
//!
//! The question: a process ends and is reaped; its PID is free, and the next process may
//! get it. A program that still holds the old PID and calls `kill(pid, SIGTERM)`: whom does
//! it hit? And one that holds a pidfd of the old process (`pidfd_open(2)`) and calls
//! `pidfd_send_signal(2)`?
//!
//! To show the race without any risk to other processes, the program runs as PID 1 of a
//! fresh PID namespace, where every process is one it created, and it hands the freed PID
//! out again at once by setting the namespace's `/proc/sys/kernel/ns_last_pid` (the kernel
//! gives the next process the PID after that one):
//!
//! Usage: `unshare --pid --fork --kill-child --mount-proc lab-pidfd`

use std::fs;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::ptr;

use lab::{die, usage};
use minitalk_common::{ExitCode, fail};
use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, pause, pipe, read};

fn main() {
    if !lab::args().is_empty() {
        usage("unshare --pid --fork --kill-child --mount-proc lab-pidfd");
    }
    // The safety of the whole experiment: in a namespace of its own, PID 1 is this program
    // and every other PID is one of its children.
    if getpid().as_raw() != 1 {
        // The command to run, with this program as it was started (target/debug/lab-pidfd).
        let me = std::env::args()
            .next()
            .unwrap_or_else(|| "lab-pidfd".into());
        fail(
            ExitCode::Failure,
            format!(
                "run me as PID 1 of a fresh PID namespace: unshare --pid --fork --kill-child --mount-proc {me}"
            ),
        );
    }
    // The victim waits until told to go: until the pipe's write end, which only the
    // parent keeps, closes.
    let (told, tell) = pipe().unwrap_or_else(|e| die("pipe", e));
    let tell_fd = tell.as_raw_fd();
    let victim = start(|| {
        // SAFETY: the child's copy of the write end, which it must not keep.
        unsafe { libc::close(tell_fd) };
        let _ = read(&told, &mut [0u8; 1]);
    });
    drop(told);
    // ANCHOR: open
    let pidfd = pidfd_open(victim);
    println!(
        "victim: PID {victim}; pidfd_open gave fd {}",
        pidfd.as_raw_fd()
    );
    // ANCHOR_END: open

    // ANCHOR: reuse
    drop(tell);
    // A pidfd becomes readable when its process ends: a way to wait for any process, not
    // only for one's children.
    let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
    poll(&mut fds, PollTimeout::NONE).unwrap_or_else(|e| die("poll the pidfd", e));
    println!("poll: the pidfd is readable, the victim has exited");
    waitpid(victim, None).unwrap_or_else(|e| die("waitpid", e));
    println!("victim reaped: PID {victim} is free");

    // The next fork gets the PID after ns_last_pid: the victim's.
    fs::write(
        "/proc/sys/kernel/ns_last_pid",
        format!("{}", victim.as_raw() - 1),
    )
    .unwrap_or_else(|e| die("write /proc/sys/kernel/ns_last_pid", e));
    let newcomer = start(|| {
        loop {
            pause();
        }
    });
    println!("newcomer: PID {newcomer}, the victim's old PID");
    if newcomer != victim {
        fail(
            ExitCode::Failure,
            "the newcomer did not get the victim's PID",
        );
    }
    // ANCHOR_END: reuse

    // ANCHOR: fix
    match pidfd_send_signal(&pidfd, Signal::SIGTERM) {
        Ok(()) => println!("pidfd_send_signal(victim's pidfd, SIGTERM): sent"),
        Err(error) => println!("pidfd_send_signal(victim's pidfd, SIGTERM): {error}"),
    }
    let alive = waitpid(newcomer, Some(WaitPidFlag::WNOHANG)) == Ok(WaitStatus::StillAlive);
    println!("newcomer still alive: {}", if alive { "yes" } else { "no" });

    let sent = kill(victim, Signal::SIGTERM);
    println!(
        "kill({victim}, SIGTERM), with the victim's old PID: {}",
        sent.map_or_else(|e| e.to_string(), |()| "sent".to_owned())
    );
    match waitpid(newcomer, None) {
        Ok(WaitStatus::Signaled(_, signal, _)) => println!("newcomer killed by {signal}"),
        other => println!("newcomer: {other:?}"),
    }
    // ANCHOR_END: fix
}

/// Fork a child that runs `body`, then exits.
fn start(body: impl FnOnce()) -> Pid {
    // SAFETY: this program has one thread.
    match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        ForkResult::Child => {
            body();
            // SAFETY: _exit ends the child at once.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => child,
    }
}

// EXERCISE: pidfd
// ANCHOR: calls
/// `pidfd_open(2)`: a file descriptor that names this one process for as long as it is
/// open, even after the process has ended and its PID has gone to another.
fn pidfd_open(pid: Pid) -> OwnedFd {
    // SAFETY: a plain system call; it returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    if fd < 0 {
        die("pidfd_open", Errno::last());
    }
    // SAFETY: the fd is new and ours alone.
    unsafe { OwnedFd::from_raw_fd(fd as c_int) }
}

/// `pidfd_send_signal(2)`: `kill`, aimed at the process the pidfd names. ESRCH if it has
/// ended, whoever has its PID now.
fn pidfd_send_signal(pidfd: &OwnedFd, signal: Signal) -> Result<(), Errno> {
    // SAFETY: a plain system call; no siginfo (null), no flags.
    let result = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            signal as c_int,
            ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(Errno::last())
    }
}
// ANCHOR_END: calls
// END EXERCISE
