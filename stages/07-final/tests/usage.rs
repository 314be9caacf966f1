//! The final client's command-line errors: one line on stderr, exit code 2, no signal
//! sent. The line below writes the cases every client since stage 01 refuses, and stage
//! 05's PID above pid_max, in a module `usage_errors` (`crates/kit/src/specs/usage.rs`);
//! the options of this client, and its `--help`, are tested in `cli.rs`.

minitalk_kit::client_usage_tests!(with_pid_max);
