//! The frame: what a message looks like on the wire, and how the server puts it back
//! together.
//!
//! ```text
//! +----------------------+------------------+---------------------------+
//! | length: 4 bytes (BE) | the message      | CRC-32 of the message (BE) |
//! +----------------------+------------------+---------------------------+
//! ```
//!
//! As in stage 04 the length comes first, so the server knows when the message ends and
//! can reserve its memory once; new is the checksum at the end. Each byte travels most
//! significant bit first.

use crate::checksum::crc32;

/// Bytes of a frame that are not the message: the length and the checksum.
pub const OVERHEAD: usize = 8;

// ANCHOR: encode
/// The frame for `message`, or `None` if it is too long for a 32-bit length.
pub fn encode(message: &[u8]) -> Option<Vec<u8>> {
    let length = u32::try_from(message.len()).ok()?;
    let mut frame = Vec::with_capacity(message.len() + OVERHEAD);
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(message);
    frame.extend_from_slice(&crc32(message).to_be_bytes());
    Some(frame)
}

/// Bit number `index` of `frame`, counting from the most significant bit of byte 0.
pub fn bit(frame: &[u8], index: u64) -> bool {
    let byte = frame[(index / 8) as usize];
    (byte >> (7 - index % 8)) & 1 == 1
}
// ANCHOR_END: encode

// ANCHOR: chunks
/// How many 64-bit chunks carry a frame of `frame_len` bytes (the last one padded).
pub fn chunk_count(frame_len: usize) -> u64 {
    frame_len.div_ceil(8) as u64
}

/// Chunk number `index` of `frame`: its bytes `8 * index ..` as a big-endian number, so
/// that the first byte travels in the most significant bits, as in the classic mode.
/// Past the end of the frame the chunk is padded with zeros.
pub fn chunk(frame: &[u8], index: u64) -> u64 {
    let start = (index * 8) as usize;
    let mut bytes = [0u8; 8];
    let available = &frame[start..frame.len().min(start + 8)];
    bytes[..available.len()].copy_from_slice(available);
    u64::from_be_bytes(bytes)
}

/// How many chunks of `bits` bits carry a frame of `frame_len` bytes.
pub fn chunk_count_of(frame_len: usize, bits: u32) -> u64 {
    (frame_len as u64 * 8).div_ceil(u64::from(bits))
}

/// Chunk number `index` of `frame` when each holds `bits` bits (at most 64): the frame's
/// bits `bits * index ..` as a number whose lowest `bits` bits they are, first bit
/// highest. Past the end of the frame, zeros.
pub fn chunk_of(frame: &[u8], index: u64, bits: u32) -> u64 {
    let first = index * u64::from(bits);
    let start = ((first / 8) as usize).min(frame.len());
    // The 9 bytes from the chunk's first byte hold its bits (at most 7 to skip, then 64).
    let mut window = [0u8; 16];
    let available = &frame[start..frame.len().min(start + 9)];
    window[..available.len()].copy_from_slice(available);
    let bits_from_start = u128::from_be_bytes(window);
    ((bits_from_start << (first % 8)) >> (128 - bits)) as u64
}
// ANCHOR_END: chunks

// ANCHOR: bits_to_bytes
/// Collects bits, most significant first, into bytes.
#[derive(Default)]
pub struct ByteBuilder {
    byte: u8,
    bits: u8,
}

impl ByteBuilder {
    /// Add one bit; returns the byte when this was its eighth bit.
    pub fn push(&mut self, bit: bool) -> Option<u8> {
        self.byte = (self.byte << 1) | u8::from(bit);
        self.bits += 1;
        if self.bits < 8 {
            return None;
        }
        self.bits = 0;
        Some(std::mem::take(&mut self.byte))
    }
}
// ANCHOR_END: bits_to_bytes

// ANCHOR: receiver
/// What one more byte of a frame amounted to.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Nothing to report: keep going.
    More,
    /// The length is complete, and acceptable: the server now knows how much will come.
    Length(u32),
    /// The length is complete, and larger than the server accepts.
    TooLarge(u32),
    /// The whole frame is in. `Ok` holds the message followed by a `\n`, ready to print
    /// with one `write`; `Err` means the checksum did not match.
    Complete(Result<Vec<u8>, ChecksumMismatch>),
}

/// The checksum that came with a frame, and the one its bytes actually have.
#[derive(Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    pub sent: u32,
    pub computed: u32,
}

/// Puts one frame back together, byte by byte.
pub struct FrameReceiver {
    /// Bytes of the frame received so far.
    received: u64,
    length: u32,
    checksum: u32,
    message: Vec<u8>,
    max_bytes: u64,
}

impl FrameReceiver {
    /// A receiver that refuses lengths above `max_bytes`.
    pub fn new(max_bytes: u64) -> FrameReceiver {
        FrameReceiver {
            received: 0,
            length: 0,
            checksum: 0,
            message: Vec::new(),
            max_bytes,
        }
    }

