//! Stage 06's behaviour through the final programs: many clients at once (in both modes),
//! stray signals, a client killed mid-message; every message printed exactly once, whole.
//!
//! The line below writes stage 06's concurrency tests, with odd clients of a crowd in
//! payload mode and every wiped-out signal tried in both modes, plus the payload mode's
//! own: a chunk wiped out (`crates/kit/src/specs/concurrent.rs`).

minitalk_kit::concurrency_tests!(with_payload);

#[test]
fn the_server_blocks_both_signals_and_installs_no_handler() {
    minitalk_kit::specs::concurrent::the_server_blocks_both_signals_and_installs_no_handler(
        &minitalk_kit::programs!(),
    );
}
