//! Was the delivery right? The server's output is compared byte for byte with what the
//! clients sent, as it arrives, so that a wrong delivery is caught at once and reported
//! as a failure, never timed as if it were a speed.

/// How a server prints one received message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    /// Exactly the message, then `\n` (the signal stages).
    Exact,
    /// The socket chat: each piece of text on a line of its own after the sender's
    /// address, `127.0.0.1:50446: text` (a long line is shown in pieces), among lines
    /// that carry no text (`127.0.0.1:50446 joined`, `… left`).
    Chat,
}

/// Where the comparison stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything so far is right; more is expected.
    Waiting,
    /// Every message arrived once, whole, and nothing else was printed.
    Done,
    /// The output departs from what was sent: why.
    Wrong(String),
}

/// The messages still expected from a server (any order: several clients may finish in
/// any order, but each message must be printed exactly once, whole).
pub struct Expectation {
    style: LineStyle,
    outstanding: Vec<Vec<u8>>,
    /// Bytes of output already matched (whole lines).
    matched: usize,
    lines: usize,
    /// How much of the line being printed is known to begin some expected message, so
    /// that a long message arriving in many small writes is compared only once. (Only
    /// the early warning relies on it: a complete line is always compared whole.)
    partial_ok: usize,
    /// The chat's text so far, by sender address.
    senders: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Expectation {
    pub fn new(messages: &[Vec<u8>], style: LineStyle) -> Expectation {
        Expectation {
            style,
            outstanding: messages.to_vec(),
            matched: 0,
            lines: 0,
            partial_ok: 0,
            senders: Vec::new(),
        }
    }

    /// Compare `output` (everything after the server's first line) with the messages.
    /// Call it again with more output; the lines already matched are not looked at again.
    pub fn check(&mut self, output: &[u8]) -> Verdict {
        match self.style {
            LineStyle::Exact => self.check_exact(output),
            LineStyle::Chat => self.check_chat(output),
        }
    }

    fn check_exact(&mut self, output: &[u8]) -> Verdict {
        while let Some(end) = output[self.matched..].iter().position(|&b| b == b'\n') {
            let line = &output[self.matched..self.matched + end];
            self.lines += 1;
            let found = self.outstanding.iter().position(|m| m == line);
            match found {
                Some(index) => {
                    self.outstanding.swap_remove(index);
                    self.matched += end + 1;
                    self.partial_ok = 0;
                }
                None => {
                    let what = format!("line {}", self.lines);
                    return Verdict::Wrong(self.describe(&what, line));
                }
            }
        }
        let partial = &output[self.matched..];
        if self.outstanding.is_empty() {
            return match partial.is_empty() {
                true => Verdict::Done,
                false => Verdict::Wrong(format!(
                    "{} unexpected bytes after the last message",
                    partial.len()
                )),
            };
        }
        let from = self.partial_ok.min(partial.len());
        let could_grow = self
            .outstanding
            .iter()
            .any(|m| m.len() >= partial.len() && m[from..partial.len()] == partial[from..]);
        match could_grow {
            true => {
                self.partial_ok = partial.len();
                Verdict::Waiting
            }
            false => {
                let what = format!("line {} (unfinished)", self.lines + 1);
                Verdict::Wrong(self.describe(&what, partial))
            }
        }
    }

    /// How many bytes of the messages have not arrived yet (for a timeout message).
    pub fn bytes_missing(&self) -> usize {
        let expected: usize = self.outstanding.iter().map(|m| m.len()).sum();
        let arrived: usize = match self.style {
            // The line being printed, as far as it is right.
            LineStyle::Exact => self.partial_ok,
            LineStyle::Chat => self.senders.iter().map(|(_, text)| text.len()).sum(),
        };
        expected.saturating_sub(arrived)
    }

    /// The chat's text arrives in pieces, each after its sender's address: put each
    /// sender's pieces together, and compare the whole with the messages sent.
    fn check_chat(&mut self, output: &[u8]) -> Verdict {
        while let Some(end) = output[self.matched..].iter().position(|&b| b == b'\n') {
            let line = &output[self.matched..self.matched + end];
            self.matched += end + 1;
            // `ADDRESS: text`; an address contains no ": ", a status line has none.
            if let Some(at) = line.windows(2).position(|w| w == b": ") {
                let (sender, text) = (&line[..at], &line[at + 2..]);
                match self.senders.iter_mut().find(|(s, _)| s == sender) {
                    Some((_, so_far)) => so_far.extend_from_slice(text),
                    None => self.senders.push((sender.to_vec(), text.to_vec())),
                }
            }
        }
        let mut unmatched = self.outstanding.clone();
        for (_, text) in &self.senders {
            match unmatched.iter().position(|m| m == text) {
                Some(index) => {
                    unmatched.swap_remove(index);
                }
                None if unmatched.iter().any(|m| m.starts_with(text)) => {}
                None => return Verdict::Wrong(self.describe("the text of one client", text)),
            }
        }
        match unmatched.is_empty() {
            true => Verdict::Done,
            false => Verdict::Waiting,
        }
    }

    /// Say how `got` (`what` names it) differs from the closest message still expected.
    fn describe(&self, what: &str, got: &[u8]) -> String {
        let Some(closest) = self
            .outstanding
            .iter()
            .max_by_key(|m| common_prefix(m, got))
        else {
            return format!("{what} was not sent by anyone");
        };
        let same = common_prefix(closest, got);
        format!(
            "{what}: {} bytes printed where {} were sent, first difference at byte {same}",
            got.len(),
            closest.len(),
        )
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(messages: &[&str]) -> Expectation {
        let messages: Vec<Vec<u8>> = messages.iter().map(|m| m.as_bytes().to_vec()).collect();
        Expectation::new(&messages, LineStyle::Exact)
    }

    #[test]
    fn a_right_delivery_is_done() {
        let mut expectation = exact(&["hello"]);
        assert_eq!(expectation.check(b"hel"), Verdict::Waiting);
        assert_eq!(expectation.check(b"hello"), Verdict::Waiting);
        assert_eq!(expectation.check(b"hello\n"), Verdict::Done);
    }

    #[test]
    fn a_wrong_byte_is_flagged_as_soon_as_it_arrives() {
        let mut expectation = exact(&["hello"]);
        match expectation.check(b"hex") {
            Verdict::Wrong(why) => assert!(why.contains("first difference at byte 2"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_short_message_is_wrong() {
        let mut expectation = exact(&["hello"]);
        assert!(matches!(expectation.check(b"helo\n"), Verdict::Wrong(_)));
    }

    #[test]
    fn a_duplicate_or_extra_output_is_wrong() {
        let mut expectation = exact(&["a", "b"]);
        assert!(matches!(expectation.check(b"a\na\n"), Verdict::Wrong(_)));
        let mut expectation = exact(&["a"]);
        assert!(matches!(expectation.check(b"a\nb"), Verdict::Wrong(_)));
    }

    #[test]
    fn several_clients_may_arrive_in_any_order() {
        let mut expectation = exact(&["one", "two", "three"]);
        assert_eq!(expectation.check(b"two\nthree\n"), Verdict::Waiting);
        assert_eq!(expectation.bytes_missing(), 3);
        assert_eq!(expectation.check(b"two\nthree\none\n"), Verdict::Done);
    }

    #[test]
    fn the_chat_shows_pieces_after_the_sender_among_status_lines() {
        let messages = vec![b"hi: there, you".to_vec()];
        let mut expectation = Expectation::new(&messages, LineStyle::Chat);
        let mut output = b"127.0.0.1:5000 joined\n127.0.0.1:5000: hi: th".to_vec();
        assert_eq!(expectation.check(&output), Verdict::Waiting);
        output.extend_from_slice(b"\n127.0.0.1:5000: ere, you\n");
        assert_eq!(expectation.check(&output), Verdict::Done);
        output.extend_from_slice(b"127.0.0.1:5000 left\n");
        assert_eq!(expectation.check(&output), Verdict::Done);
    }

    #[test]
    fn a_wrong_chat_line_is_flagged() {
        let messages = vec![b"hi there".to_vec()];
        let mut expectation = Expectation::new(&messages, LineStyle::Chat);
        assert!(matches!(
            expectation.check(b"127.0.0.1:5000: hi their\n"),
            Verdict::Wrong(_)
        ));
    }
}
