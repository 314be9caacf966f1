//! A 1 MB message of every byte value arrives byte-exact, and the server's memory grows
//! by about the message, not by a multiple of it.
//!
//! At one acknowledged bit per signal, a megabyte is 8 388 640 round trips. The test
//! (`crates/kit/src/specs/megabyte.rs`) pins both programs to one CPU, where a wake-up is
//! a plain context switch, and sends a short message first, so that a stage that
//! delivers nothing fails in seconds. It takes one to two minutes; the deadline is
//! generous for a machine with every core busy.

use std::time::Duration;

#[test]
fn a_1_mb_message_arrives_byte_exact() {
    minitalk_kit::specs::megabyte::a_1_mb_message_arrives_byte_exact(
        &minitalk_kit::programs!(),
        &[],
        Duration::from_secs(600),
    );
}
