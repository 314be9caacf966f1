//! No handler: the server blocks SIGUSR1 and SIGUSR2 for good and reads them from a
//! `signalfd`. `/proc/PID/status` shows it: both blocked (`SigBlk`), neither caught
//! (`SigCgt`), at rest and in the middle of a transfer. Stage 07 keeps this test
//! (`crates/kit/src/specs/concurrent.rs`).

#[test]
fn the_server_blocks_both_signals_and_installs_no_handler() {
    minitalk_kit::specs::concurrent::the_server_blocks_both_signals_and_installs_no_handler(
        &minitalk_kit::programs!(),
    );
}
