//! The test kit. A stage's test reads like what a user does:
//!
//! ```ignore
//! use workbook::kit::Server;
//!
//! let programs = workbook::programs!("stage01");
//! let mut server = Server::start(&programs);
//! programs.send(&server, "hello").success();
//! server.expect_message("hello\n");
//! ```
//!
//! Every wait has a deadline; every process the kit starts is killed and reaped when its
//! handle is dropped, including when the test panics.

pub mod affinity;
pub mod canary;
pub mod content;
pub mod crowd;
mod diff;
mod output;
pub mod preempt;
mod process;
pub mod procfs;
mod programs;
mod pty;
pub mod refusal;
pub mod sandbox;
mod server;
pub mod stray;
pub mod unordered;
pub mod usage;

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
/// between signals in tests (their `MINITALK_DELAY_US`): 25 times their default. Those
/// tests also use [`Programs::with_server_preempting_client`], which makes the pause
/// irrelevant where the machine allows real-time scheduling. Where it does not, this
/// pause is all that protects them, and it only lowers the odds: even a real-time server
/// on another CPU once missed a 2 ms pause in seven whole-suite runs on two loaded cores.
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
