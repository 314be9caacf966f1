//! A readable account of where two byte strings part ways.

/// How many bytes of context to show before the first difference.
const CONTEXT: usize = 40;
/// How many bytes to show from the first difference on.
const AFTER: usize = 40;

/// Describe how `received` differs from `expected`: the offset of the first differing
/// byte, both sides around it (escaped, so control bytes and invalid UTF-8 are visible)
/// and a caret under the difference.
pub fn describe_mismatch(expected: &[u8], received: &[u8]) -> String {
    let first = expected
        .iter()
        .zip(received)
        .position(|(e, r)| e != r)
        .unwrap_or(expected.len().min(received.len()));
    let start = first.saturating_sub(CONTEXT);
    let show = |bytes: &[u8]| -> (String, usize) {
        let end = bytes.len().min(first + AFTER);
        let before = escape(&bytes[start.min(bytes.len())..first.min(bytes.len())]);
        let after = escape(&bytes[first.min(bytes.len())..end]);
        let ellipsis_left = if start > 0 { "…" } else { "" };
        let ellipsis_right = if end < bytes.len() { "…" } else { "" };
        let caret = ellipsis_left.chars().count() + before.chars().count();
        (
            format!("{ellipsis_left}{before}{after}{ellipsis_right}"),
            caret,
        )
    };
    let (expected_text, caret) = show(expected);
    let (received_text, _) = show(received);
    let what = if first == received.len() {
        "received is a strict prefix of expected (output stopped short)"
    } else if first == expected.len() {
        "received goes on past the expected bytes"
    } else {
        "bytes differ"
    };
    // Both lines start with the same number of characters, so one caret fits both.
    format!(
        "first difference at byte {first}: {what} (expected {} bytes, received {})\n  expected: \"{expected_text}\"\n  received: \"{received_text}\"\n  {}^",
        expected.len(),
        received.len(),
        " ".repeat("expected: \"".len() + caret),
    )
}

fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_first_different_byte() {
        let text = describe_mismatch(b"hello world", b"hellO world");
        assert!(
            text.starts_with("first difference at byte 4: bytes differ"),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[1][caret..caret + 1], "o", "{text}");
        assert_eq!(&lines[2][caret..caret + 1], "O", "{text}");
    }

    #[test]
    fn says_when_output_stopped_short() {
        let text = describe_mismatch(b"hello", b"he");
        assert!(text.contains("byte 2"), "{text}");
        assert!(text.contains("strict prefix"), "{text}");
    }

    #[test]
    fn shows_invalid_utf8_and_control_bytes_escaped() {
        let text = describe_mismatch(b"a\xffb\n", b"a\xfeb\n");
        assert!(text.contains(r"a\xffb\n"), "{text}");
        assert!(text.contains(r"a\xfeb\n"), "{text}");
    }

    #[test]
    fn long_inputs_are_cut_around_the_difference() {
        let expected = vec![b'x'; 10_000];
        let mut received = expected.clone();
        received[5_000] = b'y';
        let text = describe_mismatch(&expected, &received);
        assert!(text.contains("byte 5000"), "{text}");
        assert!(text.len() < 400, "{text}");
    }
}
