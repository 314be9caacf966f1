//! Stage 02: the same wire format as stage 01, received with `SA_SIGINFO` so that the
//! server knows which process sent each bit.
//!
//! A message travels as its bytes followed by one `0` byte, each byte as eight signals,
//! most significant bit first: SIGUSR1 means 0, SIGUSR2 means 1.

pub mod assembler;
pub mod queue;

use std::time::Duration;

use nix::sys::signal::Signal;

/// The signal that carries a 0 bit.
pub const ZERO: Signal = Signal::SIGUSR1;
/// The signal that carries a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;
/// The byte that ends a message.
pub const TERMINATOR: u8 = 0;

/// The eight bits of `byte`, most significant first.
pub fn bits(byte: u8) -> impl Iterator<Item = bool> {
    (0..8).rev().map(move |i| (byte >> i) & 1 == 1)
}

/// How long the client sleeps after each signal unless `MINITALK_DELAY_US` says otherwise.
pub const DEFAULT_DELAY: Duration = Duration::from_micros(200);
