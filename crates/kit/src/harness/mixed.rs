//! Telling what a mixed-up output is made of: which bytes came from which message.
//!
//! When clients send at once to a server that does not keep them apart, its output is
//! not "wrong" in one place: it is made of pieces. A server that puts every sender's bits
//! into the same bytes prints bytes that are in no message; one that assembles each
//! sender's bytes but prints them as they come interleaves the messages; one that starts
//! a new byte whenever the sender changes loses bits, and what follows is shifted. Saying
//! "not a message that was sent" helps nobody. This module reads the output back as
//! pieces of the messages that were sent, the way they would have to have been printed,
//! and names the first piece that a server serving one client at a time could not have
//! printed.
//!
//! The reading is greedy: at each place, the piece is the longest run of bytes that
//! continues one of the messages from where it had got to. Generated messages never
//! repeat a short pattern (see [`content`](super::content)), so a run of more than a few
//! bytes is almost never a coincidence.

/// One run of the output, read against the messages that were sent.
#[derive(Debug, PartialEq)]
enum Piece {
    /// `len` bytes at `at` in the output: bytes `from..from + len` of message `message`,
    /// after `lost` bytes of it that the output never had.
    Of {
        message: usize,
        from: usize,
        len: usize,
        at: usize,
        lost: usize,
        /// Whether other messages begin with these bytes too (their first words, which
        /// many messages share): then which one it is cannot be told.
        shared: bool,
    },
    /// Message `message`, already whole, begins again at `at`.
    Again { message: usize, at: usize },
    /// The byte at `at` continues no message.
    Foreign { at: usize, byte: u8 },
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The shortest run that counts as a message's bytes found further on, after some were
/// lost: shorter runs are found anywhere by chance (one emoji is 4 bytes).
const RESUMED: usize = 8;

/// Where in one of `messages`, beyond where it had got to, `rest` goes on for the longest
/// (at least [`RESUMED`] bytes): bytes of it were lost in between.
fn resumed(rest: &[u8], messages: &[&[u8]], progress: &[usize]) -> Option<(usize, usize, usize)> {
    (0..messages.len())
        .flat_map(|m| (progress[m] + 1..messages[m].len()).map(move |from| (m, from)))
        .map(|(m, from)| (common_prefix(rest, &messages[m][from..]), m, from))
        .filter(|&(len, _, _)| len >= RESUMED)
        .max_by_key(|&(len, m, from)| (len, std::cmp::Reverse((m, from))))
        .map(|(len, m, from)| (m, from, len))
}

/// Read `printed` as pieces of `messages`, up to the first byte that continues none of
/// them. Newlines between pieces are skipped: messages contain none, and whether a
/// server ends each message with one is checked elsewhere.
fn pieces(printed: &[u8], messages: &[&[u8]]) -> Vec<Piece> {
    let mut progress = vec![0; messages.len()];
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < printed.len() {
        if printed[at] == b'\n' {
            at += 1;
            continue;
        }
        let rest = &printed[at..];
        // The longest continuation.
        let candidates: Vec<(usize, bool, usize)> = (0..messages.len())
            .filter(|&m| progress[m] < messages[m].len())
            .map(|m| {
                (
                    common_prefix(rest, &messages[m][progress[m]..]),
                    progress[m] > 0,
                    m,
                )
            })
            .collect();
        // On a tie, a message that this completes, then one already begun (it is the one
        // being printed), then the first.
        let completes = |len: usize, m: usize| progress[m] + len == messages[m].len();
        let best = candidates
            .iter()
            .copied()
            .max_by_key(|&(len, begun, m)| (len, completes(len, m), begun, std::cmp::Reverse(m)));
        let shared = best.is_some_and(|(len, begun, m)| {
            !begun
                && !completes(len, m)
                && candidates
                    .iter()
                    .filter(|&&(other, _, _)| other == len)
                    .count()
                    > 1
        });
        // A message already whole, printed again from its start: longer than any
        // continuation (which is then its first words, shared with another message).
        let again = (0..messages.len()).find(|&m| {
            progress[m] == messages[m].len()
                && !messages[m].is_empty()
                && rest.starts_with(messages[m])
                && best.is_none_or(|(len, _, _)| len < messages[m].len())
        });
        if let Some(message) = again {
            pieces.push(Piece::Again { message, at });
            return pieces;
        }
        match best {
            Some((len, _, message)) if len > 0 => {
                pieces.push(Piece::Of {
                    message,
                    from: progress[message],
                    len,
                    at,
                    lost: 0,
                    shared,
                });
                progress[message] += len;
                at += len;
            }
            _ => {
                if let Some((message, from, len)) = resumed(rest, messages, &progress) {
                    pieces.push(Piece::Of {
                        message,
                        from,
                        len,
                        at,
                        lost: from - progress[message],
                        shared: false,
                    });
                    return pieces;
                }
                pieces.push(Piece::Foreign {
                    at,
                    byte: printed[at],
                });
                return pieces;
            }
        }
    }
    pieces
}

/// The first words of a message, to name it: up to its first `:` if that comes soon
/// (the crowd's messages begin "client 3, message 1:"), else its first 20 bytes.
fn name(message: &[u8]) -> String {
    let head = match message.iter().position(|&b| b == b':') {
        Some(colon) if colon <= 30 => &message[..colon],
        _ => &message[..message.len().min(20)],
    };
    format!("\"{}\"", head.escape_ascii())
}

/// A byte as the reader would see it: the character if printable, and its value.
fn show_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}', 0x{byte:02x}", byte as char)
    } else {
        format!("0x{byte:02x}")
    }
}

