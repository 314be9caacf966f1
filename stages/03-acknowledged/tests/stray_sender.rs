//! A process that signals the server once without being a client (a shell's
//! `kill -USR1 $SERVER`) gets no answer, which would kill it, and the next client is
//! served. Stages 03 and 05 share this specification; it lives in the kit
//! (`crates/kit/src/specs/stray.rs`), which explains each step.

#[test]
fn a_sender_without_a_handler_gets_no_answer_and_survives() {
    minitalk_kit::specs::stray::a_sender_without_a_handler_gets_no_answer_and_survives(
        &minitalk_kit::programs!(),
    );
}
