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

use super::server::Server;
use crate::deadlines::DEADLINE;
use std::collections::HashMap;

/// Wait until the server has printed, after everything already consumed by
/// [`Server::expect_message`], each of `messages` exactly once, each followed by `\n`, in
/// any order, and nothing else. Messages must not contain `\n` themselves.
///
/// Fails as soon as a line is printed that is not one of the messages (a garbled or
/// interleaved message, or noise), or is one printed once too often, or at [`DEADLINE`]
/// with the list of messages still missing. Once every message has arrived, it also fails
/// on any further complete line already in the output (a late duplicate or noise).
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
    let start = server.cursor();
    let outcome = server.wait_for_output(DEADLINE, |bytes| {
        let mut left = wanted.clone();
        let printed = &bytes[start.min(bytes.len())..];
        // Complete lines only: the last one may still be arriving.
        let end = printed.iter().rposition(|&b| b == b'\n')?;
        let mut done_at = None;
        let mut offset = start;
        for line in printed[..end].split(|&b| b == b'\n') {
            offset += line.len() + 1;
            if done_at.is_some() {
                return Some(Err(format!(
                    "printed after all the messages: {}",
                    show(line)
                )));
            }
            match left.get_mut(line) {
                Some(count) if *count > 0 => *count -= 1,
                Some(_) => return Some(Err(format!("printed more than once: {}", show(line)))),
                None => {
                    return Some(Err(format!("not a message that was sent: {}", show(line))));
                }
            }
            if left.values().all(|&count| count == 0) {
                done_at = Some(offset);
            }
        }
        done_at.map(Ok)
    });
    let problem = match outcome {
        Ok(Ok(end)) => return end,
        Ok(Err(problem)) => problem,
        Err((_, why)) => {
            let printed = server.unread_output();
            let lines: Vec<&[u8]> = printed.split(|&b| b == b'\n').collect();
            let missing: Vec<String> = wanted
                .iter()
                .filter(|(message, count)| {
                    lines.iter().filter(|line| line == message).count() < **count
                })
                .map(|(message, _)| show(message))
                .collect();
            format!(
                "{why}: {} message(s) never printed: {}",
                missing.len(),
                missing.join(", ")
            )
        }
    };
    panic!(
        "expected the server to print {} message(s) in any order, each once: {problem}\n\
         server stderr: {:?}",
        messages.len(),
        server.process().stderr.text()
    );
}

/// Fail if the server has printed anything at or after `offset` in its stdout: call it
/// with what [`expect_messages_in_any_order`] returned, after every client has exited and
/// been confirmed, to check that nothing (not even part of a line) followed the messages.
pub fn expect_nothing_after(server: &mut Server, offset: usize) {
    let bytes = server.process().stdout.bytes();
    if bytes.len() > offset {
        panic!(
            "expected the server to print nothing more after the messages, but it printed {}\n\
             server stderr: {:?}",
            show(&bytes[offset..]),
            server.process().stderr.text()
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
