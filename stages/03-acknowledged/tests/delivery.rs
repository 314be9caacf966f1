//! Stage 03's specification: every bit is acknowledged, so messages of any length arrive
//! whole without any sleeping, and the client says so only once the server has printed.
//!
//! The line below writes the tests every acknowledged stage keeps: the PID line, one
//! message, several clients in a row, a 10 kB message (81 928 signals, each answered: a
//! sleep-paced client loses some of them on a busy machine, this one cannot), and the
//! client's confirmation (`crates/kit/src/specs/delivery.rs`). The test after it is this
//! stage's own idea: the client waits for each answer.

use std::time::{Duration, Instant};

use minitalk_kit::DEADLINE;

minitalk_kit::delivery_tests!(acknowledged);

#[test]
fn the_client_waits_for_an_answer_instead_of_sleeping() {
    // A stopped server answers nothing. However long it stays stopped, the client must
    // neither finish nor go on sending: one signal of it is pending, no more.
    let programs = minitalk_kit::programs!();
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    server.stop();
    let client = programs.spawn_client([pid.as_str(), "patience"]);
    let pending = server.wait_for_pending_from(&client, DEADLINE);
    let sends_on = |pending: u32| {
        format!(
            "{pending} signals were pending at the stopped server: the client sends its next \
             bit without waiting for the server's answer"
        )
    };
    assert_eq!(pending.len(), 1, "{}", sends_on(pending.len()));
    // Still one: the client is waiting, not sending. (Checked again, a few milliseconds
    // apart, after the client has had every chance to run on; the assertion holds at
    // any moment.)
    let until = Instant::now() + Duration::from_millis(200);
    while Instant::now() < until {
        assert!(
            client.try_status().is_none(),
            "the client exited while the server was stopped: it did not wait for the \
             server's answer"
        );
        let pending = server.pending_signals().len();
        assert_eq!(pending, 1, "{}", sends_on(pending));
        std::thread::sleep(Duration::from_millis(5));
    }
    server.resume();
    server.expect_exit_success(&client, "the client");
    server.expect_message("patience\n");
}
