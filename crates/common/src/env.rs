//! Settings read from the environment, with the same error handling everywhere.

use std::time::Duration;

use crate::exit::{ExitCode, fail};

/// A duration in microseconds from environment variable `key`, or `default` when unset.
/// A value that is not a whole number is a usage error (exit code 2), not silently ignored.
pub fn micros(key: &str, default: Duration) -> Duration {
    whole_number(key, "microseconds").map_or(default, Duration::from_micros)
}

/// A duration in milliseconds from environment variable `key`, or `default` when unset
/// (timeouts: `MINITALK_TIMEOUT_MS`). Same error handling as [`micros`]; 0 is refused,
/// because a timeout of nothing would fail every wait.
pub fn millis(key: &str, default: Duration) -> Duration {
    match whole_number(key, "milliseconds") {
        None => default,
        Some(0) => fail(ExitCode::Usage, format!("{key} must be at least 1")),
        Some(ms) => Duration::from_millis(ms),
    }
}

fn whole_number(key: &str, unit: &str) -> Option<u64> {
    match std::env::var(key) {
        Err(std::env::VarError::NotPresent) => None,
        Ok(text) => match text.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => fail(
                ExitCode::Usage,
                format!("{key} must be a whole number of {unit}, not {text:?}"),
            ),
        },
        Err(_) => fail(ExitCode::Usage, format!("{key} is not valid UTF-8")),
    }
}
