//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! Stage 01 kept one byte-in-progress for everybody: the dead client's stray bits became
//! the first bits of the next message. Stage 02 keys its state by the sender's PID.
//!
//! The line below writes the test (`crates/kit/src/specs/killed_client.rs`). To kill the
//! client *mid-byte* for certain, it stops the server first. While it is stopped, at most
//! one SIGUSR1 and one SIGUSR2 can be pending, so however far the client got, the server
//! will see at most two of its bits: never a whole byte.

minitalk_kit::killed_client_tests!(sleep_paced);
