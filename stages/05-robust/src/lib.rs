//! Stage 05: stage 04's frames, made robust: nobody waits forever, and no signal goes to
//! a PID before it is known to be a minitalk server.
//!
//! A message travels as a frame: its length as a 32-bit big-endian number, then its
//! bytes. Every bit is one signal, most significant bit first: SIGUSR1 means 0, SIGUSR2
//! means 1. As in stage 03, the server answers every bit to its sender: SIGUSR1 ("got
//! it"), and SIGUSR2 after the frame's last bit ("printed"). A SIGUSR2 *before* the last
//! bit means "refused": the header announced more than [`MAX_LEN`] bytes.
//!
//! New in this stage: each side gives up on the other after [`DEFAULT_TIMEOUT`] of
//! silence, or after `MINITALK_TIMEOUT_MS` milliseconds if that is set.

pub mod assembler;
pub mod queue;
pub mod send;
pub mod wait;

use std::time::Duration;

use nix::sys::signal::Signal;

/// The signal that carries a 0 bit.
pub const ZERO: Signal = Signal::SIGUSR1;
/// The signal that carries a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;

/// The server's answer to every bit but the last: "received, send the next one".
pub const ACK: Signal = Signal::SIGUSR1;
/// The server's answer to the last bit ("printed"), or to a header it refuses.
pub const DONE: Signal = Signal::SIGUSR2;

// ANCHOR: timeout
/// How long the client waits for an answer, and the server for a sender's next bit.
/// An answer normally takes microseconds; seconds of silence mean the other side is
/// dead, stopped, or not a minitalk program at all.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The environment variable that overrides [`DEFAULT_TIMEOUT`], in milliseconds.
pub const TIMEOUT_ENV: &str = "MINITALK_TIMEOUT_MS";
// ANCHOR_END: timeout

// ANCHOR: frame
/// How many bits the length header takes: lengths up to 4 GiB - 1 can be announced.
pub const HEADER_BITS: usize = 32;
/// The longest message the server accepts: 16 MiB. At one acknowledged bit per signal
/// that is minutes of signalling; a header announcing more is refused straight away,
/// before anything is allocated for it.
pub const MAX_LEN: u32 = 16 * 1024 * 1024;

/// Every bit of the frame for `message`: the length, then the bytes, each most
/// significant bit first. `None` if the length does not fit in the header.
pub fn frame(message: &[u8]) -> Option<impl Iterator<Item = bool> + '_> {
    let len = u32::try_from(message.len()).ok()?;
    let header = (0..HEADER_BITS).rev().map(move |i| (len >> i) & 1 == 1);
    Some(header.chain(message.iter().flat_map(|&byte| bits(byte))))
}
// ANCHOR_END: frame

/// `duration` as the `timespec` that `sigtimedwait` and `ppoll` take.
pub fn timespec(duration: Duration) -> nix::libc::timespec {
    nix::libc::timespec {
        tv_sec: duration.as_secs() as nix::libc::time_t,
        tv_nsec: duration.subsec_nanos() as nix::libc::c_long,
    }
}

/// The eight bits of `byte`, most significant first.
pub fn bits(byte: u8) -> impl Iterator<Item = bool> {
    (0..8).rev().map(move |i| (byte >> i) & 1 == 1)
}

/// How many bits the frame of a `len`-byte message takes.
pub fn frame_bits(len: usize) -> usize {
    HEADER_BITS + 8 * len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_length_big_endian() {
        let bits: Vec<bool> = frame(b"A").unwrap().collect();
        assert_eq!(bits.len(), frame_bits(1));
        // 1 as 32 bits: 31 zeros, then a one.
        assert!(bits[..31].iter().all(|&b| !b));
        assert!(bits[31]);
        // 'A' = 0x41 = 0100_0001
        let a: Vec<bool> = [0, 1, 0, 0, 0, 0, 0, 1].iter().map(|&b| b == 1).collect();
        assert_eq!(&bits[32..], &a[..]);
    }

    #[test]
    fn an_empty_message_is_a_header_of_zeros() {
        let bits: Vec<bool> = frame(b"").unwrap().collect();
        assert_eq!(bits, vec![false; 32]);
    }
}
