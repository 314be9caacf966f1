//! Plumbing that every stage's programs share, so that each stage's own source can be
//! about its one new idea: reading the command line, refusing PIDs that `kill(2)` would
//! treat as something other than "one process", and leaving with a documented exit code.
//!
//! Nothing in here sends signals; the lessons live in the stages. (`target` asks the
//! kernel, with `kill(pid, 0)`, whether a signal *could* be sent.)
//!
//! The tools (the kit, the benchmark, the tracer) share three more pieces: how a server's
//! PID line is read (`pid_line`), whether a PID descends from a process they started
//! (`lineage`), and how they schedule the programs they start (`sched`).

pub mod args;
pub mod cli;
pub mod env;
pub mod exit;
pub mod lineage;
pub mod pid;
pub mod pid_line;
pub mod raw;
pub mod sched;
pub mod target;

pub use args::ClientArgs;
pub use cli::Help;
pub use exit::{ExitCode, fail};
pub use pid::{PidError, parse_pid};
pub use target::TargetError;
