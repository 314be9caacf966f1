//! The minitalk workbook's learner tool, behind `cargo run -p workbook -- …`: it turns a
//! stage into an exercise, checks it, gives hints, and restores the reference
//! ([`exercise`]).
//!
//! The test kit every stage's tests use is the crate `minitalk-kit` (`crates/kit`); the
//! benchmark is `minitalk-bench` (`crates/bench`).

pub mod exercise;
