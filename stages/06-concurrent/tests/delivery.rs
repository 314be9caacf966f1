//! Stage 06's specification, the basics: every kind of content arrives exactly, and the
//! client confirms only what the server has verified and printed.
//!
//! The line below writes the framed stages' delivery tests (the PID line, ASCII, UTF-8,
//! bytes that are not UTF-8, the empty message, several clients in a row, the client's
//! confirmation: `crates/kit/src/specs/delivery.rs`); the tests after it add a longer
//! message, every byte value through stdin, and this stage's report on stderr.

use minitalk_kit::specs::delivery;

minitalk_kit::delivery_tests!(framed);

#[test]
fn a_longer_message_arrives_exactly() {
    delivery::a_longer_message_arrives_exactly(&minitalk_kit::programs!(), &[]);
}

#[test]
fn every_byte_value_arrives_exactly_through_stdin() {
    delivery::every_byte_value_arrives_exactly_through_stdin(&minitalk_kit::programs!(), &[]);
}

#[test]
fn the_server_reports_each_verified_message_on_stderr() {
    delivery::the_server_reports_each_message_on_stderr(
        &minitalk_kit::programs!(),
        "9 bytes from PID {pid}, checksum verified",
    );
}
