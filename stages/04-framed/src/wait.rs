//! How the client waits for the server's answer without ever missing it.
//!
//! The tempting way is a handler that sets a flag, and `while !flag { pause() }`. It has a
//! hole: if the answer arrives after the check but before `pause()` starts, the handler
//! runs in between, and `pause()` then sleeps waiting for a signal that has already come
//! and gone. The server, waiting for our next bit, never sends another: both processes
//! sleep forever. (Stage 03's `stage03-lost-wakeup` makes this happen on purpose.)
//!
//! The cure is to never let the signal be *delivered* while we are not waiting for it:
//! block it before the first bit is sent. A blocked signal that arrives stays pending,
//! and `sigwaitinfo` takes it from the pending set, or sleeps until one is there. There
//! is no moment at which the answer can slip past.

use std::mem::MaybeUninit;

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::Pid;

use crate::{ACK, DONE};

// ANCHOR: block
/// Block the two answer signals in this (single-threaded) process. Call it before the
/// first `kill`: an answer that arrives before we wait for it is then kept pending.
pub fn block_answers() -> SigSet {
    let answers: SigSet = [ACK, DONE].into_iter().collect();
    answers.thread_block().expect("block SIGUSR1 and SIGUSR2");
    answers
}
// ANCHOR_END: block

// ANCHOR: next_answer
/// Sleep until `server` answers, and return its answer. A signal from any other process
/// is taken off the pending set and ignored: only the server may move us on.
pub fn next_answer(answers: &SigSet, server: Pid) -> Signal {
    loop {
        let mut info = MaybeUninit::<libc::siginfo_t>::zeroed();
        // SAFETY: both pointers are valid; the kernel fills `info` when it returns a signal.
        let number = unsafe { libc::sigwaitinfo(answers.as_ref(), info.as_mut_ptr()) };
        if number < 0 {
            // EINTR: a signal we do not wait for (SIGSTOP/SIGCONT from a shell) came in.
            assert_eq!(Errno::last(), Errno::EINTR, "sigwaitinfo failed");
            continue;
        }
        // SAFETY: sigwaitinfo returned a signal, so `info` describes it.
        let sender = unsafe { info.assume_init().si_pid() };
        if sender == server.as_raw() {
            return Signal::try_from(number).expect("one of the answers we wait for");
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
