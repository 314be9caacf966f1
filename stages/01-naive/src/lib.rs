//! Stage 01's wire format, shared by its server and client.
//!
//! A message travels as its bytes followed by one `0` byte (the terminator), each byte as
//! eight signals, most significant bit first: SIGUSR1 means 0, SIGUSR2 means 1.

use std::time::Duration;

use nix::sys::signal::Signal;

// ANCHOR: wire
/// The signal that carries a 0 bit.
pub const ZERO: Signal = Signal::SIGUSR1;
/// The signal that carries a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;
/// The byte that ends a message. Command-line arguments cannot contain it.
pub const TERMINATOR: u8 = 0;

/// The eight bits of `byte`, most significant first.
pub fn bits(byte: u8) -> impl Iterator<Item = bool> {
    (0..8).rev().map(move |i| (byte >> i) & 1 == 1)
}
// ANCHOR_END: wire

/// How long the client sleeps after each signal unless `MINITALK_DELAY_US` says otherwise.
pub const DEFAULT_DELAY: Duration = Duration::from_micros(200);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_come_most_significant_first() {
        let h: Vec<bool> = bits(b'h').collect(); // 0x68 = 0110 1000
        assert_eq!(h, [false, true, true, false, true, false, false, false]);
    }
}
