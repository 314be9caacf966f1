//! A line of text built on the stack and written with `write(2)`: what a signal handler
//! may print.
//!
//! `println!` takes the lock of `stdout` and may allocate; a handler that interrupted code
//! holding that lock would wait for itself forever. `write(2)` is on POSIX's list of
//! async-signal-safe functions (`man 7 signal-safety`), and this buffer never allocates,
//! so a handler can say what it saw, numbers included.

use minitalk_common::raw::write_all;

/// Up to 200 bytes of text; whatever does not fit is cut off.
pub struct Line {
    bytes: [u8; 200],
    len: usize,
}

impl Line {
    pub const fn new() -> Line {
        Line {
            bytes: [0; 200],
            len: 0,
        }
    }

    /// Append `text`.
    pub fn text(mut self, text: &str) -> Line {
        for &byte in text.as_bytes() {
            if self.len == self.bytes.len() {
                break;
            }
            self.bytes[self.len] = byte;
            self.len += 1;
        }
        self
    }

    /// Append `number` in decimal.
    pub fn num(self, number: i64) -> Line {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = number.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let sign = if number < 0 { "-" } else { "" };
        // The digits are ASCII, so this cannot fail.
        let digits = core::str::from_utf8(&digits[at..]).unwrap_or("?");
        self.text(sign).text(digits)
    }

    /// Append `number` in hexadecimal, with `0x`.
    pub fn hex(self, number: u64) -> Line {
        let mut digits = [0u8; 16];
        let mut at = digits.len();
        let mut rest = number;
        loop {
            at -= 1;
            digits[at] = b"0123456789abcdef"[(rest % 16) as usize];
            rest /= 16;
            if rest == 0 {
                break;
            }
        }
        let digits = core::str::from_utf8(&digits[at..]).unwrap_or("?");
        self.text("0x").text(digits)
    }

    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Write the line and a newline to stdout.
    pub fn print(self) {
        self.print_to(1);
    }

    /// Write the line and a newline to file descriptor `fd`.
    pub fn print_to(self, fd: i32) {
        let line = self.text("\n");
        write_all(fd, line.as_bytes());
    }
}

impl Default for Line {
    fn default() -> Line {
        Line::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_without_allocating() {
        let line = Line::new()
            .text("n=")
            .num(-42)
            .text(" at ")
            .hex(0xdead)
            .num(0);
        assert_eq!(line.as_bytes(), b"n=-42 at 0xdead0");
        assert_eq!(
            Line::new().num(i64::MIN).as_bytes(),
            b"-9223372036854775808"
        );
    }

    #[test]
    fn cuts_what_does_not_fit() {
        let long = "x".repeat(300);
        assert_eq!(Line::new().text(&long).as_bytes().len(), 200);
    }
}
