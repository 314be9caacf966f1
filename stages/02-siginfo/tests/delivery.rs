//! Stage 02's specification: messages arrive whole, and the server knows who sent them.

use minitalk_kit::{Programs, SLEEP_PACED_DELAY_US};

/// The stage's programs, scheduled so that the server handles each signal before the
/// client sends the next one (one CPU for both, the server real-time): the pacing is
/// still by sleeping, and stage 01's `sleep_pacing.rs` shows what happens without that.
fn programs() -> Programs {
    minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", SLEEP_PACED_DELAY_US)
        .with_server_preempting_client()
}

#[test]
fn server_prints_its_pid_on_its_first_line() {
    let server = programs().start_server();
    assert!(server.pid().as_raw() > 1);
}

#[test]
fn messages_from_several_clients_in_a_row_are_printed_exactly() {
    let programs = programs();
    let mut server = programs.start_server();
    for message in ["first client", "second: 0123456789", "z"] {
        programs.send(&server, message).success();
        server.expect_message(format!("{message}\n"));
    }
}

#[test]
fn server_reports_the_pid_of_each_sender() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the stderr report is this stage's own detail");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "who am I?"]);
    assert!(client.wait(minitalk_kit::DEADLINE).success());
    server.expect_message("who am I?\n");
    server.expect_stderr(&format!("9 bytes from PID {}", client.pid()));
}
