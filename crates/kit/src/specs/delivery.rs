//! Delivery: what a user sees when the server and client work. Messages of every kind
//! arrive byte-exact, from clients that run one after the other, and a client that
//! confirms does so only once the server has printed.
//!
//! A stage's `tests/delivery.rs` writes the group of tests its protocol promises with
//! [`delivery_tests!`](crate::delivery_tests).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::harness::content::{ascii_text, text};
use crate::{Programs, Server};

/// Send each message with its own client, in a row, each with `options` before the PID,
/// and expect each byte-exact (followed by a newline, or not: see
/// [`Server::expect_message`]).
pub fn in_a_row(programs: &Programs, options: &[&str], messages: &[&[u8]]) {
    let mut server = programs.start_server();
    for &message in messages {
        send_with(programs, &server, options, message);
        server.expect_message([message, b"\n"].concat());
    }
}

/// `client OPTIONS… <server-pid> <message>`, expected to succeed.
fn send_with(programs: &Programs, server: &Server, options: &[&str], message: &[u8]) {
    let pid = server.pid().to_string();
    let mut args: Vec<&OsStr> = options.iter().map(OsStr::new).collect();
    args.extend([OsStr::new(&pid), OsStr::from_bytes(message)]);
    programs.client_to(server, args, Vec::new()).success();
}

/// The server's first line holds its PID. The kit reads the first line, finds the PID in
/// it and checks that it is the PID of the process it started; anything else fails here.
pub fn server_prints_its_pid_on_its_first_line(programs: &Programs) {
    let server = programs.start_server();
    assert!(server.pid().as_raw() > 1);
}

/// The same on a pseudo-terminal, as when a user runs the server in a terminal: C's
/// stdio buffers a pipe but not a terminal, so a server that forgets to flush shows its
/// PID in one and not the other.
pub fn server_prints_its_pid_on_a_terminal_too(programs: &Programs) {
    let mut server = programs.start_pty_server();
    let pid = server.pid().to_string();
    programs
        .client([pid.as_str(), "seen on a terminal"])
        .success();
    // The client has exited: the message is on the terminal by now, or stuck in a
    // buffer. Another server may print no newline after it.
    let wanted = if programs.is_external() {
        "seen on a terminal"
    } else {
        "seen on a terminal\r\n"
    };
    let seen = server.wait_for_text(wanted, QUIET).unwrap_or_else(|seen| {
        panic!(
            "the client exited 0, but the server did not show {wanted:?} on its terminal \
             within {QUIET:?}: does it keep what it prints in a buffer? It showed {seen:?}"
        )
    });
    if !programs.is_external() {
        assert_eq!(seen, wanted, "the message, alone on its line");
    }
}

/// How long a message may take to show on a terminal once its client has exited.
const QUIET: std::time::Duration = std::time::Duration::from_secs(2);

/// One short message.
pub fn one_message_is_printed_exactly(programs: &Programs) {
    in_a_row(programs, &[], &[b"Hello, minitalk!"]);
}

/// Several clients in a row, each a new process (a new sender), with digits,
/// punctuation and a message of one character. Printable ASCII only: every stage's
/// protocol carries it.
pub fn messages_from_several_clients_in_a_row_are_printed_exactly(programs: &Programs) {
    in_a_row(
        programs,
        &[],
        &[
            b"first client",
            b"second: 0123456789",
            b"x",
            b"third: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
            b"z",
        ],
    );
}

/// 10 240 bytes and a terminator: 81 928 signals, each answered. A sleep-paced client
/// loses some of them on a busy machine; an acknowledged one cannot. A short message goes
/// first, so that a server that delivers nothing fails in seconds, not after the long one.
pub fn a_10_kb_message_is_printed_exactly(programs: &Programs) {
    let message = ascii_text(10 * 1024, 0);
    in_a_row(
        programs,
        &[],
        &[
            b"a short one first",
            ascii_text(500, 0).as_bytes(),
            message.as_bytes(),
        ],
    );
}

