//! The server must not trust a header: a length above its limit is refused before
//! anything is allocated, the sender is told (SIGUSR2 before its last bit), and the server
//! goes on serving; a client whose message is refused says so with exit code 7.
//!
//! The line below writes both tests with this stage's forge, which sends a header of
//! 4 294 967 295 bytes (`crates/kit/src/specs/refused.rs`).

minitalk_kit::refused_tests!("stage04-forge");
