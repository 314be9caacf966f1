//! Stage 06's specification, the basics: every kind of content arrives exactly, and the
//! client confirms only what the server has verified and printed.

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
fn ascii_utf8_and_bytes_that_are_not_utf8_arrive_exactly() {
    round_trip(&[
        b"Hello, many clients!",
        "déjà vu, 日本語, emoji 😀 👩‍👩‍👧".as_bytes(),
        b"\xff\xfe\x80 caf\xe9 \x01\x02\x1b[31m\x7f",
        b"",
        b"after the empty one",
    ]);
}

#[test]
fn a_longer_message_arrives_exactly() {
    round_trip(&[minitalk_kit::content::text(3000, 1).as_bytes()]);
}

#[test]
fn every_byte_value_arrives_exactly_through_stdin() {
    let programs = programs();
    if programs.external_client() {
        eprintln!("SKIPPED: `-` for stdin is our client's convention");
        return;
    }
    let mut server = programs.start_server();
    let every_byte: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let pid = server.pid().to_string();
    programs
        .client_with_stdin([pid.as_str(), "-"], every_byte.clone())
        .success();
    server.expect_message([&every_byte[..], b"\n"].concat());
}

#[test]
fn the_client_confirms_once_and_exits_0() {
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

#[test]
fn the_server_reports_each_verified_message_on_stderr() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the stderr report is this stage's own");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "who am I?"]);
    assert!(client.wait(minitalk_kit::DEADLINE).success());
    server.expect_message("who am I?\n");
    server.expect_stderr(&format!(
        "9 bytes from PID {}, checksum verified",
        client.pid()
    ));
}
