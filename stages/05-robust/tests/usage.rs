//! Stage 05's command-line errors: one line on stderr, exit code 2, no signal sent.
//!
//! The line below writes the tests, in a module `usage_errors`: no arguments, only a PID,
//! too many arguments, a PID that is not a number (`abc`, `12abc`, the empty string),
//! PID 0, PID -1 and other negative PIDs; and, new in stage 05, a PID above pid_max and
//! `--help` documenting every exit code. The stages share these cases, so they live in
//! one place: the kit's `usage` module (`crates/kit/src/specs/usage.rs`), which says why each one
//! matters.
//!
//! Every case runs in a fresh PID namespace beside a canary process (see the kit's
//! `sandbox`), so a client that wrongly called `kill(0, …)` or `kill(-1, …)` would hit the
//! canary, not the test runner, and the test would say so.

minitalk_kit::client_usage_tests!(with_pid_max_and_help);
