//! Every kind of content arrives byte-exact, in both modes: ASCII, UTF-8, bytes that are
//! not UTF-8, every byte value, the empty message, newlines inside a message. The client
//! confirms once. Each test calls the kit's delivery spec
//! (`crates/kit/src/specs/delivery.rs`) with the client's options for the mode.

use minitalk_kit::specs::delivery;

const CLASSIC: &[&str] = &[];
const PAYLOAD: &[&str] = &["--payload"];

#[test]
fn classic_mode_carries_every_kind_of_content() {
    delivery::every_kind_of_content_arrives_exactly(&minitalk_kit::programs!(), CLASSIC);
}

#[test]
fn payload_mode_carries_every_kind_of_content() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own_client("the payload mode") {
        return;
    }
    delivery::every_kind_of_content_arrives_exactly(&programs, PAYLOAD);
}

#[test]
fn both_modes_carry_a_longer_text() {
    for options in [CLASSIC, PAYLOAD] {
        delivery::a_longer_message_arrives_exactly(&minitalk_kit::programs!(), options);
    }
}

#[test]
fn every_byte_value_arrives_through_stdin_in_both_modes() {
    for options in [CLASSIC, PAYLOAD] {
        delivery::every_byte_value_arrives_exactly_through_stdin(
            &minitalk_kit::programs!(),
            options,
        );
    }
}

#[test]
fn the_client_confirms_once_and_exits_0() {
    delivery::the_client_confirms_once_and_exits_0(&minitalk_kit::programs!());
}
