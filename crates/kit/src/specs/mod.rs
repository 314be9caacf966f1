//! Whole tests that several stages share. Each is a function of the [`Programs`](crate::Programs)
//! under test; a stage's `tests/` file calls it in one line, so the stage's `tests/`
//! directory reads as its specification and no stage copies another's test file.

pub mod answers;
pub mod command_line;
pub mod crowd;
pub mod stray;
pub mod usage;
