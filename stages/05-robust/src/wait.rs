//! How the client waits for the server's answer without ever missing it, and now without
//! waiting forever.
//!
//! As in stages 03 and 04, the answer signals are blocked before the first bit is sent,
//! so an answer that arrives early stays pending until we take it. Stage 04 took it with
//! `sigwaitinfo`, which sleeps for as long as it takes: if the server dies, forever.
//! `sigtimedwait` is the same call with a limit.

use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigSet, Signal};
use nix::unistd::Pid;

use crate::{ACK, DONE, timespec};

/// Block the two answer signals in this (single-threaded) process. Call it before the
/// first `kill`: an answer that arrives before we wait for it is then kept pending.
pub fn block_answers() -> SigSet {
    let answers: SigSet = [ACK, DONE].into_iter().collect();
    answers.thread_block().expect("block SIGUSR1 and SIGUSR2");
    answers
}

// ANCHOR: next_answer
/// Sleep until `server` answers, at most `timeout`, and return its answer (`None`: no
/// answer in time). A signal from any other process is taken off the pending set and
/// ignored; it does not restart the clock.
pub fn next_answer(answers: &SigSet, server: Pid, timeout: Duration) -> Option<Signal> {
    let deadline = Instant::now() + timeout;
    loop {
        let limit = timespec(deadline.saturating_duration_since(Instant::now()));
        let mut info = MaybeUninit::<libc::siginfo_t>::zeroed();
        // SAFETY: all three pointers are valid; the kernel fills `info` when it returns
        // a signal.
        let number = unsafe { libc::sigtimedwait(answers.as_ref(), info.as_mut_ptr(), &limit) };
        if number < 0 {
            match Errno::last() {
                Errno::EAGAIN => return None, // the limit passed with nothing pending
                Errno::EINTR => continue,     // SIGSTOP/SIGCONT from a shell
                other => panic!("sigtimedwait failed: {other}"),
            }
        }
        // SAFETY: sigtimedwait returned a signal, so `info` describes it.
        let sender = unsafe { info.assume_init().si_pid() };
        if sender == server.as_raw() {
            return Some(Signal::try_from(number).expect("one of the answers we wait for"));
        }
    }
}
// ANCHOR_END: next_answer
