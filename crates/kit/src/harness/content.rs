//! Generated message contents: what the tests send when the words do not matter, only
//! that a wrong bit cannot hide.
//!
//! A message made of one letter, or of a short pattern repeated, hides mistakes: a lost
//! or duplicated byte leaves the same text, one byte shorter or longer, and two clients'
//! messages mixed together still look right. These contents never repeat a short
//! pattern, differ for each seed, and are the same on every run, so a failure can be
//! reproduced.

/// The printable ASCII characters [`ascii_text`] draws from (no newline: our servers end
/// every message with one, and a test must be able to tell where a message ends).
const PRINTABLE_ASCII: &str =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-";

/// What [`text`] adds to [`PRINTABLE_ASCII`]: characters of two, three and four bytes in
/// UTF-8, so that a message's length in characters is not its length in bytes.
const MULTI_BYTE: &str = "éß✓€😀";

/// Marsaglia's xorshift32: each number comes from the one before by three shifts and
/// XORs, and the sequence goes through every non-zero `u32` before it repeats. Not
/// random, and not meant to be: the same start gives the same contents.
fn xorshift32(mut state: u32) -> impl Iterator<Item = u32> {
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    })
}

/// Where the sequence starts for `seed`: a different place for each seed.
fn start(seed: u32) -> u32 {
    0x2545_f491_u32 ^ seed.wrapping_mul(0x9e37_79b9)
}

fn from_alphabet(alphabet: &[char], len: usize, seed: u32) -> String {
    xorshift32(start(seed))
        .take(len)
        .map(|n| alphabet[n as usize % alphabet.len()])
        .collect()
}

/// `len` characters (and as many bytes) of printable ASCII, different for each `seed`,
/// with no newline: for stages whose tests count a message's bytes from its length.
pub fn ascii_text(len: usize, seed: u32) -> String {
    let alphabet: Vec<char> = PRINTABLE_ASCII.chars().collect();
    from_alphabet(&alphabet, len, seed)
}

/// `len` characters of text, different for each `seed`, with multi-byte UTF-8 in it and
/// no newline: a lost, repeated or foreign bit shows up as a wrong byte, and two messages
/// never look alike.
pub fn text(len: usize, seed: u32) -> String {
    let alphabet: Vec<char> = PRINTABLE_ASCII.chars().chain(MULTI_BYTE.chars()).collect();
    from_alphabet(&alphabet, len, seed)
}

/// `len` bytes that take every value from 0 to 255 (not valid UTF-8, NUL bytes and
/// newlines included), in an order that a lost or repeated bit cannot hide: for a client
/// that reads its message from stdin.
pub fn every_byte(len: usize) -> Vec<u8> {
    xorshift32(0x9e37_79b9)
        .take(len)
        .map(|n| (n >> 24) as u8)
        .collect()
}

/// Client `client`'s message number `n`, for tests that run many clients at once: it
/// names its sender, and its length (15 characters, a quarter of `longest`, or
/// `longest`, plus 7 per client) and contents differ from one message to the next.
pub fn client_message(client: usize, n: usize, longest: usize) -> String {
    let len = [15, longest / 4, longest][(client + n) % 3] + 7 * client;
    format!(
        "client {client}, message {n}: {}",
        text(len, (100 * client + n) as u32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_text_and_another_seed_another() {
        assert_eq!(text(500, 3), text(500, 3));
        assert_ne!(text(500, 3), text(500, 4));
        assert_eq!(text(500, 3).chars().count(), 500);
    }

    #[test]
    fn ascii_text_is_one_byte_a_character_and_has_no_newline() {
        let ascii = ascii_text(10 * 1024, 0);
        assert_eq!(ascii.len(), 10 * 1024);
        assert!(ascii.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
    }

    #[test]
    fn text_has_multi_byte_characters_and_no_newline() {
        let text = text(3000, 1);
        assert!(text.len() > 3000, "no multi-byte character in it");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn every_byte_takes_every_value() {
        let bytes = every_byte(64 * 1024);
        for value in 0..=255u8 {
            assert!(bytes.contains(&value), "{value} is missing");
        }
    }

    #[test]
    fn a_client_message_names_its_sender() {
        let message = client_message(3, 1, 900);
        assert!(message.starts_with("client 3, message 1: "), "{message}");
        assert_ne!(message, client_message(3, 2, 900));
    }
}
