//! Stage 03's specification: every bit is acknowledged, so messages of any length arrive
//! whole without any sleeping, and the client says so only once the server has printed.

use std::time::Instant;

use minitalk_kit::content::ascii_text;
use minitalk_kit::{DEADLINE, Programs};

fn programs() -> Programs {
    minitalk_kit::programs!()
}

#[test]
fn server_prints_its_pid_on_its_first_line() {
    let server = programs().start_server();
    assert!(server.pid().as_raw() > 1);
}

#[test]
fn a_short_message_is_printed_exactly() {
    let programs = programs();
    let mut server = programs.start_server();
    programs.send(&server, "Hello, acknowledged!").success();
    server.expect_message("Hello, acknowledged!\n");
}

#[test]
fn a_10_kb_message_is_printed_exactly() {
    // 10 240 bytes and a terminator: 81 928 signals, each answered. A sleep-paced client
    // loses some of them on a busy machine; this one cannot.
    let programs = programs();
    let mut server = programs.start_server();
    let message = ascii_text(10 * 1024, 0);
    programs.send(&server, &message).success();
    server.expect_message(format!("{message}\n"));
}

#[test]
fn messages_from_several_clients_in_a_row_are_printed_exactly() {
    let programs = programs();
    let mut server = programs.start_server();
    for message in [
        "first client",
        "second, with digits 0123456789",
        "z",
        &ascii_text(500, 0),
    ] {
        programs.send(&server, message).success();
        server.expect_message(format!("{message}\n"));
    }
}

#[test]
fn the_client_confirms_and_exits_0_once_the_message_is_printed() {
    let programs = programs();
    let mut server = programs.start_server();
    let assert = programs.send(&server, "confirm this").success();
    // The server wrote the message before it sent the final answer, so it is there by
    // the time the client has exited.
    server.expect_message("confirm this\n");
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(
        stdout.lines().count(),
        1,
        "one confirmation line: {stdout:?}"
    );
    if !programs.external_client() {
        assert!(stdout.contains("12 bytes delivered"), "{stdout:?}");
        assert!(
            stdout.contains(&format!("PID {} confirmed", server.pid())),
            "{stdout:?}"
        );
    }
}

#[test]
fn the_client_waits_for_an_answer_instead_of_sleeping() {
    // A stopped server answers nothing. However long it stays stopped, the client must
    // neither finish nor go on sending: one signal of it is pending, no more.
    let programs = programs();
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    server.stop();
    let client = programs.spawn_client([pid.as_str(), "patience"]);
    let pending = server.wait_for_pending(DEADLINE);
    assert_eq!(pending.len(), 1, "one bit in flight, no more: {pending:?}");
    // Still one: the client is waiting, not sending. (Checked again after the client
    // has had every chance to run on; the assertion holds at any moment.)
    let until = Instant::now() + std::time::Duration::from_millis(200);
    while Instant::now() < until {
        assert!(client.try_status().is_none(), "the client exited early");
        assert_eq!(server.pending_signals().len(), 1);
        std::thread::yield_now();
    }
    server.resume();
    assert!(client.wait(DEADLINE).success());
    server.expect_message("patience\n");
}
