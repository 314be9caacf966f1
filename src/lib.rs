//! The minitalk workbook's own machinery.
//!
//! [`kit`] is the test kit every stage's `tests/` use: it starts a server, reads the PID
//! it prints, runs clients, waits (with a deadline, never a fixed sleep) for the server
//! to print a message, shows a readable diff when the bytes differ, and kills and reaps
//! every process it started when a test ends or panics. The same tests run against
//! other programs (a C minitalk too) when `MINITALK_SERVER` and `MINITALK_CLIENT` name them.
//!
//! [`exercise`] is the learner tooling behind `cargo run -p workbook -- …`: it turns a
//! stage into an exercise, checks it, gives hints, and restores the reference.

pub mod exercise;
pub mod kit;
