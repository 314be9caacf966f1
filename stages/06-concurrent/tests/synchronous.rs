//! No handler: the server blocks SIGUSR1 and SIGUSR2 for good and reads them from a
//! `signalfd`. `/proc/PID/status` shows it: both blocked (`SigBlk`), neither caught
//! (`SigCgt`), at rest and in the middle of a transfer.

use minitalk_kit::{DEADLINE, Programs, Server, procfs};
use nix::sys::signal::Signal;

fn programs() -> Programs {
    minitalk_kit::programs!()
}

fn assert_blocked_not_caught(server: &Server, when: &str) {
    let blocked = procfs::blocked(server.pid()).expect("the server is running");
    let caught = procfs::caught(server.pid()).expect("the server is running");
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
        assert!(
            blocked.contains(signal),
            "{signal} is not blocked {when}: {blocked:?}"
        );
        assert!(
            !caught.contains(signal),
            "{signal} has a handler {when}: {caught:?}"
        );
    }
}

#[test]
fn the_server_blocks_both_signals_and_installs_no_handler() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: how the signals are received is this stage's own choice");
        return;
    }
    let mut server = programs.start_server();
    assert_blocked_not_caught(&server, "at rest");

    let pid = server.pid().to_string();
    let message = "x".repeat(5_000);
    let client = programs.spawn_client([pid.as_str(), message.as_str()]);
    server.expect_stderr("receiving 5000 bytes");
    assert_blocked_not_caught(&server, "during a transfer");
    assert!(client.wait(DEADLINE).success());
    server.expect_message(format!("{message}\n"));
}
