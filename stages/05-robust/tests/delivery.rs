//! Stage 05's specification: a frame carries any bytes, byte-exact, including none.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use minitalk_kit::Programs;

fn programs() -> Programs {
    minitalk_kit::programs!()
}

/// Send each message with its own client, in a row, and expect each byte-exact.
fn round_trip(messages: &[&[u8]]) {
    let programs = programs();
    let mut server = programs.start_server();
    for &message in messages {
        programs.send(&server, OsStr::from_bytes(message)).success();
        server.expect_message([message, b"\n"].concat());
    }
}

#[test]
fn server_prints_its_pid_on_its_first_line() {
    let server = programs().start_server();
    assert!(server.pid().as_raw() > 1);
}

#[test]
fn ascii_arrives_exactly() {
    round_trip(&[
        b"Hello, frames!",
        b"punctuation !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    ]);
}

#[test]
fn utf8_with_accents_cjk_and_emoji_arrives_exactly() {
    round_trip(&[
        "déjà vu, naïve façade, Ærøskøbing".as_bytes(),
        "日本語のテキスト, 中文, 한국어".as_bytes(),
        "emoji: 😀 👩‍👩‍👧 🇫🇷 and a combining e\u{301}".as_bytes(),
    ]);
}

#[test]
fn bytes_that_are_not_utf8_arrive_exactly() {
    // An argument on Unix is any bytes but NUL: a lone continuation byte, a truncated
    // sequence, 0xff, control characters. A client that turns its argument into a
    // String (or replaces what is invalid) fails here.
    round_trip(&[
        b"\xff\xfe\x80",
        b"caf\xe9 (latin-1)",
        b"\x01\x02\x1b[31m\x7f",
        b"\xe6\x97",
    ]);
}

#[test]
fn an_empty_message_prints_an_empty_line() {
    // Stage 03 could not tell an empty message from its terminator: a frame can.
    let programs = programs();
    let mut server = programs.start_server();
    programs.send(&server, "").success();
    server.expect_message("\n");
    programs.send(&server, "after the empty one").success();
    server.expect_message("after the empty one\n");
}

#[test]
fn messages_from_several_clients_in_a_row_are_printed_exactly() {
    round_trip(&[b"first client", b"z", b"second: 0123456789", b""]);
}

#[test]
fn the_client_confirms_and_exits_0() {
    let programs = programs();
    let mut server = programs.start_server();
    let assert = programs.send(&server, "confirm ✓").success();
    server.expect_message("confirm ✓\n");
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(
        stdout.lines().count(),
        1,
        "one confirmation line: {stdout:?}"
    );
    if !programs.external_client() {
        assert!(stdout.contains("11 bytes delivered"), "{stdout:?}");
    }
}
