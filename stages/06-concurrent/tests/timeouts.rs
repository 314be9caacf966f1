//! Nobody waits forever, even with a line of clients: a client whose server stops
//! answering or dies gives up with exit code 6 (the line below writes stage 05's two
//! tests); a client that goes silent during its turn loses it, the next one in line is
//! served, and the silent one is told (exit code 7). `crates/kit/src/specs/timeouts.rs`
//! explains each step.

minitalk_kit::client_timeout_tests!();

#[test]
fn a_client_silent_during_its_turn_loses_it_and_the_next_is_served() {
    minitalk_kit::specs::timeouts::a_client_silent_during_its_turn_loses_it_and_the_next_is_served(
        &minitalk_kit::programs!(),
        &[],
    );
}
