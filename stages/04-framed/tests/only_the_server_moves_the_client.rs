//! Only the server's answers move the client on: a signal from any other process is taken
//! and ignored, and an answer that comes before the client waits for it is kept. Stages
//! 03, 04 and 05 share this specification; it lives in the kit
//! (`crates/kit/src/specs/answers.rs`), which explains each step and why it holds.

#[test]
fn a_stray_signal_does_not_move_the_client_on() {
    minitalk_kit::specs::answers::a_stray_signal_does_not_move_the_client_on(
        &minitalk_kit::programs!(),
        None,
    );
}

#[test]
fn an_answer_that_comes_before_the_wait_is_kept() {
    minitalk_kit::specs::answers::an_answer_that_comes_before_the_wait_is_kept(
        &minitalk_kit::programs!(),
        None,
    );
}
