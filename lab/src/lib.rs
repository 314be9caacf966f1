//! The signals lab: small programs, one experiment each (`src/bin/`), that show what
//! minitalk alone never shows. Each program asks a question the reader answers before
//! running it; its test in `tests/` asserts exactly what the kernel guarantees.
//!
//! What the programs share lives here, so that each program's source is about its idea:
//! a line written without allocating (for handlers), what `/proc` says about a process,
//! signal names, and the command line.

pub mod line;
pub mod names;
pub mod proc;

pub use line::Line;
pub use names::signal_name;

use minitalk_common::{ExitCode, fail};

/// This program's arguments after its name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// Leave with a usage error: one line on stderr, exit code 2.
pub fn usage(text: &str) -> ! {
    fail(ExitCode::Usage, format!("usage: {text}"))
}

/// Leave because a system call failed where the experiment cannot go on: one line on
/// stderr, exit code 1.
pub fn die(what: &str, error: impl std::fmt::Display) -> ! {
    fail(ExitCode::Failure, format!("{what}: {error}"))
}
