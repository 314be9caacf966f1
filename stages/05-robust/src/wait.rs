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
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
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

// ANCHOR: catch_answers
/// Install a handler for the two answers, one that never runs: they are blocked, and
/// `sigwaitinfo` takes them off the pending set before a handler could. It is there for
/// the server, which checks a sender in `/proc/PID/status` before it answers (an answer
/// kills a process that neither catches nor blocks it). While we sleep in `sigwaitinfo`,
/// the kernel unblocks the signals we wait for, so `SigBlk` does not show them then; a
/// handler (`SigCgt`) shows at every moment that an answer cannot kill us.
pub fn catch_answers() {
    extern "C" fn never_runs(_: libc::c_int) {}
    let action = SigAction::new(
        SigHandler::Handler(never_runs),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [ACK, DONE] {
        // SAFETY: the handler does nothing at all, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }.expect("install a handler for the answers");
    }
}
// ANCHOR_END: catch_answers
