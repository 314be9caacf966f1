//! Exercise mode: every stage becomes an exercise, generated from its tested reference.
//!
//! The lesson parts of a stage's source are marked once, in the reference, with
//! `// EXERCISE: name` … `// END EXERCISE` ([`markers`]); the stage's `exercise.toml` says
//! what each part asks for, which book section teaches it, and gives graded hints
//! ([`hints`]). `cargo run -p workbook -- start 01` replaces the marked parts with stubs
//! that compile and panic with a pointer to the book; `check` runs the stage's tests and
//! sums them up; `reset` shows the learner's changes, saves them under `.workbook/saved/`
//! and restores the reference ([`state`]). `tests/exercises.rs` proves in CI that every
//! exercise compiles and fails its stage's tests.

pub mod check;
pub mod commands;
pub mod diff;
pub mod hints;
pub mod markers;
pub mod stages;
pub mod state;

pub use commands::Workbook;
pub use stages::{Stage, Workspace};
