//! Stage 03: stage 02's wire format, now with an answer for every bit.
//!
//! A message travels as its bytes followed by one `0` byte, each byte as eight signals,
//! most significant bit first: SIGUSR1 means 0, SIGUSR2 means 1. The server answers every
//! bit to the PID that sent it: SIGUSR1 ("got it, send the next one"), or SIGUSR2 after
//! the last bit ("the whole message is printed"). The client sends a bit only after the
//! answer to the previous one, so nothing paces the transfer but the two processes.

pub mod assembler;
pub mod queue;
pub mod wait;

use nix::sys::signal::Signal;

/// The signal that carries a 0 bit.
pub const ZERO: Signal = Signal::SIGUSR1;
/// The signal that carries a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;
/// The byte that ends a message.
pub const TERMINATOR: u8 = 0;

// ANCHOR: answers
/// The server's answer to every bit but the last: "received, send the next one".
pub const ACK: Signal = Signal::SIGUSR1;
/// The server's answer to the last bit: "the whole message is printed".
pub const DONE: Signal = Signal::SIGUSR2;
// ANCHOR_END: answers

/// The eight bits of `byte`, most significant first.
pub fn bits(byte: u8) -> impl Iterator<Item = bool> {
    (0..8).rev().map(move |i| (byte >> i) & 1 == 1)
}
