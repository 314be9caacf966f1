//! What each signal means, in both directions, and what its value says.
//!
//! Only SIGUSR1 and SIGUSR2 travel. Since stage 06 each signal also carries the 64-bit
//! *value* that `sigqueue` attaches to it (see [`crate::signals::send`]). In the classic
//! mode the value says *which* bit the signal is; in the payload mode, new in this
//! stage, the value *is* the data: 64 bits of the frame per signal.

use std::time::Duration;

use nix::sys::signal::Signal;

// ANCHOR: signals
/// Client → server, classic mode: a 0 bit (and, with a [`Knock`] value, "may I send?").
pub const ZERO: Signal = Signal::SIGUSR1;
/// Client → server, classic mode: a 1 bit.
pub const ONE: Signal = Signal::SIGUSR2;
/// The signal a client knocks with.
pub const KNOCK: Signal = Signal::SIGUSR1;

/// Server → client: "I hold `value` bits (classic) or chunks (payload) of your frame:
/// send number `value`". The answer to a knock is `ACK` with value 0: "your turn".
pub const ACK: Signal = Signal::SIGUSR1;
/// Server → client: a [`Notice`] (done, wait in line, refused) in the value.
pub const NOTICE: Signal = Signal::SIGUSR2;
// ANCHOR_END: signals

// ANCHOR: knock
/// The value of a knock: the bytes `MINITLK` and a mode byte. A classic bit's value is
/// its index in the frame, a number far below this one; a payload chunk is never taken
/// for a knock, because the server only looks for knocks from processes whose turn it
/// is not.
pub const KNOCK_TAG: [u8; 7] = *b"MINITLK";

/// How the bits of a frame travel. The client asks for one in its knock; a server that
/// does not know it (stage 06 knows only the classic mode) refuses, and says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One bit per signal: SIGUSR1 is 0, SIGUSR2 is 1; the value is the bit's index.
    Classic = 0,
    /// 64 bits per signal, in the value, one chunk in flight: each is answered before
    /// the next goes. The signal number alternates (see [`chunk_signal`]) so that a copy
    /// of the previous chunk can be told apart.
    Payload = 1,
    /// 63 bits of frame per signal, two chunks in flight: one on each signal, so that
    /// both processes work at once (see [`Tag`]). A server that does not know this mode
    /// refuses it, and the client falls back to [`Mode::Payload`].
    TwoInFlight = 2,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Classic => "classic",
            Mode::Payload => "payload (one in flight)",
            Mode::TwoInFlight => "payload",
        }
    }
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
        match self.mode {
            0 => Some(Mode::Classic),
            1 => Some(Mode::Payload),
            2 => Some(Mode::TwoInFlight),
            _ => None,
        }
    }
}
// ANCHOR_END: knock

// ANCHOR: chunk_signal
/// The signal that carries payload chunk number `index`: SIGUSR2 for even chunks,
/// SIGUSR1 for odd ones.
///
/// The value holds 64 bits of data and nothing else, so it cannot say which chunk it is.
/// The signal number says the one thing the server needs: "the chunk you asked for" or
/// "a copy of the one before". A copy exists when the client sent a chunk again because
/// the answer was slow. The knock goes with SIGUSR1, like an odd chunk: it is "chunk -1",
/// and chunk 0 must differ from it.
pub fn chunk_signal(index: u64) -> Signal {
    if index.is_multiple_of(2) {
        Signal::SIGUSR2
    } else {
        Signal::SIGUSR1
    }
}
// ANCHOR_END: chunk_signal

// ANCHOR: two_in_flight
/// Two chunks in flight: which chunk a signal is, and which answer an `ACK` is.
///
/// The client sends chunk `n + 1` before chunk `n` is answered, on the other signal, so
/// that the two can be pending at once without merging. When a chunk is sent again (an
/// answer was late), the server may hold chunk `n` and see a copy of `n - 1`, or of
/// `n - 2`, next to chunk `n + 1`: the signal number alone (the index's parity) cannot
/// tell `n + 1` from `n - 1`. So the value gives up its top bit to say the index's
/// second bit: with the signal, the index modulo 4, enough to tell the chunk wanted, the
/// one after it, and the copies of the two before.
///
/// The top bit is *set* for indices 0 and 1 (mod 4) and clear for 2 and 3, so that the
/// knock (SIGUSR1, top bit clear: "chunk -1") reads as the copy of an old chunk.
pub struct Tag;

impl Tag {
    /// Bits of frame in one chunk.
    pub const DATA_BITS: u32 = 63;
    const TOP: u64 = 1 << 63;

    /// The signal and value that carry chunk `index`, whose frame bits are `data`.
    pub fn chunk(index: u64, data: u64) -> (Signal, u64) {
        let top = if index % 4 < 2 { Tag::TOP } else { 0 };
        (chunk_signal(index), top | (data & !Tag::TOP))
    }

    /// The index modulo 4 of the chunk that came as `signal` with `value`, and its
    /// frame bits.
    pub fn read(signal: Signal, value: u64) -> (u64, u64) {
        let parity = u64::from(signal == Signal::SIGUSR1);
        let high = if value & Tag::TOP != 0 { 0 } else { 2 };
        (high + parity, value & !Tag::TOP)
    }

    /// The value of an `ACK` in this mode: "I hold every chunk below `next`". It goes
    /// with the signal of the last chunk taken, so that two answers in a row never merge;
    /// its top bit tells it from a [`Notice`] on SIGUSR2.
    pub fn ack(next: u64) -> u64 {
        Tag::TOP | next
    }

    /// `Some(next)` if `value` is such an `ACK`.
    pub fn read_ack(value: u64) -> Option<u64> {
        (value & Tag::TOP != 0).then_some(value & !Tag::TOP)
    }
}
// ANCHOR_END: two_in_flight

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
/// The longest message the server accepts by default: 16 MiB, as in stage 05.
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
        let payload = Knock::new(Mode::Payload);
        assert_eq!(
            Knock::decode(payload.encode()).unwrap().mode(),
            Some(Mode::Payload)
        );
        assert_eq!(Knock::decode(0), None);
        assert_eq!(Knock::decode(8 * u32::MAX as u64 + 64), None);
        assert_eq!(Knock::decode(knock.encode() | 7).unwrap().mode(), None);
    }

    #[test]
    fn chunk_0_does_not_travel_like_a_knock_and_chunks_alternate() {
        assert_ne!(chunk_signal(0), KNOCK);
        for index in 0..10 {
            assert_ne!(chunk_signal(index), chunk_signal(index + 1));
        }
    }

    #[test]
    fn two_in_flight_chunks_say_their_index_modulo_4() {
        for index in 0..12 {
            let (signal, value) = Tag::chunk(index, 0x7fff_0000_1234_5678);
            assert_eq!(Tag::read(signal, value), (index % 4, 0x7fff_0000_1234_5678));
        }
        // The knock reads as chunk 3 (mod 4): "chunk -1".
        assert_eq!(
            Tag::read(KNOCK, Knock::new(Mode::TwoInFlight).encode()).0,
            3
        );
        assert_eq!(Tag::read_ack(Tag::ack(41)), Some(41));
        for notice in [
            Notice::Done,
            Notice::Wait,
            Notice::Refused(Refusal::TimedOut),
        ] {
            assert_eq!(Tag::read_ack(notice.encode()), None);
        }
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
