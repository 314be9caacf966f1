//! Cutting a byte stream into lines, and printing lines.
//!
//! TCP delivers bytes, not messages: one `read` may return half a line, or three lines
//! and a bit. Whoever wants lines must collect bytes until a newline arrives. (The signal
//! stages had the same job one level down: collect bits until a byte is complete.)

use std::fmt::Display;
use std::net::SocketAddr;

use minitalk_common::raw::write_all;

/// The longest line shown in one piece; a longer one is shown in pieces of this size.
/// With the sender's address in front, every printed line still fits in `PIPE_BUF`
/// (4096 bytes on Linux): a `write(2)` that small to a pipe is atomic, so the lines of
/// the server's children, which share one stdout, never interleave.
pub const LONGEST_LINE: usize = 4000;

// ANCHOR: lines
/// The bytes of a line that has not ended yet.
#[derive(Debug, Default)]
pub struct Lines {
    unfinished: Vec<u8>,
}

impl Lines {
    /// Add the bytes one `read` returned; call `line` for every line they complete,
    /// without its `\n`.
    pub fn push(&mut self, bytes: &[u8], mut line: impl FnMut(&[u8])) {
        for &byte in bytes {
            if byte == b'\n' {
                line(&self.unfinished);
                self.unfinished.clear();
            } else {
                self.unfinished.push(byte);
                if self.unfinished.len() == LONGEST_LINE {
                    line(&self.unfinished);
                    self.unfinished.clear();
                }
            }
        }
    }

    /// The bytes after the last newline: a line the sender never finished.
    pub fn unfinished(&self) -> &[u8] {
        &self.unfinished
    }
}
// ANCHOR_END: lines

/// Show a line that arrived from `sender` on stdout: `127.0.0.1:50446: hello`.
pub fn show(sender: SocketAddr, text: &[u8]) {
    let mut line = format!("{sender}: ").into_bytes();
    line.extend_from_slice(text);
    line.push(b'\n');
    write_all(1, &line);
}

/// Print one line of our own on stdout.
///
/// Straight to `write(2)`, not through `println!`: Rust's stdout keeps a buffer, and a
/// buffer that still held text when the server forked would be copied into the child
/// and printed twice. With no buffer there is nothing to copy.
pub fn say(text: impl Display) {
    write_all(1, format!("{text}\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut lines = Lines::default();
        let mut seen = Vec::new();
        for chunk in chunks {
            lines.push(chunk, |line| seen.push(line.to_vec()));
        }
        (seen, lines.unfinished().to_vec())
    }

    #[test]
    fn lines_may_arrive_in_any_pieces() {
        let (seen, rest) = lines_of(&[b"hel", b"lo\nwor", b"ld\n\nand a half"]);
        assert_eq!(seen, [&b"hello"[..], b"world", b""]);
        assert_eq!(rest, b"and a half");
    }

    #[test]
    fn long_lines_are_cut() {
        let long = vec![b'x'; LONGEST_LINE + 10];
        let (seen, rest) = lines_of(&[&long, b"\n"]);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].len(), LONGEST_LINE);
        assert_eq!(seen[1].len(), 10);
        assert!(rest.is_empty());
    }
}