fn bytes_at(at: usize, len: usize) -> String {
    if len == 1 {
        format!("byte {at}")
    } else {
        format!("bytes {at}\u{2013}{}", at + len - 1)
    }
}

/// `None` if `printed` is what a server serving one client at a time may print: whole
/// messages, each once, and at the end perhaps the beginning of one still arriving.
/// Otherwise one line that says what it is made of, up to the first piece such a server
/// could not have printed, and what that piece means, e.g. `bytes 0–36 are all of
/// "client 2, message 0", then bytes 37–41 are the first 5 of "client 5, message 1"
/// while "client 6, message 0" was not whole: the messages are interleaved`.
pub fn mixed_up(printed: &[u8], messages: &[&[u8]]) -> Option<String> {
    let pieces = pieces(printed, messages);
    // The message last printed, if not yet whole: which one (or, when its first words
    // could be several, where it began).
    let mut open: Option<(usize, Option<usize>)> = None;
    let name_open = |open: (usize, Option<usize>)| match open {
        (message, None) => name(messages[message]),
        (_, Some(began)) => format!("the message begun at byte {began}"),
    };
    let mut told = Vec::new();
    for piece in &pieces {
        let (text, problem) = match *piece {
            Piece::Of {
                message,
                from,
                len,
                at,
                lost,
                shared,
            } => {
                let whole = messages[message].len();
                let what = if shared {
                    format!(
                        "{} begin{} a message ({:?} begins several)",
                        bytes_at(at, len),
                        if len == 1 { "s" } else { "" },
                        String::from_utf8_lossy(&messages[message][..len])
                    )
                } else if len == 1 {
                    format!(
                        "{} is byte {from} of {}",
                        bytes_at(at, len),
                        name(messages[message])
                    )
                } else if from == 0 && len == whole {
                    format!(
                        "{} are all of {}",
                        bytes_at(at, len),
                        name(messages[message])
                    )
                } else if from == 0 {
                    format!(
                        "{} are the first {len} of {}",
                        bytes_at(at, len),
                        name(messages[message])
                    )
                } else {
                    format!(
                        "{} are {} of {}",
                        bytes_at(at, len),
                        bytes_at(from, len),
                        name(messages[message])
                    )
                };
                let problem = match open {
                    Some(other) if other.0 != message => Some(format!(
                        " while {} was not whole: the messages are interleaved",
                        name_open(other)
                    )),
                    _ if lost > 0 => Some(format!(
                        " after a gap: its {} never came",
                        bytes_at(from - lost, lost)
                    )),
                    _ => None,
                };
                let began = match open {
                    Some((m, began)) if m == message => began,
                    _ => shared.then_some(at),
                };
                open = (from + len < whole).then_some((message, began));
                (what, problem)
            }
            Piece::Again { message, at } => (
                format!("at byte {at}, {} begins again", name(messages[message])),
                Some(" (printed twice)".to_owned()),
            ),
            Piece::Foreign { at, byte } => (
                format!("byte {at} ({}) continues no message", show_byte(byte)),
                Some(match open {
                    Some(other) => format!(
                        " in the middle of {}: a byte of another client's, or bits mixed \
                         or lost",
                        name_open(other)
                    ),
                    None => ": bits of more than one client mixed into one byte, or a bit lost"
                        .to_owned(),
                }),
            ),
        };
        told.push(text);
        if let Some(problem) = problem {
            // What came just before, and the piece itself: the rest is noise.
            let shown = told.len().min(3);
            let skipped = if told.len() > shown { "…, " } else { "" };
            // Each problem brings its own punctuation: " while …", ": bits …".
            return Some(format!(
                "{skipped}{}{problem}",
                told[told.len() - shown..].join(", then ")
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[u8] = b"client 0, message 0: abcdefgh";
    const B: &[u8] = b"client 1, message 0: ABCDEFGH";

    #[test]
    fn whole_messages_in_any_order_and_one_still_arriving_are_not_mixed() {
        assert_eq!(mixed_up(b"", &[A, B]), None);
        assert_eq!(mixed_up(&[B, b"\n", A, b"\n"].concat(), &[A, B]), None);
        assert_eq!(mixed_up(&[B, A].concat(), &[A, B]), None);
        assert_eq!(mixed_up(&[A, b"\nclient 1, mess"].concat(), &[A, B]), None);
        // A message that begins another is the one it completes.
        assert_eq!(mixed_up(b"abc\nabcdef", &[b"abcdef", b"abc"]), None);
    }

    #[test]
    fn interleaved_messages_are_named_with_the_bytes_of_each() {
        let printed = [&A[..24], &B[..5]].concat();
        assert_eq!(
            mixed_up(&printed, &[A, B]).unwrap(),
            "bytes 0\u{2013}23 are the first 24 of \"client 0, message 0\", then bytes \
             24\u{2013}28 are the first 5 of \"client 1, message 0\" while \"client 0, \
             message 0\" was not whole: the messages are interleaved"
        );
    }

    #[test]
    fn the_first_words_of_many_messages_are_not_taken_for_one_of_them() {
        let c: &[u8] = b"client 2, message 0: 12345678";
        let printed = [&A[..2], &B[..1]].concat();
        assert_eq!(
            mixed_up(&printed, &[A, B, c]).unwrap(),
            "bytes 0\u{2013}1 begin a message (\"cl\" begins several), then byte 2 begins a \
             message (\"c\" begins several) while the message begun at byte 0 was not whole: \
             the messages are interleaved"
        );
    }

    #[test]
    fn a_byte_of_no_message_is_named_where_it_stands() {
        let printed = [&A[..10], &[0x93], &A[10..]].concat();
        assert_eq!(
            mixed_up(&printed, &[A, B]).unwrap(),
            "bytes 0\u{2013}9 are the first 10 of \"client 0, message 0\", then byte 10 \
             (0x93) continues no message in the middle of \"client 0, message 0\": a byte of \
             another client's, or bits mixed or lost"
        );
        assert!(
            mixed_up(&[0x8d, 0xb1], &[A, B])
                .unwrap()
                .starts_with("byte 0 (0x8d) continues no message")
        );
    }

    #[test]
    fn lost_bytes_and_repeats_are_named() {
        let skipped = [A, b"\n", &B[3..]].concat();
        assert!(
            mixed_up(&skipped, &[A, B]).unwrap().ends_with(
                "then bytes 30\u{2013}55 are bytes 3\u{2013}28 of \"client 1, message 0\" \
                     after a gap: its bytes 0\u{2013}2 never came"
            ),
            "{:?}",
            mixed_up(&skipped, &[A, B])
        );
        let twice = [A, b"\n", A, b"\n"].concat();
        assert!(
            mixed_up(&twice, &[A, B])
                .unwrap()
                .ends_with("begins again (printed twice)")
        );
    }

    #[test]
    fn only_the_pieces_just_before_the_first_problem_are_shown() {
        let c: &[u8] = b"client 2, message 0: 12345678";
        let printed = [A, B, &c[..4], &A[..3]].concat();
        let told = mixed_up(&printed, &[A, B, c]).unwrap();
        assert!(
            told.starts_with("…, bytes 29\u{2013}57 are all of"),
            "{told}"
        );
    }
}
