//! stage02-server: print our PID, then every message, whoever sends it.
//!
//! The handler is installed with `sigaction` and `SA_SIGINFO`, so the kernel tells it who
//! sent each signal. It only records (sender, bit) in a queue of atomics; the main loop
//! assembles bytes per sender and prints. Nothing in the handler allocates or locks.

use std::sync::atomic::{AtomicUsize, Ordering};

use minitalk_common::cli::{self, Help};
use minitalk_common::raw::write_all;
use nix::libc::{c_int, c_void, siginfo_t};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, sigaction};
use nix::unistd::getpid;
use stage_02::assembler::Assembler;
use stage_02::queue::{BitQueue, Received};
use stage_02::{ONE, ZERO};

// EXERCISE: handler
// ANCHOR: handler
static QUEUE: BitQueue = BitQueue::new();
/// Bits the handler had to drop because the queue was full (reported by the main loop).
static DROPPED: AtomicUsize = AtomicUsize::new(0);

/// Runs when SIGUSR1 or SIGUSR2 arrives. `info` is filled in by the kernel because the
/// handler was installed with `SA_SIGINFO`; `si_pid` is the sender's PID.
extern "C" fn on_bit(signal: c_int, info: *mut siginfo_t, _context: *mut c_void) {
    // SAFETY: with SA_SIGINFO the kernel passes a valid `siginfo_t` for this signal.
    let sender = unsafe { (*info).si_pid() };
    let bit = signal == ONE as c_int;
    if !QUEUE.push(Received { sender, bit }) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {
    cli::no_args(&Help::new(
        "stage02-server",
        "",
        "Prints its PID, then every message, whoever sends it; who sent each one goes to\n\
         stderr.",
    ));
    // EXERCISE: install
    // ANCHOR: install
    let bit_signals: SigSet = [ZERO, ONE].into_iter().collect();
    // Keep both signals blocked except while we wait in `sigsuspend` below: then a
    // handler can only run while the main loop is waiting, never between its look at
    // the queue and its going to sleep (where a wake-up would be lost).
    bit_signals
        .thread_block()
        .expect("block SIGUSR1 and SIGUSR2");
    // `sa_mask` = both signals: while one handler runs, the other signal waits, so the
    // handler never interrupts itself and the queue has a single producer.
    let action = SigAction::new(
        SigHandler::SigAction(on_bit),
        SaFlags::SA_SIGINFO | SaFlags::SA_RESTART,
        bit_signals,
    );
    for signal in [ZERO, ONE] {
        // SAFETY: `on_bit` is async-signal-safe: it only reads `info` and stores atomics.
        unsafe { sigaction(signal, &action) }
            .unwrap_or_else(|e| panic!("cannot install the handler for {signal}: {e}"));
    }
    // ANCHOR_END: install
    // END EXERCISE
    println!("PID: {}", getpid());

    // EXERCISE: main_loop
    // ANCHOR: main_loop
    let mut assembler = Assembler::default();
    let unblocked = SigSet::empty();
    loop {
        while let Some(Received { sender, bit }) = QUEUE.pop() {
            if let Some(message) = assembler.push(sender, bit) {
                // One write for the message and its newline: nothing can come between.
                write_all(1, &[message.as_slice(), b"\n"].concat());
                eprintln!("stage02-server: {} bytes from PID {sender}", message.len());
            }
        }
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            eprintln!("stage02-server: the queue was full, {dropped} bits dropped");
        }
        // Atomically unblock the bit signals and sleep until one is handled. It always
        // "fails" with EINTR: that is how it returns.
        let _ = unblocked.suspend();
    }
    // ANCHOR_END: main_loop
    // END EXERCISE
}