/// Plain ASCII, punctuation included.
pub fn ascii_arrives_exactly(programs: &Programs) {
    in_a_row(
        programs,
        &[],
        &[
            b"Hello, frames!",
            b"punctuation !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        ],
    );
}

/// UTF-8 of two, three and four bytes a character, and combining characters.
pub fn utf8_with_accents_cjk_and_emoji_arrives_exactly(programs: &Programs) {
    in_a_row(
        programs,
        &[],
        &[
            "déjà vu, naïve façade, Ærøskøbing".as_bytes(),
            "日本語のテキスト, 中文, 한국어".as_bytes(),
            "emoji: 😀 👩‍👩‍👧 🇫🇷 and a combining e\u{301}".as_bytes(),
        ],
    );
}

/// An argument on Unix is any bytes but NUL: a lone continuation byte, a truncated
/// sequence, 0xff, control characters. A client that turns its argument into a String
/// (or replaces what is invalid) fails here.
pub fn bytes_that_are_not_utf8_arrive_exactly(programs: &Programs) {
    in_a_row(
        programs,
        &[],
        &[
            b"\xff\xfe\x80",
            b"caf\xe9 (latin-1)",
            b"\x01\x02\x1b[31m\x7f",
            b"\xe6\x97",
        ],
    );
}

/// A terminator cannot tell an empty message from the end of one: a frame can.
pub fn an_empty_message_prints_an_empty_line(programs: &Programs) {
    in_a_row(programs, &[], &[b"", b"after the empty one"]);
}

/// Every kind of content a frame carries, one client after the other, with `options`
/// before the PID (stage 07's `--payload`, say): ASCII, UTF-8, bytes that are not UTF-8,
/// the empty message, newlines inside a message, and lengths around 8 bytes.
pub fn every_kind_of_content_arrives_exactly(programs: &Programs, options: &[&str]) {
    if !programs.client_takes(options) {
        return;
    }
    in_a_row(
        programs,
        options,
        &[
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
        ],
    );
}

/// A few thousand characters of text with multi-byte UTF-8 in it, with `options`.
pub fn a_longer_message_arrives_exactly(programs: &Programs, options: &[&str]) {
    if !programs.client_takes(options) {
        return;
    }
    let long = text(3000, 1);
    in_a_row(programs, options, &[b"a short one first", long.as_bytes()]);
}

/// Every byte value, NUL included (which no argument can hold), read from stdin with
/// `-`: our clients' convention, so skipped for another client. With `options`.
pub fn every_byte_value_arrives_exactly_through_stdin(programs: &Programs, options: &[&str]) {
    if programs.skip_unless_own_client("`-` for stdin") {
        return;
    }
    let mut server = programs.start_server();
    let every_byte: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let pid = server.pid().to_string();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), "-"]);
    programs
        .client_to(&server, args, every_byte.clone())
        .success();
    server.expect_message([&every_byte[..], b"\n"].concat());
}

/// The client exits 0 once the message is printed, and says so in one line: how many
/// bytes, and which PID confirmed them. The server printed the message before it sent
/// its final answer, so it is there by the time the client has exited.
///
/// Another implementation's client may confirm in its own words or not at all: for it,
/// exiting 0 is what counts, and a missing line is a note.
pub fn the_client_confirms_once_and_exits_0(programs: &Programs) {
    let mut server = programs.start_server();
    let assert = programs.send(&server, "confirm ✓").success();
    server.expect_message("confirm ✓\n");
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    if programs.external_client() {
        if stdout.lines().count() != 1 {
            crate::note(format!(
                "the workbook's clients confirm a delivery in one line on stdout; yours printed {stdout:?}"
            ));
        }
        return;
    }
    assert_eq!(
        stdout.lines().count(),
        1,
        "one confirmation line: {stdout:?}"
    );
    assert!(stdout.contains("11 bytes delivered"), "{stdout:?}");
    assert!(
        stdout.contains(&format!("PID {} confirmed", server.pid())),
        "{stdout:?}"
    );
}

/// The server reports each message on stderr, with its sender's PID: `report` is what
/// it says of a 9-byte message, with `{pid}` for the client's PID (stage 02 says
/// `9 bytes from PID {pid}`, stage 06 adds `, checksum verified`). The report is the
/// stage's own: skipped for other programs.
pub fn the_server_reports_each_message_on_stderr(programs: &Programs, report: &str) {
    let Some(mut server) = programs.start_own_server("the server's report on stderr") else {
        return;
    };
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "who am I?"]);
    server.expect_exit_success(&client, "the client");
    server.expect_message("who am I?\n");
    server.expect_stderr(&report.replace("{pid}", &client.pid().to_string()));
}

/// Writes a stage's delivery tests: one `#[test]` for each function of
/// [`specs::delivery`](crate::specs::delivery) that the stage's protocol promises, run
/// against the stage's own programs (or yours, through `MINITALK_SERVER` and
/// `MINITALK_CLIENT`).
///
/// - `delivery_tests!(sleep_paced)`, stages 01 and 02, with the programs scheduled so
///   that the server handles each signal before the client sends the next one (see
///   [`Programs::sleep_paced`]): the PID line (in a pipe and on a terminal), one message,
///   several clients in a row.
/// - `delivery_tests!(acknowledged)`, stage 03: the PID line, one message, several
///   clients in a row, 10 kB, and the client's confirmation.
/// - `delivery_tests!(framed)`, from stage 04: the PID line, ASCII, UTF-8, bytes that
///   are not UTF-8, the empty message, several clients in a row, and the confirmation.
#[macro_export]
macro_rules! delivery_tests {
    (sleep_paced) => {
        $crate::__spec_tests!(delivery, $crate::programs!().sleep_paced();
            server_prints_its_pid_on_its_first_line,
            server_prints_its_pid_on_a_terminal_too,
            one_message_is_printed_exactly,
            messages_from_several_clients_in_a_row_are_printed_exactly,
        );
    };
    (acknowledged) => {
        $crate::__spec_tests!(delivery, $crate::programs!();
            server_prints_its_pid_on_its_first_line,
            one_message_is_printed_exactly,
            messages_from_several_clients_in_a_row_are_printed_exactly,
            a_10_kb_message_is_printed_exactly,
            the_client_confirms_once_and_exits_0,
        );
    };
    (framed) => {
        $crate::__spec_tests!(delivery, $crate::programs!();
            server_prints_its_pid_on_its_first_line,
            ascii_arrives_exactly,
            utf8_with_accents_cjk_and_emoji_arrives_exactly,
            bytes_that_are_not_utf8_arrive_exactly,
            an_empty_message_prints_an_empty_line,
            messages_from_several_clients_in_a_row_are_printed_exactly,
            the_client_confirms_once_and_exits_0,
        );
    };
}