    /// The message length, once the header is in.
    pub fn length(&self) -> Option<u32> {
        (self.received >= 4).then_some(self.length)
    }

    /// Bytes of the message received so far.
    pub fn message_bytes(&self) -> usize {
        self.message.len()
    }

    pub fn push(&mut self, byte: u8) -> Pushed {
        let at = self.received;
        self.received += 1;
        if at < 4 {
            self.length = (self.length << 8) | byte as u32;
            if at < 3 {
                return Pushed::More;
            }
            if self.length as u64 > self.max_bytes {
                return Pushed::TooLarge(self.length);
            }
            // The only allocation of the whole transfer: the message, and its newline.
            self.message = Vec::with_capacity(self.length as usize + 1);
            return Pushed::Length(self.length);
        }
        let message_end = 4 + self.length as u64;
        if at < message_end {
            self.message.push(byte);
            return Pushed::More;
        }
        self.checksum = (self.checksum << 8) | byte as u32;
        if at + 1 < message_end + 4 {
            return Pushed::More;
        }
        let computed = crc32(&self.message);
        if computed != self.checksum {
            return Pushed::Complete(Err(ChecksumMismatch {
                sent: self.checksum,
                computed,
            }));
        }
        let mut message = std::mem::take(&mut self.message);
        message.push(b'\n');
        Pushed::Complete(Ok(message))
    }
}
// ANCHOR_END: receiver

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(frame: &[u8], max: u64) -> Vec<Pushed> {
        let mut receiver = FrameReceiver::new(max);
        let mut builder = ByteBuilder::default();
        let mut events = Vec::new();
        for index in 0..frame.len() as u64 * 8 {
            if let Some(byte) = builder.push(bit(frame, index)) {
                match receiver.push(byte) {
                    Pushed::More => {}
                    other => events.push(other),
                }
            }
        }
        events
    }

    #[test]
    fn a_frame_round_trips_bit_by_bit() {
        let frame = encode(b"hi\0there\xff").unwrap();
        assert_eq!(frame.len(), 9 + OVERHEAD);
        assert_eq!(
            receive(&frame, 100),
            vec![
                Pushed::Length(9),
                Pushed::Complete(Ok(b"hi\0there\xff\n".to_vec()))
            ]
        );
    }

    #[test]
    fn a_frame_round_trips_chunk_by_chunk() {
        let frame = encode(b"sixty-four bits at a time").unwrap();
        assert_eq!(chunk_count(frame.len()), 5);
        let mut receiver = FrameReceiver::new(100);
        let mut events = Vec::new();
        'chunks: for index in 0..chunk_count(frame.len()) {
            for byte in chunk(&frame, index).to_be_bytes() {
                match receiver.push(byte) {
                    Pushed::More => {}
                    Pushed::Complete(done) => {
                        events.push(Pushed::Complete(done));
                        break 'chunks; // the rest of the last chunk is padding
                    }
                    other => events.push(other),
                }
            }
        }
        assert_eq!(
            events,
            vec![
                Pushed::Length(25),
                Pushed::Complete(Ok(b"sixty-four bits at a time\n".to_vec()))
            ]
        );
    }

    #[test]
    fn a_frame_round_trips_in_chunks_of_63_bits() {
        let frame = encode(b"sixty-three bits at a time, not byte-aligned").unwrap();
        let count = chunk_count_of(frame.len(), 63);
        assert_eq!(count, (frame.len() as u64 * 8).div_ceil(63));
        let mut builder = ByteBuilder::default();
        let mut bytes = Vec::new();
        for index in 0..count {
            let chunk = chunk_of(&frame, index, 63);
            assert!(chunk < 1 << 63);
            for shift in (0..63).rev() {
                if let Some(byte) = builder.push((chunk >> shift) & 1 == 1) {
                    bytes.push(byte);
                }
            }
        }
        // The rest of the last chunk is padding: zeros.
        assert_eq!(&bytes[..frame.len()], &frame[..]);
        assert!(bytes[frame.len()..].iter().all(|&b| b == 0));
        assert_eq!(chunk_of(&frame, 0, 64), chunk(&frame, 0));
    }

    #[test]
    fn the_empty_message_is_a_frame_too() {
        let frame = encode(b"").unwrap();
        assert_eq!(
            receive(&frame, 100),
            vec![Pushed::Length(0), Pushed::Complete(Ok(b"\n".to_vec()))]
        );
    }

    #[test]
    fn a_flipped_bit_is_caught_by_the_checksum() {
        let mut frame = encode(b"integrity").unwrap();
        frame[6] ^= 0x04;
        let events = receive(&frame, 100);
        assert!(matches!(events[1], Pushed::Complete(Err(_))), "{events:?}");
    }

    #[test]
    fn a_length_above_the_limit_is_refused_at_once() {
        let frame = encode(&[b'x'; 101]).unwrap();
        assert_eq!(receive(&frame[..4], 100), vec![Pushed::TooLarge(101)]);
    }
}
