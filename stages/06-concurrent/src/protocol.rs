//! What each signal means, in both directions, and what its value says.
//!
//! Only SIGUSR1 and SIGUSR2 travel, as before. What is new is the 64-bit *value* that
//! `sigqueue` attaches to a signal (see [`crate::signals::send`]): it lets a signal say
//! *which* bit it is, so that a bit sent twice is recognised as the same bit.

use std::time::Duration;

use nix::sys::signal::Signal;

// ANCHOR: signals
/// Client → server: a 0 bit (and, with a [`Knock`] value, "may I send?").
pub const ZERO: Signal = Signal::SIGUSR1;
/// Client → server: a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;
/// The signal a client knocks with.
pub const KNOCK: Signal = Signal::SIGUSR1;

/// Server → client: "I hold `value` bits of your frame: send bit number `value`".
/// The answer to a knock is `ACK` with value 0: "your turn, send bit 0".
pub const ACK: Signal = Signal::SIGUSR1;
/// Server → client: a [`Notice`] (done, wait in line, refused) in the value.
pub const NOTICE: Signal = Signal::SIGUSR2;
// ANCHOR_END: signals

// ANCHOR: knock
/// The value of a knock: the bytes `MINITLK` and a mode byte. A bit's value is its index
/// in the frame, a number far below this one, so the two cannot be confused.
pub const KNOCK_TAG: [u8; 7] = *b"MINITLK";

/// How the bits of a frame travel. Stage 06 knows one way; a later stage adds another,
/// and a server refuses a mode it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One bit per signal: SIGUSR1 is 0, SIGUSR2 is 1; the value is the bit's index.
    Classic = 0,
}

/// A client's request for a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knock {
    /// The mode byte as sent; a client of a later stage may ask for a mode we do not know.
    pub mode: u8,
}

impl Knock {
    pub fn new(mode: Mode) -> Knock {
        Knock { mode: mode as u8 }
    }

    pub fn encode(self) -> u64 {
        let mut bytes = [0; 8];
        bytes[..7].copy_from_slice(&KNOCK_TAG);
        bytes[7] = self.mode;
        u64::from_be_bytes(bytes)
    }

    /// `Some` if `value` is a knock. Anything else from a process we are not serving is
    /// noise: a late bit of a client we gave up on, or a stranger's signal.
    pub fn decode(value: u64) -> Option<Knock> {
        let bytes = value.to_be_bytes();
        (bytes[..7] == KNOCK_TAG).then_some(Knock { mode: bytes[7] })
    }

    pub fn mode(self) -> Option<Mode> {
        (self.mode == Mode::Classic as u8).then_some(Mode::Classic)
    }
}
// ANCHOR_END: knock

// ANCHOR: notice
/// What the server says with SIGUSR2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The frame arrived whole, its checksum matched, and the message is printed.
    Done,
    /// Another client is sending: you are in line, wait for your `ACK` 0.
    Wait,
    /// The server will not print this message.
    Refused(Refusal),
}

/// Why a message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The frame arrived, but its checksum does not match its bytes.
    Checksum = 1,
    /// The length in the header is more than the server accepts.
    TooLarge = 2,
    /// The knock asked for a mode this server does not know.
    UnsupportedMode = 3,
    /// The client went silent for longer than the server's timeout, and lost its turn.
    TimedOut = 4,
}
// ANCHOR_END: notice

impl Notice {
    pub fn encode(self) -> u64 {
        match self {
            Notice::Done => 1,
            Notice::Wait => 2,
            Notice::Refused(why) => 0x100 | why as u64,
        }
    }

    pub fn decode(value: u64) -> Option<Notice> {
        Some(match value {
            1 => Notice::Done,
            2 => Notice::Wait,
            0x101 => Notice::Refused(Refusal::Checksum),
            0x102 => Notice::Refused(Refusal::TooLarge),
            0x103 => Notice::Refused(Refusal::UnsupportedMode),
            0x104 => Notice::Refused(Refusal::TimedOut),
            _ => return None,
        })
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Checksum => "the checksum did not match: the message was not printed",
            Refusal::TooLarge => "the message is longer than the server accepts",
            Refusal::UnsupportedMode => "the server does not know the requested mode",
            Refusal::TimedOut => "we went silent for longer than the server's timeout",
        })
    }
}

// ANCHOR: timing
/// How often the clock ticks (see [`crate::signals::tick_every`]; the tick itself is the
/// signal [`crate::signals::TICK`]).
pub const TICK_PERIOD: Duration = Duration::from_millis(5);
/// A client sends its current signal again when no answer came for this long; the wait
/// doubles after each resend, up to [`RESEND_MAX`]. A resent bit is harmless: its index
/// tells the server it already has it.
pub const RESEND_AFTER: Duration = Duration::from_millis(20);
pub const RESEND_MAX: Duration = Duration::from_millis(500);
/// A client in line knocks this often, to learn that the server is still there. Not
/// more often: each knock may wipe out a bit of the client whose turn it is.
pub const KEEP_ALIVE: Duration = Duration::from_secs(1);
/// How long either side waits for the other before giving up, as in stage 05.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The environment variable that overrides [`DEFAULT_TIMEOUT`], in milliseconds.
pub const TIMEOUT_ENV: &str = "MINITALK_TIMEOUT_MS";
/// The longest message the server accepts: 16 MiB, as in stage 05.
pub const MAX_LEN: u64 = 16 * 1024 * 1024;
// ANCHOR_END: timing

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knocks_round_trip_and_bit_indices_are_not_knocks() {
        let knock = Knock::new(Mode::Classic);
        assert_eq!(Knock::decode(knock.encode()), Some(knock));
        assert_eq!(knock.mode(), Some(Mode::Classic));
        assert_eq!(Knock::decode(0), None);
        assert_eq!(Knock::decode(8 * u32::MAX as u64 + 64), None);
        assert_eq!(Knock::decode(knock.encode() | 7).unwrap().mode(), None);
    }

    #[test]
    fn notices_round_trip() {
        for notice in [
            Notice::Done,
            Notice::Wait,
            Notice::Refused(Refusal::Checksum),
            Notice::Refused(Refusal::TooLarge),
            Notice::Refused(Refusal::UnsupportedMode),
            Notice::Refused(Refusal::TimedOut),
        ] {
            assert_eq!(Notice::decode(notice.encode()), Some(notice));
        }
        assert_eq!(Notice::decode(0), None);
    }
}
