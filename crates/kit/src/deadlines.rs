//! How long the kit waits. Every wait has a deadline; a passing test never reaches one.

use std::time::Duration;

/// How long a program may take to print its first line (the server's PID).
pub const STARTUP: Duration = Duration::from_secs(10);

/// How long a test waits for an expected message or exit before it fails. Generous on
/// purpose: a passing test never waits for it, only a failing one does.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The pause, in microseconds, that the sleep-paced clients of stages 01 and 02 make
/// between signals in tests (their `MINITALK_DELAY_US`): 25 times their default. Those
/// tests also use [`Programs::with_server_preempting_client`](crate::Programs::with_server_preempting_client),
/// which makes the pause irrelevant where the machine allows real-time scheduling. Where
/// it does not, this pause is all that protects them, and it only lowers the odds: even
/// a real-time server on another CPU once missed a 2 ms pause in seven whole-suite runs
/// on two loaded cores.
pub const SLEEP_PACED_DELAY_US: &str = "5000";
