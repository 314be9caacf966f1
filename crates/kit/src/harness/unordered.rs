//! Output whose order is not fixed: the messages of clients that ran at the same time.
//!
//! A server may serve concurrent clients in any order, so a test cannot expect their
//! messages one after the other. It can still demand that each one is printed exactly
//! once, whole, and that nothing else is printed in between:
//!
//! ```ignore
//! use minitalk_kit::Server;
//! use minitalk_kit::unordered::{expect_messages_in_any_order, expect_nothing_after};
//!
//! let programs = workbook::programs!("stage06");
//! let mut server = programs.start_server();
//! // … several clients run at once, and all of them exit successfully …
//! let end = expect_messages_in_any_order(&mut server, &["from one client", "from another"]);
//! expect_nothing_after(&mut server, end);
//! ```

use super::mixed::mixed_up;
use super::server::Server;
use crate::deadlines::DEADLINE;
use std::collections::HashMap;

/// How far the output has got, read as whole messages, each once, in any order.
enum Reading {
    /// Every message has been printed; the output goes on at this offset.
    Done(usize),
    /// So far so good, and more must come.
    Waiting,
    /// Something no server printing each message once, whole, would print.
    Wrong(String),
}

/// Read `printed` (the output from offset `start` on) as the messages of `wanted` (each
/// with how many times it must come), in any order, and set `left` to how many times
/// each has still to come. Each message is followed by `\n`. For another
/// implementation's server (`newline_optional`) it may be followed directly by the next:
/// then no message may begin with another, or a stream of them could be read two ways
/// (the crowd's all begin differently, "client 3, message 1: …"). `sent` is every
/// message in the caller's order, for the diagnosis.
fn read(
    printed: &[u8],
    start: usize,
    wanted: &HashMap<&[u8], usize>,
    sent: &[&[u8]],
    newline_optional: bool,
    left: &mut HashMap<Vec<u8>, usize>,
) -> Reading {
    *left = wanted.iter().map(|(m, &n)| (m.to_vec(), n)).collect();
    let mut at = 0;
    loop {
        if left.values().all(|&n| n == 0) {
            return Reading::Done(start + at);
        }
        let rest = &printed[at..];
        // A message that has come whole: with its newline after it, unless that is
        // optional.
        let whole = left
            .iter()
            .filter(|(m, n)| {
                **n > 0
                    && rest.starts_with(m)
                    && (newline_optional || rest.get(m.len()) == Some(&b'\n'))
            })
            .max_by_key(|(m, _)| m.len())
            .map(|(m, _)| m.clone());
        if let Some(message) = whole {
            *left.get_mut(&message).expect("a wanted message") -= 1;
            at += message.len();
            if printed.get(at) == Some(&b'\n') {
                at += 1;
            }
            continue;
        }
        // The beginning of a message (and its newline) still to come: wait for the rest.
        if left.iter().any(|(m, n)| *n > 0 && m.starts_with(rest)) {
            return Reading::Waiting;
        }
        if let Some(again) = wanted.keys().find(|m| !m.is_empty() && rest.starts_with(m)) {
            let newline_missing = left.get(*again).is_some_and(|&n| n > 0);
            return Reading::Wrong(if newline_missing {
                format!("no newline after {}", show(again))
            } else {
                format!("printed more than once: {}", show(again))
            });
        }
        return Reading::Wrong(match mixed_up(printed, sent) {
            Some(how) => format!("it mixed them up: {how}"),
            None => format!("not a message that was sent: {}", show(rest)),
        });
    }
}

/// Wait until the server has printed, after everything already consumed by
/// [`Server::expect_message`], each of `messages` exactly once, whole, in any order, and
/// nothing else: each followed by `\n` (for another implementation's server, perhaps
/// directly by the next). Messages must not contain `\n` themselves.
///
/// Fails as soon as the output is something else: a message garbled, or interleaved with
/// another, or printed once too often, or noise (the failure says which bytes came from
/// which message, see [`mixed_up`]); or at [`DEADLINE`] with the list of messages still
/// missing.
///
/// Call it once every client that sent them has exited successfully: a client confirms
/// only what the server has already printed, so the output is then complete and nothing
/// more may follow; [`expect_nothing_after`] checks that, with the offset this returns
/// (just past the last message). It does not move the cursor of [`Server::expect_message`].
pub fn expect_messages_in_any_order<M: AsRef<[u8]>>(server: &mut Server, messages: &[M]) -> usize {
    let mut wanted: HashMap<&[u8], usize> = HashMap::new();
    for message in messages {
        let message = message.as_ref();
        assert!(
            !message.contains(&b'\n'),
            "expect_messages_in_any_order matches whole lines: {:?} contains a newline",
            String::from_utf8_lossy(message)
        );
        *wanted.entry(message).or_default() += 1;
    }
    let sent: Vec<&[u8]> = messages.iter().map(|m| m.as_ref()).collect();
    let start = server.cursor();
    let optional = server.newline_is_optional();
    if optional {
        for (a, b) in sent.iter().flat_map(|a| sent.iter().map(move |b| (a, b))) {
            assert!(
                a.len() >= b.len() || !b.starts_with(a),
                "messages in any order, without newlines, are read as a stream: {} begins {}",
                show(a),
                show(b)
            );
        }
    }
    let mut left = HashMap::new();
    let outcome = server.wait_for_output(DEADLINE, |bytes| {
        let printed = &bytes[start.min(bytes.len())..];
        match read(printed, start, &wanted, &sent, optional, &mut left) {
            Reading::Done(end) => Some(Ok(end)),
            Reading::Waiting => None,
            Reading::Wrong(problem) => Some(Err(problem)),
        }
    });
    let problem = match outcome {
        Ok(Ok(end)) => return end,
        Ok(Err(problem)) => problem,
        Err((_, why)) => {
            let missing: Vec<String> = left
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(message, _)| show(message))
                .collect();
            let with = if optional {
                ""
            } else {
                " (with the newline after it)"
            };
            format!(
                "{why}: {} message(s) never printed whole{with}: {}",
                missing.len(),
                missing.join(", ")
            )
        }
    };
    panic!(
        "of {} messages sent at once, your server did not print each once and whole: {problem}\n\
         server stderr: {:?}",
        messages.len(),
        server.stderr_text()
    );
}

