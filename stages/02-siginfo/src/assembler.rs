//! Bits to messages, one sender at a time: the part of the server that may allocate,
//! because it runs in the main loop, not in the handler.

use std::collections::HashMap;

use crate::TERMINATOR;

// EXERCISE: assembler
// ANCHOR: assembler
/// A message being received from one sender.
#[derive(Default)]
struct Partial {
    byte: u8,
    bits_seen: u8,
    bytes: Vec<u8>,
}

/// Everything being received, keyed by the sender's PID. A sender that dies half-way
/// through a byte leaves its half-byte in *its own* entry, so the next client's message
/// starts clean: the fix that stage 01's single shared byte could not have.
#[derive(Default)]
pub struct Assembler {
    partial: HashMap<i32, Partial>,
}

impl Assembler {
    /// Add one bit from `sender`. Returns the sender's whole message when this bit
    /// completed its terminator.
    pub fn push(&mut self, sender: i32, bit: bool) -> Option<Vec<u8>> {
        let partial = self.partial.entry(sender).or_default();
        partial.byte = (partial.byte << 1) | u8::from(bit);
        partial.bits_seen += 1;
        if partial.bits_seen < 8 {
            return None;
        }
        let byte = std::mem::take(&mut partial.byte);
        partial.bits_seen = 0;
        if byte != TERMINATOR {
            partial.bytes.push(byte);
            return None;
        }
        self.partial.remove(&sender).map(|done| done.bytes)
    }
}
// ANCHOR_END: assembler
// END EXERCISE

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits;

    fn feed(assembler: &mut Assembler, sender: i32, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut last = None;
        for &byte in bytes {
            for bit in bits(byte) {
                last = assembler.push(sender, bit);
            }
        }
        last
    }

    #[test]
    fn a_message_ends_at_its_terminator() {
        let mut assembler = Assembler::default();
        assert_eq!(feed(&mut assembler, 10, b"hi\0"), Some(b"hi".to_vec()));
    }

    #[test]
    fn senders_do_not_mix() {
        let mut assembler = Assembler::default();
        // Sender 10 dies after three bits of a byte.
        for bit in bits(b'x').take(3) {
            assembler.push(10, bit);
        }
        assert_eq!(
            feed(&mut assembler, 11, b"clean\0"),
            Some(b"clean".to_vec())
        );
    }
}
