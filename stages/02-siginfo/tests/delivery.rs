//! Stage 02's specification: messages arrive whole, and the server knows who sent them.
//!
//! The line below writes stage 01's delivery tests, which stage 02 keeps (the PID line,
//! in a pipe and on a terminal; one message; several clients in a row), run with the
//! same scheduling: the pacing is still by sleeping (see `crates/kit/src/specs/delivery.rs`).

minitalk_kit::delivery_tests!(sleep_paced);

#[test]
fn server_reports_the_pid_of_each_sender() {
    minitalk_kit::specs::delivery::the_server_reports_each_message_on_stderr(
        &minitalk_kit::programs!().sleep_paced(),
        "9 bytes from PID {pid}",
    );
}
