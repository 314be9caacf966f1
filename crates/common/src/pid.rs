//! Turning the text a user typed into a PID that is safe to hand to `kill(2)`.
//!
//! `kill(pid, sig)` does not only mean "signal process `pid`":
//!
//! | `pid` | who receives the signal |
//! | --- | --- |
//! | `> 0` | the process with that ID |
//! | `0` | every process in the caller's process group (your shell's job, your test runner) |
//! | `-1` | every process the caller may signal: all of your own processes |
//! | `< -1` | every process in the process group `-pid` |
//!
//! A minitalk client must only ever mean the first row, so anything else is refused here,
//! before a signal can be sent. C's `atoi("abc")` returns 0, which is how a careless
//! client ends up signalling its own process group.

use std::fmt;

use nix::unistd::Pid;

/// Why a command-line PID was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PidError {
    /// Nothing was given.
    Empty,
    /// A leading minus: `kill(2)` would read it as a process group, or as "everyone" for -1.
    Negative(String),
    /// Something other than decimal digits (spaces, `+`, hex, letters).
    NotDecimal(String),
    /// Zero: `kill(2)` would signal the caller's whole process group.
    Zero,
    /// More than a PID can hold.
    TooLarge(String),
}

impl fmt::Display for PidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PidError::Empty => write!(f, "the server PID is empty"),
            PidError::Negative(text) if text == "-1" => write!(
                f,
                "refusing PID -1: kill(2) would signal every process you are allowed to signal"
            ),
            PidError::Negative(text) => write!(
                f,
                "refusing PID {text}: kill(2) would signal the whole process group {}",
                &text[1..]
            ),
            PidError::NotDecimal(text) => {
                write!(
                    f,
                    "the server PID must be decimal digits only, not {text:?}"
                )
            }
            PidError::Zero => write!(
                f,
                "refusing PID 0: kill(2) would signal every process in our own process group"
            ),
            PidError::TooLarge(text) => write!(f, "{text} is too large to be a PID"),
        }
    }
}

impl std::error::Error for PidError {}

// ANCHOR: parse
/// Parse a PID typed by a user: decimal digits only, greater than zero.
///
/// ```
/// use minitalk_common::{parse_pid, PidError};
/// assert_eq!(parse_pid("4242").unwrap().as_raw(), 4242);
/// assert_eq!(parse_pid("0"), Err(PidError::Zero));
/// assert!(matches!(parse_pid("-1"), Err(PidError::Negative(_))));
/// assert!(matches!(parse_pid("12abc"), Err(PidError::NotDecimal(_))));
/// ```
pub fn parse_pid(text: &str) -> Result<Pid, PidError> {
    if text.is_empty() {
        return Err(PidError::Empty);
    }
    if text.starts_with('-') {
        return Err(PidError::Negative(text.to_owned()));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PidError::NotDecimal(text.to_owned()));
    }
    let value: i32 = text
        .parse()
        .map_err(|_| PidError::TooLarge(text.to_owned()))?;
    if value == 0 {
        return Err(PidError::Zero);
    }
    Ok(Pid::from_raw(value))
}
// ANCHOR_END: parse

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_positive_decimals() {
        assert_eq!(parse_pid("1").unwrap().as_raw(), 1);
        assert_eq!(parse_pid("007").unwrap().as_raw(), 7);
        assert_eq!(parse_pid("2147483647").unwrap().as_raw(), i32::MAX);
    }

    #[test]
    fn refuses_everything_kill_would_not_read_as_one_process() {
        assert_eq!(parse_pid(""), Err(PidError::Empty));
        assert_eq!(parse_pid("0"), Err(PidError::Zero));
        assert_eq!(parse_pid("000"), Err(PidError::Zero));
        assert_eq!(parse_pid("-1"), Err(PidError::Negative("-1".into())));
        assert_eq!(parse_pid("-42"), Err(PidError::Negative("-42".into())));
        for text in ["+5", " 5", "5 ", "0x10", "abc", "12abc", "1.5", "٣"] {
            assert_eq!(
                parse_pid(text),
                Err(PidError::NotDecimal(text.into())),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_pid("2147483648"),
            Err(PidError::TooLarge("2147483648".into()))
        );
    }

    #[test]
    fn messages_say_what_kill_would_have_done() {
        assert!(PidError::Zero.to_string().contains("process group"));
        assert!(
            PidError::Negative("-1".into())
                .to_string()
                .contains("every process")
        );
        assert!(
            PidError::Negative("-7".into())
                .to_string()
                .contains("process group 7")
        );
    }
}
