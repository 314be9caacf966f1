//! The minitalk workbook's learner tool, behind `cargo run -p workbook -- …`: it turns a
//! stage into an exercise, checks it, gives hints, restores the reference, and shows
//! what the next stage changes.
//!
//! - [`workspace`]: the workspace and its units (the stages, read through their
//!   `stage.toml` by `minitalk_manifest`);
//! - [`markers`] and [`parts`]: the `// EXERCISE:` regions of a stage and the stubs
//!   that replace them;
//! - [`testrun`] runs `cargo test` and reads what it says; [`report`] sums it up;
//! - [`state`] is what the tool remembers under `.workbook/`; [`git`] what git knows;
//!   [`unified`] makes diffs;
//! - [`commands`]: one file per command.
//!
//! The test kit every stage's tests use is the crate `minitalk-kit` (`crates/kit`); the
//! benchmark is `minitalk-bench` (`crates/bench`).

pub mod commands;
pub mod git;
pub mod markers;
pub mod parts;
pub mod report;
pub mod state;
pub mod testrun;
pub mod unified;
pub mod workspace;
