//! Stage 01's specification: what a user sees when the server and client work.
//!
//! The line below writes the tests: the server prints its PID on its first line, in a
//! pipe and on a terminal; one message is printed exactly; so are the messages of several
//! clients in a row. Stages 01 and 02 share them, so they live in the kit
//! (`crates/kit/src/specs/delivery.rs`).
//!
//! They run the stage's programs scheduled so that the server handles each signal before
//! the client sends the next one (one CPU for both, the server real-time), which is what
//! the protocol silently assumes. These tests specify the protocol, not the scheduler's
//! luck; `sleep_pacing.rs` shows what happens when the server does not get to run.

minitalk_kit::delivery_tests!(sleep_paced);
