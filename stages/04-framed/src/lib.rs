//! Stage 04: a frame instead of a terminator, so that any bytes can travel.
//!
//! A message travels as a frame: its length as a 32-bit big-endian number, then its
//! bytes. Every bit is one signal, most significant bit first: SIGUSR1 means 0, SIGUSR2
//! means 1. As in stage 03, the server answers every bit to its sender: SIGUSR1 ("got
//! it"), and SIGUSR2 after the frame's last bit ("printed"). A SIGUSR2 *before* the last
//! bit means "refused": the header announced more than [`MAX_LEN`] bytes.

pub mod assembler;
pub mod queue;
pub mod send;
pub mod wait;

use nix::sys::signal::Signal;

/// The signal that carries a 0 bit.
pub const ZERO: Signal = Signal::SIGUSR1;
/// The signal that carries a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;

/// The server's answer to every bit but the last: "received, send the next one".
pub const ACK: Signal = Signal::SIGUSR1;
/// The server's answer to the last bit ("printed"), or to a header it refuses.
pub const DONE: Signal = Signal::SIGUSR2;

// ANCHOR: frame
/// How many bits the length header takes: lengths up to 4 GiB - 1 can be announced.
pub const HEADER_BITS: usize = 32;
/// The longest message the server accepts: 16 MiB. At one acknowledged bit per signal
/// that is minutes of signalling; a header announcing more is refused straight away,
/// before anything is allocated for it.
pub const MAX_LEN: u32 = 16 * 1024 * 1024;

/// Every bit of the frame for `message`: the header, then the bytes, each most
/// significant bit first. `None` if the length does not fit in the header.
pub fn frame(message: &[u8]) -> Option<impl Iterator<Item = bool> + '_> {
    let len = u32::try_from(message.len()).ok()?;
    let bytes = message.iter().flat_map(|&byte| bits(byte));
    Some(header(len).into_iter().chain(bytes))
}
// ANCHOR_END: frame

// EXERCISE: header
// ANCHOR: header
/// The header that announces `len` bytes: the 32 bits of `len`, most significant first
/// (big-endian, as network protocols write numbers).
pub fn header(len: u32) -> [bool; HEADER_BITS] {
    std::array::from_fn(|i| (len >> (HEADER_BITS - 1 - i)) & 1 == 1)
}
// ANCHOR_END: header
// END EXERCISE

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
    fn the_header_holds_the_bytes_of_the_length_most_significant_first() {
        let expected: Vec<bool> = [0x01, 0x02, 0x03, 0x04]
            .into_iter()
            .flat_map(bits)
            .collect();
        assert_eq!(header(0x0102_0304).to_vec(), expected);
        assert_eq!(header(u32::MAX), [true; HEADER_BITS]);
    }

    #[test]
    fn an_empty_message_is_a_header_of_zeros() {
        let bits: Vec<bool> = frame(b"").unwrap().collect();
        assert_eq!(bits, vec![false; 32]);
    }
}
