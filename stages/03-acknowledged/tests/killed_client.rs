//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! As in stage 02, the server keys its state by the sender's PID. With acknowledgements
//! there is one more thing that could go wrong: the server answers the dead client's last
//! bit to a client that no longer runs. Once the dead client has been reaped, `kill` fails
//! with ESRCH, and the server must shrug and go on. The test keeps it a zombie until the
//! end (a zombie still accepts signals, and ignores them), so the server never signals a
//! freed PID that another process might have been given meanwhile.
//!
//! The line below writes it; stages 03 and 04 share it, so it lives in the kit
//! (`crates/kit/src/specs/killed_client.rs`). To kill the client mid-byte for certain, the
//! test stops the server first: the client sends one bit and waits for its answer, which
//! a stopped server cannot give.

minitalk_kit::killed_client_tests!(acknowledged);
