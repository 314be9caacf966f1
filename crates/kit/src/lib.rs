//! The minitalk workbook's test kit. A stage's test reads like what a user does:
//!
//! ```ignore
//! let programs = minitalk_kit::programs!();
//! let mut server = programs.start_server();
//! programs.send(&server, "hello").success();
//! server.expect_message("hello\n");
//! ```
//!
//! Every wait has a deadline; every process the kit starts is killed and reaped when its
//! handle is dropped, including when the test panics. The same tests run against other
//! programs (a C minitalk too) when `MINITALK_SERVER` and `MINITALK_CLIENT` name them.
//!
//! Two layers, and imports only go down:
//!
//! - [`harness`]: running and observing programs: processes and their output, `/proc`,
//!   the server under test, the sandbox for bad PIDs, pseudo-terminals, scheduling.
//! - [`specs`]: whole tests that several stages share (delivery, usage errors, a killed
//!   client, timeouts, concurrency, …), each a function of [`Programs`] that a stage
//!   calls in one line, or writes with its group's macro (`delivery_tests!(framed)`).
//!
//! [`deadlines`] holds the durations both use.

pub mod deadlines;
pub mod harness;
pub mod specs;

pub use deadlines::{DEADLINE, SLEEP_PACED_DELAY_US, STARTUP};
pub use harness::diff::describe_mismatch;
pub use harness::output::Captured;
pub use harness::process::Process;
pub use harness::programs::{Programs, binary_path};
pub use harness::pty::PtyServer;
pub use harness::server::Server;
pub use harness::shell::Shell;
// The harness modules that stages' tests use by name.
pub use harness::report::{note, skip};
pub use harness::{
    affinity, canary, content, crowd, preempt, procfs, refusal, run, sandbox, stranger, unordered,
};

/// The [`Programs`] of the stage whose tests call it: the server and client that its
/// `stage.toml` names (`[programs]`), or the executables named by `MINITALK_SERVER` and
/// `MINITALK_CLIENT`.
#[macro_export]
macro_rules! programs {
    () => {
        $crate::Programs::of_stage(env!("CARGO_MANIFEST_DIR"))
    };
}
