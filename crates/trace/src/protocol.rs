//! What the signals of each stage mean: a table keyed by stage, built from each stage's
//! own constants (`stage_01::ZERO`, `stage_06::protocol::KNOCK`, …), so that the decoder
//! follows a stage when its protocol changes.
//!
//! The kernel's tracepoints record the signal, the sender, the target and `si_code`, but
//! not the 64-bit value that `sigqueue` attaches (stages 06 and 07). Where a stage puts
//! meaning in the value (a bit's index, "wait in line"), the decoder works it out from
//! the order of the signals, as the stage's rules make it follow: a client's signal that
//! comes again before any answer is a resend of the same bit; the answer to a knock is a
//! turn (SIGUSR1) or "wait in line" (SIGUSR2).
//!
//! Stage 07's payload mode has two forms, and the trace says which one a client used
//! (see [`Flight`]): the decoder does not read the client's arguments, so a replay is
//! decoded as the live run was.

/// How the client paces its signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answers {
    /// Nobody answers: the client sleeps after each signal (stages 01, 02).
    None,
    /// The server answers every bit: `ack` ("got it"), `done` after the last one, or
    /// `done` early, which means "refused" (stages 03 to 05).
    AckDone { ack: i32, done: i32 },
    /// Knock, turn, numbered bits, notices (stages 06, 07). `payload`: a chunk of the
    /// frame per signal, the signal alternating between chunks (stage 07's `--payload`),
    /// one or two chunks in flight ([`Flight`]).
    Turns {
        knock: i32,
        ack: i32,
        notice: i32,
        payload: bool,
    },
    /// Not a stage of ours: whatever the server sends back is an answer.
    Any,
}

/// Stage 07's payload mode: how many chunks a client keeps in flight.
///
/// The knock says it (its value's mode byte), but the kernel's tracepoints do not show a
/// signal's value. The decoder tells from the signals themselves, right after the turn:
/// with two in flight chunk 1 (SIGUSR1) follows chunk 0 (SIGUSR2) before any answer, and
/// the first answer comes with chunk 0's signal (SIGUSR2); with one in flight a second
/// signal before an answer is chunk 0 again (SIGUSR2), and the answer is SIGUSR1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flight {
    /// `--one-in-flight`: 64 bits per chunk, each answered before the next goes.
    One,
    /// The default: 63 bits per chunk (the top bit of the value tags the index), the
    /// next chunk sent before the previous one is answered.
    Two,
}

impl Flight {
    /// Bits of the frame in one chunk.
    pub fn bits(self) -> u64 {
        match self {
            Flight::One => 64,
            Flight::Two => u64::from(stage_07::protocol::Tag::DATA_BITS),
        }
    }
}

/// What the bits of a message are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// The message's bytes, then a 0 byte (stages 01 to 03, and most C minitalks).
    Terminator,
    /// A length of `bits` bits, then the bytes (stages 04, 05).
    Header { bits: u64 },
    /// A length, the bytes, a checksum (stages 06, 07): `overhead` bytes besides the message,
    /// `header` of them before it.
    HeaderChecksum { header: u64, overhead: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protocol {
    /// The stage, or `None` for a pair of programs of unknown protocol.
    pub stage: Option<u32>,
    /// The signal that carries a 0 bit, and a 1 bit.
    pub zero: i32,
    pub one: i32,
    pub answers: Answers,
    pub framing: Framing,
}

/// One part of a message's frame, for a bit at some index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Bit `bit` (0 = most significant) of the length header.
    Header { bit: u64 },
    /// Bit `bit` of byte `byte` of the message.
    Byte { byte: u64, bit: u8 },
    /// Bit `bit` of the terminator.
    Terminator { bit: u8 },
    /// Bit `bit` of the checksum.
    Checksum { bit: u64 },
    /// Past the end of the frame.
    Beyond,
}

enum Trailer {
    None,
    Terminator,
    Checksum,
}

fn number(signal: nix::sys::signal::Signal) -> i32 {
    signal as i32
}

impl Protocol {
    /// The protocol of stage `stage`, as its own crate defines it.
    pub fn of_stage(stage: u32, payload: bool) -> Option<Protocol> {
        let acked = |ack, done, framing| Protocol {
            stage: Some(stage),
            zero: number(stage_03::ZERO),
            one: number(stage_03::ONE),
            answers: Answers::AckDone {
                ack: number(ack),
                done: number(done),
            },
            framing,
        };
        Some(match stage {
            1 => Protocol {
                stage: Some(1),
                zero: number(stage_01::ZERO),
                one: number(stage_01::ONE),
                answers: Answers::None,
                framing: Framing::Terminator,
            },
            2 => Protocol {
                stage: Some(2),
                zero: number(stage_02::ZERO),
                one: number(stage_02::ONE),
                answers: Answers::None,
                framing: Framing::Terminator,
            },
            3 => acked(stage_03::ACK, stage_03::DONE, Framing::Terminator),
            4 => acked(
                stage_04::ACK,
                stage_04::DONE,
                Framing::Header {
                    bits: stage_04::HEADER_BITS as u64,
                },
            ),
            5 => acked(
                stage_05::ACK,
                stage_05::DONE,
                Framing::Header {
                    bits: stage_05::HEADER_BITS as u64,
                },
            ),
            6 => {
                use stage_06::protocol as p;
                Protocol {
                    stage: Some(6),
                    zero: number(p::ZERO),
                    one: number(p::ONE),
                    answers: Answers::Turns {
                        knock: number(p::KNOCK),
                        ack: number(p::ACK),
                        notice: number(p::NOTICE),
                        payload: false,
                    },
                    framing: Framing::HeaderChecksum {
                        header: 4,
                        overhead: stage_06::frame::OVERHEAD as u64,
                    },
                }
            }
            7 => {
                use stage_07::protocol as p;
                Protocol {
                    stage: Some(7),
                    zero: number(p::ZERO),
                    one: number(p::ONE),
                    answers: Answers::Turns {
                        knock: number(p::KNOCK),
                        ack: number(p::ACK),
                        notice: number(p::NOTICE),
                        payload,
                    },
                    framing: Framing::HeaderChecksum {
                        header: 4,
                        overhead: stage_07::frame::OVERHEAD as u64,
                    },
                }
            }
            _ => return None,
        })
    }

