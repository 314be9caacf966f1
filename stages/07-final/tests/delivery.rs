//! Every kind of content arrives byte-exact, in both modes: ASCII, UTF-8, bytes that are
//! not UTF-8, every byte value, the empty message. The client confirms once.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The client's arguments for `mode`, before the PID and the message.
fn options(payload: bool) -> &'static [&'static str] {
    if payload { &["--payload"] } else { &[] }
}

/// Send each message with its own client, in a row, and expect each byte-exact.
fn round_trip(payload: bool, messages: &[&[u8]]) {
    let programs = common::programs();
    if payload && !common::own_programs_only(&programs, "the payload mode") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    for &message in messages {
        let mut args: Vec<&OsStr> = options(payload).iter().map(OsStr::new).collect();
        args.extend([OsStr::new(&pid), OsStr::from_bytes(message)]);
        programs.client(args).success();
        server.expect_message([message, b"\n"].concat());
    }
}

const KINDS: &[&[u8]] = &[
    b"Hello, final server!",
    b"punctuation !\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~",
    "déjà vu, naïve façade, 日本語, 한국어, emoji 😀 👩‍👩‍👧 🇫🇷 e\u{301}".as_bytes(),
    b"\xff\xfe\x80 caf\xe9 \x01\x02\x1b[31m\x7f \xe6\x97",
    b"",
    b"after the empty one",
    b"a\nmessage\non three lines",
    b"x",
    b"exactly 8",
    b"sixteen bytes!!!",
];

#[test]
fn classic_mode_carries_every_kind_of_content() {
    round_trip(false, KINDS);
}

#[test]
fn payload_mode_carries_every_kind_of_content() {
    round_trip(true, KINDS);
}

#[test]
fn both_modes_carry_a_longer_text() {
    let long = minitalk_kit::content::text(2000, 3);
    round_trip(false, &[long.as_bytes()]);
    round_trip(true, &[long.as_bytes()]);
}

#[test]
fn every_byte_value_arrives_through_stdin_in_both_modes() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "`-` for stdin") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    for payload in [false, true] {
        let mut args = options(payload).to_vec();
        args.extend([pid.as_str(), "-"]);
        programs.client_with_stdin(args, bytes.clone()).success();
        server.expect_message([&bytes[..], b"\n"].concat());
    }
}

#[test]
fn the_client_confirms_once_and_exits_0() {
    let programs = common::programs();
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
