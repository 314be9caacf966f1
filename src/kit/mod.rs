//! The test kit. A stage's test reads like what a user does:
//!
//! ```ignore
//! use workbook::kit::Server;
//!
//! let programs = workbook::programs!("stage01");
//! let mut server = Server::start(&programs);
//! programs.send(&server, "hello").success();
//! server.expect_message("hello");
//! ```
//!
//! Every wait has a deadline; every process the kit starts is killed and reaped when its
//! handle is dropped, including when the test panics.

pub mod affinity;
mod diff;
mod output;
mod process;
pub mod procfs;
mod programs;
mod pty;
pub mod sandbox;
mod server;
pub mod unordered;

pub use diff::describe_mismatch;
pub use output::Captured;
pub use process::Process;
pub use programs::Programs;
pub use pty::PtyServer;
pub use server::Server;

use std::time::Duration;

/// How long a program may take to print its first line (the server's PID).
pub const STARTUP: Duration = Duration::from_secs(10);
/// How long a test waits for an expected message or exit before it fails. Generous on
/// purpose: a passing test never waits for it, only a failing one does.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The pause, in microseconds, that the sleep-paced clients of stages 01 and 02 make
/// between signals in tests (their `MINITALK_DELAY_US`): 25 times their default. With it,
/// those tests also run the server with [`Programs::with_realtime_server`]. Even a
/// real-time server missed a 2 ms pause once in seven whole-suite runs on two loaded
/// cores: sleep pacing only ever lowers the odds, which is stage 01's lesson.
pub const SLEEP_PACED_DELAY_US: &str = "5000";

/// The [`Programs`] of a stage: its own `<prefix>-server` and `<prefix>-client`, or the
/// executables named by `MINITALK_SERVER` and `MINITALK_CLIENT`.
///
/// Use it from a stage's integration tests, where Cargo sets `CARGO_BIN_EXE_<name>`:
/// `workbook::programs!("stage01")`.
#[macro_export]
macro_rules! programs {
    ($prefix:literal) => {
        $crate::kit::Programs::new(
            env!(concat!("CARGO_BIN_EXE_", $prefix, "-server")),
            env!(concat!("CARGO_BIN_EXE_", $prefix, "-client")),
        )
    };
}
