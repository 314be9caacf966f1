//! The messages the benchmark sends: printable ASCII, different every run.
//!
//! Printable so that every stage (and the socket chat, which works in lines) can carry it
//! in a command-line argument or on stdin; no `\n`, because servers end each message
//! with one. Pseudo-random rather than repeated text, so that a server which loses or
//! reorders bytes cannot pass by luck; seeded, so that a run can be reproduced.

/// `size` printable bytes from `seed` (xorshift64: tiny, fast, good enough for this).
pub fn message(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b' ' + (state % 95) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_printable_and_differ_by_seed() {
        let a = message(10_000, 1);
        assert_eq!(a.len(), 10_000);
        assert!(a.iter().all(|&b| (b' '..=b'~').contains(&b)));
        assert_ne!(a, message(10_000, 2));
        assert_eq!(a, message(10_000, 1));
    }
}