/// Fail if the server has printed anything at or after `offset` in its stdout: call it
/// with what [`expect_messages_in_any_order`] returned, after every client has exited and
/// been confirmed, to check that nothing (not even part of a line) followed the messages.
pub fn expect_nothing_after(server: &mut Server, offset: usize) {
    let optional = server.newline_is_optional();
    let bytes = server.process().stdout.bytes();
    // The newline after the last message, if the server prints one but it came late.
    let offset = if optional && bytes.get(offset) == Some(&b'\n') {
        offset + 1
    } else {
        offset
    };
    if bytes.len() > offset {
        panic!(
            "expected the server to print nothing more after the messages, but it printed {}\n\
             server stderr: {:?}",
            show(&bytes[offset..]),
            server.stderr_text()
        );
    }
}

/// A line for a failure message: escaped, and cut short if long.
fn show(line: &[u8]) -> String {
    const MAX: usize = 80;
    let cut = &line[..line.len().min(MAX)];
    let more = if line.len() > MAX {
        format!("… ({} bytes)", line.len())
    } else {
        String::new()
    };
    format!("\"{}\"{more}", cut.escape_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(
        printed: &[u8],
        sent: &[&[u8]],
        newline_optional: bool,
    ) -> Result<Option<usize>, String> {
        let mut wanted: HashMap<&[u8], usize> = HashMap::new();
        for message in sent {
            *wanted.entry(message).or_default() += 1;
        }
        match read(
            printed,
            0,
            &wanted,
            sent,
            newline_optional,
            &mut HashMap::new(),
        ) {
            Reading::Done(end) => Ok(Some(end)),
            Reading::Waiting => Ok(None),
            Reading::Wrong(why) => Err(why),
        }
    }

    #[test]
    fn a_message_that_begins_another_waits_for_its_newline() {
        let sent: &[&[u8]] = &[b"ab", b"abcd"];
        assert_eq!(reading(b"abc", sent, false), Ok(None));
        assert_eq!(reading(b"ab", sent, false), Ok(None));
        assert_eq!(reading(b"abcd\nab\n", sent, false), Ok(Some(8)));
        assert_eq!(reading(b"ab\nabcd\n", sent, false), Ok(Some(8)));
    }

    #[test]
    fn without_newlines_the_messages_are_read_as_a_stream() {
        let sent: &[&[u8]] = &[b"client 0: abc", b"client 1: xyz"];
        assert_eq!(reading(b"client 1: xyzclient 0: a", sent, true), Ok(None));
        assert_eq!(
            reading(b"client 1: xyzclient 0: abc", sent, true),
            Ok(Some(26))
        );
        assert_eq!(
            reading(b"client 1: xyz\nclient 0: abc", sent, true),
            Ok(Some(27))
        );
    }

    #[test]
    fn wrong_output_says_what_is_wrong() {
        let sent: &[&[u8]] = &[b"client 0: abcdefgh", b"client 1: ABCDEFGH"];
        assert_eq!(
            reading(b"client 0: abcdefghclient 1", sent, false),
            Err("no newline after \"client 0: abcdefgh\"".to_owned())
        );
        assert_eq!(
            reading(
                b"client 0: abcdefgh\nclient 0: abcdefgh\n",
                &sent[..1],
                false
            ),
            Ok(Some(19))
        );
        assert_eq!(
            reading(b"client 1: ABCDEFGH\nclient 1: ABCDEFGH\n", sent, false),
            Err("printed more than once: \"client 1: ABCDEFGH\"".to_owned())
        );
        let mixed = reading(b"client 0: abcdeclient 1", sent, false).unwrap_err();
        assert!(
            mixed.starts_with("it mixed them up: bytes 0\u{2013}14"),
            "{mixed}"
        );
    }
}
