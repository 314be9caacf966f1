//! The PID a server shows on its first line, read the way a person reads it: the first
//! number once colours are taken out. Public C minitalks colour that line
//! (`\e[0;33mServer PID:\e[0;37m12345`); the digits of an escape are not the PID.
//!
//! What is read here is only a claim: a tool signals it only once it has checked that
//! the PID is the process it started or one of its descendants (see [`crate::lineage`]).

use nix::unistd::Pid;

use crate::lineage;

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

/// Every number on a server's first line, in order, once colours are taken out
/// (`minitalk v2 | PID: 12345` → 2, 12345).
pub fn numbers_in_first_line(line: &str) -> Vec<i32> {
    strip_ansi(line)
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|digits| digits.parse().ok())
        .collect()
}

/// The PID on a server's first line that a tool may signal: the first number on it
/// (colours taken out) that is `started`, the process the tool started, or one of its
/// descendants (a wrapper's server). A banner may come before the PID (`minitalk 42 |
/// PID: 22945`); a number that is no such process (the server's parent's PID, 1, 0) is
/// never taken. The error says what the line showed instead.
pub fn started_pid_in_first_line(line: &str, started: Pid) -> Result<Pid, String> {
    let numbers = numbers_in_first_line(line);
    let Some(&first) = numbers.first() else {
        return Err(format!(
            "the server's first line should contain its PID, but it is {:?}",
            strip_ansi(line)
        ));
    };
    numbers
        .into_iter()
        .filter(|&pid| pid > 1)
        .map(Pid::from_raw)
        .find(|&pid| lineage::is_descendant_of(pid, started))
        .ok_or_else(|| {
            format!(
                "the server printed PID {first} on its first line ({:?}), but the process \
                 started is {started}, and no number on the line is it or one of its \
                 descendants: refusing to signal it",
                strip_ansi(line)
            )
        })
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
    use super::{
        first_number, numbers_in_first_line, pid_in_first_line, started_pid_in_first_line,
        strip_ansi,
    };

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
    fn the_pid_taken_is_the_started_process_even_after_a_banner() {
        let me = nix::unistd::getpid();
        let line = format!("\x1b[1mminitalk 42\x1b[0m | PID: {me}");
        assert_eq!(started_pid_in_first_line(&line, me), Ok(me));
        let parent = nix::unistd::getppid();
        let not_ours = started_pid_in_first_line(&format!("PID: {parent}"), me).unwrap_err();
        assert!(not_ours.contains("refusing to signal"), "{not_ours}");
        assert!(started_pid_in_first_line("PID: 1", me).is_err());
        assert!(started_pid_in_first_line("no pid", me).is_err());
    }

    #[test]
    fn finds_the_pid_in_common_first_lines() {
        assert_eq!(first_number("12345"), Some(12345));
        assert_eq!(first_number("PID: 12345"), Some(12345));
        assert_eq!(first_number("Server PID = 42 ready"), Some(42));
        assert_eq!(first_number("no pid here"), None);
        assert_eq!(
            numbers_in_first_line("\x1b[1mminitalk 42\x1b[0m | PID: 22945"),
            [42, 22945]
        );
    }
}
