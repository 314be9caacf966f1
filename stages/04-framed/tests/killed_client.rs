//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! As in stage 03, the server keys its state by the sender's PID: the dead client's
//! half-read header stays in its own entry, and the server's answer to its last bit is
//! lost. The line below writes stage 03's test, which this stage keeps
//! (`crates/kit/src/specs/killed_client.rs` explains each step).

minitalk_kit::killed_client_tests!(acknowledged);
