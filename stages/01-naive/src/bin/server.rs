//! stage01-server: print our PID, then every message that arrives one bit per signal.
//!
//! All the work happens in the signal handler: it assembles bits into bytes, bytes into
//! a message, and writes the message with `write(2)` when the terminator arrives.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};

use minitalk_common::cli::{self, Help};
use minitalk_common::raw::write_all;
use nix::sys::signal::{SigHandler, signal};
use nix::unistd::{getpid, pause};
use stage_01::{ONE, TERMINATOR, ZERO};

/// Messages longer than this are written out in pieces.
const CAPACITY: usize = 4096;

// ANCHOR: state
// The handler's state lives in statics because a handler receives nothing but the signal
// number. They are atomics because a handler interrupts the program between any two
// instructions: plain `static mut` data would be a data race the compiler may miscompile.
static BYTE: AtomicU8 = AtomicU8::new(0);
static BITS_SEEN: AtomicU8 = AtomicU8::new(0);
static MESSAGE: [AtomicU8; CAPACITY] = [const { AtomicU8::new(0) }; CAPACITY];
static LENGTH: AtomicUsize = AtomicUsize::new(0);
// ANCHOR_END: state

// EXERCISE: handler
// ANCHOR: handler
extern "C" fn on_bit(signal: i32) {
    let bit = u8::from(signal == ONE as i32);
    let byte = (BYTE.load(Relaxed) << 1) | bit;
    let seen = BITS_SEEN.load(Relaxed) + 1;
    if seen < 8 {
        BYTE.store(byte, Relaxed);
        BITS_SEEN.store(seen, Relaxed);
        return;
    }
    BYTE.store(0, Relaxed);
    BITS_SEEN.store(0, Relaxed);
    if byte == TERMINATOR {
        flush(b"\n");
    } else {
        if LENGTH.load(Relaxed) == CAPACITY {
            flush(b"");
        }
        let length = LENGTH.load(Relaxed);
        MESSAGE[length].store(byte, Relaxed);
        LENGTH.store(length + 1, Relaxed);
    }
}

/// Write the message so far, then `end`, to stdout. Only async-signal-safe work: a copy
/// to the stack and `write(2)`; no allocation, no locks, no `println!`.
fn flush(end: &[u8]) {
    let mut out = [0u8; CAPACITY];
    let length = LENGTH.swap(0, Relaxed);
    for (slot, byte) in out.iter_mut().zip(&MESSAGE[..length]) {
        *slot = byte.load(Relaxed);
    }
    write_all(1, &out[..length]);
    write_all(1, end);
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {
    cli::no_args(&Help::new(
        "stage01-server",
        "",
        "Prints its PID, then every message that arrives one bit per signal.",
    ));
    // EXERCISE: install
    // ANCHOR: install
    // Install the handlers *before* telling anyone our PID: until then SIGUSR1 still has
    // its default action, which is to terminate us.
    for bit_signal in [ZERO, ONE] {
        // SAFETY: `on_bit` only touches atomics and calls write(2).
        unsafe { signal(bit_signal, SigHandler::Handler(on_bit)) }
            .unwrap_or_else(|e| panic!("cannot install the handler for {bit_signal}: {e}"));
    }
    println!("PID: {}", getpid());
    // Everything else happens in the handler; the main program only waits.
    loop {
        pause();
    }
    // ANCHOR_END: install
    // END EXERCISE
}
