//! A process that signals the server once without being a client (a shell's
//! `kill -USR1 $SERVER`) gets no answer, which would kill it, and the next client is
//! served. Stages 03 and 05 share this specification; the line below writes it from the
//! kit (`crates/kit/src/specs/stray.rs`), which explains each step.

minitalk_kit::stray_sender_tests!();
