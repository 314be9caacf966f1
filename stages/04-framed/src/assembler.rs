//! Frames to messages, one sender at a time: the part of the server that may allocate,
//! because it runs in the main loop, not in the handler.

use std::collections::HashMap;

use crate::{HEADER_BITS, MAX_LEN};

// EXERCISE: assembler
// ANCHOR: assembler
/// A frame being received from one sender.
enum Partial {
    /// Still reading the 32-bit length.
    Header { len: u32, bits_seen: usize },
    /// Reading the bytes into a buffer allocated once, from the header.
    Body {
        bytes: Vec<u8>,
        len: usize,
        byte: u8,
        bits_seen: u8,
    },
}

/// What one bit did.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// The frame goes on.
    More,
    /// The frame is complete: here is the message. Its capacity is one byte more than
    /// its length, so that the server can add its newline without reallocating.
    Done(Vec<u8>),
    /// The header announced this many bytes, more than [`MAX_LEN`]: nothing allocated,
    /// and the sender forgotten.
    Refused(u32),
}

/// Everything being received, keyed by the sender's PID.
#[derive(Default)]
pub struct Assembler {
    partial: HashMap<i32, Partial>,
}

impl Assembler {
    /// Add one bit from `sender`.
    pub fn push(&mut self, sender: i32, bit: bool) -> Progress {
        let partial = self.partial.entry(sender).or_insert(Partial::Header {
            len: 0,
            bits_seen: 0,
        });
        match partial {
            Partial::Header { len, bits_seen } => {
                *len = (*len << 1) | u32::from(bit);
                *bits_seen += 1;
                if *bits_seen < HEADER_BITS {
                    return Progress::More;
                }
                let len = *len;
                if len > MAX_LEN {
                    self.partial.remove(&sender);
                    return Progress::Refused(len);
                }
                if len == 0 {
                    self.partial.remove(&sender);
                    return Progress::Done(Vec::with_capacity(1));
                }
                // The one allocation for this message: its size is known up front.
                *partial = Partial::Body {
                    bytes: Vec::with_capacity(len as usize + 1),
                    len: len as usize,
                    byte: 0,
                    bits_seen: 0,
                };
                Progress::More
            }
            Partial::Body {
                bytes,
                len,
                byte,
                bits_seen,
            } => {
                *byte = (*byte << 1) | u8::from(bit);
                *bits_seen += 1;
                if *bits_seen < 8 {
                    return Progress::More;
                }
                bytes.push(std::mem::take(byte));
                *bits_seen = 0;
                if bytes.len() < *len {
                    return Progress::More;
                }
                match self.partial.remove(&sender) {
                    Some(Partial::Body { bytes, .. }) => Progress::Done(bytes),
                    _ => unreachable!("this sender's frame was a body a moment ago"),
                }
            }
        }
    }
}
// ANCHOR_END: assembler
// END EXERCISE

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame;

    fn feed(assembler: &mut Assembler, sender: i32, bits: impl Iterator<Item = bool>) -> Progress {
        let mut last = Progress::More;
        for bit in bits {
            last = assembler.push(sender, bit);
        }
        last
    }

    #[test]
    fn a_message_ends_where_its_header_says() {
        let mut assembler = Assembler::default();
        let done = feed(&mut assembler, 10, frame(b"hi\0there").unwrap());
        assert_eq!(done, Progress::Done(b"hi\0there".to_vec()));
    }

    #[test]
    fn the_buffer_is_allocated_once_with_room_for_a_newline() {
        let mut assembler = Assembler::default();
        let message = vec![7u8; 1000];
        let Progress::Done(bytes) = feed(&mut assembler, 10, frame(&message).unwrap()) else {
            panic!("not done")
        };
        assert_eq!(bytes, message);
        assert_eq!(bytes.capacity(), 1001);
    }

    #[test]
    fn an_empty_message_is_done_after_its_header() {
        let mut assembler = Assembler::default();
        assert_eq!(
            feed(&mut assembler, 10, frame(b"").unwrap()),
            Progress::Done(Vec::new())
        );
        // The sender is forgotten: its next bits start a new frame.
        assert_eq!(
            feed(&mut assembler, 10, frame(b"ok").unwrap()),
            Progress::Done(b"ok".to_vec())
        );
    }

    #[test]
    fn an_absurd_length_is_refused_after_the_header() {
        let mut assembler = Assembler::default();
        let header = (0..32).map(|_| true); // 4 GiB - 1
        assert_eq!(
            feed(&mut assembler, 10, header),
            Progress::Refused(u32::MAX)
        );
        // The sender is forgotten: its next bits start a new frame.
        assert_eq!(
            feed(&mut assembler, 10, frame(b"ok").unwrap()),
            Progress::Done(b"ok".to_vec())
        );
    }

    #[test]
    fn senders_do_not_mix() {
        let mut assembler = Assembler::default();
        // Sender 10 dies after 40 bits: inside its first byte.
        for bit in frame(b"xyz").unwrap().take(40) {
            assembler.push(10, bit);
        }
        assert_eq!(
            feed(&mut assembler, 11, frame(b"clean").unwrap()),
            Progress::Done(b"clean".to_vec())
        );
    }
}
