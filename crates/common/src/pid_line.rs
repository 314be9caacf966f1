//! The PID a server shows on its first line, read the way a person reads it: the first
//! number once colours are taken out. Public C minitalks colour that line
//! (`\e[0;33mServer PID:\e[0;37m12345`); the digits of an escape are not the PID.
//!
//! What is read here is only a claim: a tool signals it only once it has checked that
//! the PID is the process it started or one of its descendants (see [`crate::lineage`]).

/// `text` without its ANSI escape sequences: `ESC [ parameters final-byte` (colours,
/// cursor moves) and two-byte `ESC x`.
pub fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            plain.push(c);
            continue;
        }
        match chars.next() {
            // Parameters and intermediates, up to the final byte (@ to ~).
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // A character set: `ESC ( B`.
            Some('(' | ')') => {
                chars.next();
            }
            _ => {}
        }
    }
    plain
}

/// The PID a server's first line shows: its first run of digits once colours are taken
/// out (`\e[0;33mServer PID:\e[0;37m 12345` → 12345). What the kit, the benchmark and
/// the tracer read before they check that the PID is the process they started.
pub fn pid_in_first_line(line: &str) -> Option<i32> {
    first_number(&strip_ansi(line))
}

fn first_number(text: &str) -> Option<i32> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{first_number, pid_in_first_line, strip_ansi};

    #[test]
    fn colours_are_not_part_of_the_pid_line() {
        let line = strip_ansi("\x1b[0;33mServer PID:\x1b[0;37m 22448\x1b[0m");
        assert_eq!(line, "Server PID: 22448");
        assert_eq!(first_number(&line), Some(22448));
        assert_eq!(strip_ansi("\x1b[1mPID\x1b(B 7"), "PID 7");
        assert_eq!(
            pid_in_first_line("\x1b[0;33mServer PID:\x1b[0;37m22448"),
            Some(22448)
        );
    }

    #[test]
    fn finds_the_pid_in_common_first_lines() {
        assert_eq!(first_number("12345"), Some(12345));
        assert_eq!(first_number("PID: 12345"), Some(12345));
        assert_eq!(first_number("Server PID = 42 ready"), Some(42));
        assert_eq!(first_number("no pid here"), None);
    }
}