    /// A pair of programs we know nothing about: the classic minitalk, SIGUSR1 for 0 and
    /// SIGUSR2 for 1, the bytes and a terminator, anything sent back an answer.
    pub fn unknown() -> Protocol {
        Protocol {
            stage: None,
            zero: number(nix::sys::signal::Signal::SIGUSR1),
            one: number(nix::sys::signal::Signal::SIGUSR2),
            answers: Answers::Any,
            framing: Framing::Terminator,
        }
    }

    /// How many items (bits, or payload chunks with one chunk in flight) the frame of a
    /// `len`-byte message is.
    pub fn items(&self, len: u64) -> u64 {
        self.items_in(len, Flight::One)
    }

    /// How many items the frame of a `len`-byte message is, payload chunks counted as
    /// `flight` cuts them.
    pub fn items_in(&self, len: u64, flight: Flight) -> u64 {
        let bits = match self.framing {
            Framing::Terminator => 8 * (len + 1),
            Framing::Header { bits } => bits + 8 * len,
            Framing::HeaderChecksum { overhead, .. } => 8 * (len + overhead),
        };
        match self.answers {
            Answers::Turns { payload: true, .. } => bits.div_ceil(flight.bits()),
            _ => bits,
        }
    }

    /// Which part of the frame bit `index` is, for a `len`-byte message.
    pub fn part(&self, index: u64, len: u64) -> Part {
        // (bits before the message, bits of the message, which part comes after it)
        let (before, after_len, after) = match self.framing {
            Framing::Terminator => (0, 8, Trailer::Terminator),
            Framing::Header { bits } => (bits, 0, Trailer::None),
            Framing::HeaderChecksum { header, overhead } => {
                (8 * header, 8 * (overhead - header), Trailer::Checksum)
            }
        };
        let message_end = before + 8 * len;
        if index < before {
            Part::Header { bit: index }
        } else if index < message_end {
            let at = index - before;
            Part::Byte {
                byte: at / 8,
                bit: (at % 8) as u8,
            }
        } else if index < message_end + after_len {
            let bit = index - message_end;
            match after {
                Trailer::Terminator => Part::Terminator { bit: bit as u8 },
                Trailer::Checksum => Part::Checksum { bit },
                Trailer::None => Part::Beyond,
            }
        } else {
            Part::Beyond
        }
    }

    /// Whether the client paces itself by sleeping (nobody answers).
    pub fn sleeps(&self) -> bool {
        self.answers == Answers::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_from_01_to_07_has_a_protocol_and_the_bits_agree_with_its_crate() {
        for stage in 1..=7 {
            let protocol = Protocol::of_stage(stage, false).unwrap();
            assert_eq!((protocol.zero, protocol.one), (10, 12), "stage {stage}");
        }
        assert_eq!(Protocol::of_stage(8, false), None);
    }

    #[test]
    fn frames_are_cut_into_their_parts() {
        let p01 = Protocol::of_stage(1, false).unwrap();
        assert_eq!(p01.items(2), 24);
        assert_eq!(p01.part(9, 2), Part::Byte { byte: 1, bit: 1 });
        assert_eq!(p01.part(16, 2), Part::Terminator { bit: 0 });
        let p04 = Protocol::of_stage(4, false).unwrap();
        assert_eq!(p04.items(1), stage_04::frame_bits(1) as u64);
        assert_eq!(p04.part(31, 1), Part::Header { bit: 31 });
        assert_eq!(p04.part(32, 1), Part::Byte { byte: 0, bit: 0 });
        let p06 = Protocol::of_stage(6, false).unwrap();
        assert_eq!(p06.items(1), 72);
        assert_eq!(p06.part(40, 1), Part::Checksum { bit: 0 });
        let payload = Protocol::of_stage(7, true).unwrap();
        assert_eq!(payload.items(1), stage_07::frame::chunk_count(9));
        assert_eq!(
            payload.items_in(50, Flight::Two),
            stage_07::frame::chunk_count_of(58, stage_07::protocol::Tag::DATA_BITS)
        );
    }
}
