//! Only the server's answers move the client on: a signal from any other process is taken
//! and ignored, and an answer that comes before the client waits for it is kept. Stages
//! 03, 04 and 05 share this specification; it lives in the kit
//! (`crates/kit/src/specs/answers.rs`), which explains each step and why it holds; the
//! line below writes both tests.

minitalk_kit::answers_tests!();
