//! Settings read from the environment, with the same error handling everywhere.

use std::time::Duration;

use crate::exit::{ExitCode, fail};

/// A duration in microseconds from environment variable `key`, or `default` when unset.
/// A value that is not a whole number is a usage error (exit code 2), not silently ignored.
pub fn micros(key: &str, default: Duration) -> Duration {
    match std::env::var(key) {
        Err(std::env::VarError::NotPresent) => default,
        Ok(text) => match text.parse::<u64>() {
            Ok(us) => Duration::from_micros(us),
            Err(_) => fail(
                ExitCode::Usage,
                format!("{key} must be a whole number of microseconds, not {text:?}"),
            ),
        },
        Err(_) => fail(ExitCode::Usage, format!("{key} is not valid UTF-8")),
    }
}
