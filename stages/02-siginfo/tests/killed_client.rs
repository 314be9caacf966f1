//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! Stage 01 kept one byte-in-progress for everybody: the dead client's stray bits became
//! the first bits of the next message. Stage 02 keys its state by the sender's PID.
//!
//! To kill the client *mid-byte* for certain, the test stops the server first. While it is
//! stopped, at most one SIGUSR1 and one SIGUSR2 can be pending, so however far the client
//! got, the server will see at most two of its bits: never a whole byte.

use minitalk_kit::{DEADLINE, SLEEP_PACED_DELAY_US};

#[test]
fn the_next_message_is_intact_after_a_client_dies_mid_byte() {
    let programs = minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", SLEEP_PACED_DELAY_US)
        .with_server_preempting_client();
    let mut server = programs.start_server();
    let pid = server.pid().to_string();

    server.stop();
    let mut doomed = programs.spawn_client([pid.as_str(), "this message is never finished"]);
    let pending = server.wait_for_pending(DEADLINE);
    assert!(pending.len() <= 2);
    doomed.kill();
    server.resume();

    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
}
