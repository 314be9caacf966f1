//! Stage 01's specification: what a user sees when the server and client work.

use minitalk_kit::{Programs, SLEEP_PACED_DELAY_US};

/// The stage's programs, scheduled so that the server handles each signal before the
/// client sends the next one (one CPU for both, the server real-time), which is what the
/// protocol silently assumes. These tests specify the protocol, not the scheduler's luck;
/// `sleep_pacing.rs` shows what happens when the server does not get to run.
fn programs() -> Programs {
    minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", SLEEP_PACED_DELAY_US)
        .with_server_preempting_client()
}

#[test]
fn server_prints_its_pid_on_its_first_line() {
    // The kit reads the first line, finds the PID in it and checks that it is the PID of
    // the process it started; anything else fails here.
    let server = programs().start_server();
    assert!(server.pid().as_raw() > 1);
}

#[test]
fn server_prints_its_pid_on_a_terminal_too() {
    // A pty, as when a user runs the server in a terminal.
    let programs = programs();
    let mut server = programs.start_pty_server();
    let pid = server.pid().to_string();
    programs
        .client([pid.as_str(), "seen on a terminal"])
        .success();
    assert_eq!(server.read_line(), "seen on a terminal");
}

#[test]
fn one_message_is_printed_exactly() {
    let programs = programs();
    let mut server = programs.start_server();
    programs.send(&server, "Hello, minitalk!").success();
    server.expect_message("Hello, minitalk!\n");
}

#[test]
fn messages_from_several_clients_in_a_row_are_printed_exactly() {
    let programs = programs();
    let mut server = programs.start_server();
    let messages = [
        "first client",
        "second: 0123456789",
        "x",
        "third: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    ];
    for message in messages {
        // Each run of the client is a new process: a new sender.
        programs.send(&server, message).success();
        server.expect_message(format!("{message}\n"));
    }
}
