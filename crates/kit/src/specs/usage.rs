//! The command-line errors every client from stage 01 to stage 06 must refuse: one line
//! on stderr, exit code 2, and no signal sent.
//!
//! What a client may be given as a PID does not change from one stage to the next while
//! the protocol does, so the cases live here, once, with why each one matters. A stage's
//! `tests/usage.rs` is one line, [`client_usage_tests!`](crate::client_usage_tests), which
//! writes a `#[test]` calling each function below, in a module `usage_errors`: `cargo
//! test -p stage-01 --test usage` lists them as `usage_errors::dies_without_arguments` and
//! so on.
//!
//! A test with several cases runs every one of them and reports all that fail. Every
//! case goes through [`check_usage_error`](crate::harness::sandbox::check_usage_error):
//! the client runs in a fresh PID namespace beside a canary process (see
//! [`sandbox`](crate::harness::sandbox)), so a client that wrongly called `kill(0, …)` or
//! `kill(-1, …)` would hit the canary, not the test runner, and the test would say so.
//! For another implementation's client, exit code 2 and the one line on stderr are the
//! workbook's conventions: a departure is a note, not a failure.

use crate::Programs;
use crate::harness::sandbox::{CANARY, expect_usage_error, expect_usage_errors};

/// No arguments at all.
pub fn dies_without_arguments(programs: &Programs) {
    expect_usage_error(programs, &[], "usage:");
}

/// A PID and no message.
pub fn dies_with_only_a_pid(programs: &Programs) {
    expect_usage_error(programs, &[CANARY], "usage:");
}

/// A PID and two messages: aimed at a real process (the canary), and even so, nothing
/// may be sent.
pub fn dies_with_too_many_arguments(programs: &Programs) {
    expect_usage_error(programs, &[CANARY, "hello", "world"], "usage:");
}

/// `abc`, `12abc` and the empty string. C's `atoi("abc")` is 0: a client built on it
/// would signal its own process group.
pub fn dies_on_a_pid_that_is_not_a_number(programs: &Programs) {
    expect_usage_errors(
        programs,
        &[
            (&["abc", "hello"], "decimal digits"),
            (&["12abc", "hello"], "decimal digits"),
            (&["", "hello"], "empty"),
        ],
    );
}

/// PID 0: `kill(0, …)` signals every process in the sender's process group.
pub fn dies_on_pid_zero(programs: &Programs) {
    expect_usage_error(programs, &["0", "hello"], "process group");
}

/// PID -1: `kill(-1, …)` signals every process the sender may signal.
pub fn dies_on_pid_minus_one(programs: &Programs) {
    expect_usage_error(programs, &["-1", "hello"], "every process");
}

/// Other negative PIDs: `kill(-N, …)` signals every process in process group N.
pub fn dies_on_other_negative_pids(programs: &Programs) {
    expect_usage_errors(
        programs,
        &[
            (&["-2", "hello"], "process group 2"),
            (&["-4194304", "hello"], "process group"),
        ],
    );
}

/// From stage 05: a PID no process can have. pid_max can differ between PID namespaces
/// (the sandbox's is not ours), but never exceeds 4194304 (`PID_MAX_LIMIT` on 64-bit
/// Linux): one more is above it everywhere.
pub fn dies_on_a_pid_above_pid_max(programs: &Programs) {
    expect_usage_error(programs, &["4194305", "hello"], "pid_max");
}

/// From stage 05: `--help` starts with `usage: <client_name>`, names the timeout
/// variable, and documents every exit code from 0 to 7, each on a line of its own that
/// starts with the code. Skipped for another implementation's client: `--help` is the
/// stage's own.
pub fn help_documents_every_exit_code(programs: &Programs) {
    if programs.skip_unless_own_client("--help") {
        return;
    }
    let client_name = programs.client_name();
    let assert = programs.client(["--help"]).success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(text.starts_with(&format!("usage: {client_name}")), "{text}");
    assert!(text.contains("MINITALK_TIMEOUT_MS"), "{text}");
    for code in 0..=7 {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(&format!("{code}  "))),
            "exit code {code} is not documented:\n{text}"
        );
    }
}

/// Writes a stage's usage tests: a module `usage_errors` with one `#[test]` for each
/// function of [`specs::usage`](crate::specs::usage), run against the stage's own programs
/// (or yours, through `MINITALK_SERVER` and `MINITALK_CLIENT`).
///
/// - `client_usage_tests!()`, for stages 01 to 04: `dies_without_arguments`,
///   `dies_with_only_a_pid`, `dies_with_too_many_arguments`,
///   `dies_on_a_pid_that_is_not_a_number`, `dies_on_pid_zero`, `dies_on_pid_minus_one`,
///   `dies_on_other_negative_pids`.
/// - `client_usage_tests!(with_pid_max)`, for stage 07 (whose `--help` is its own): the
///   same, and `dies_on_a_pid_above_pid_max`.
/// - `client_usage_tests!(with_pid_max_and_help)`, for stages 05 and 06: the same, and
///   `help_documents_every_exit_code`.
#[macro_export]
macro_rules! client_usage_tests {
    () => {
        mod usage_errors {
            $crate::__client_usage_tests_of_every_stage!();
        }
    };
    (with_pid_max) => {
        mod usage_errors {
            $crate::__client_usage_tests_of_every_stage!();
            $crate::__spec_tests!(usage, $crate::programs!(); dies_on_a_pid_above_pid_max);
        }
    };
    (with_pid_max_and_help) => {
        mod usage_errors {
            $crate::__client_usage_tests_of_every_stage!();
            $crate::__spec_tests!(usage, $crate::programs!();
                dies_on_a_pid_above_pid_max,
                help_documents_every_exit_code,
            );
        }
    };
}

/// The part of [`client_usage_tests!`](crate::client_usage_tests) that every stage has.
#[doc(hidden)]
#[macro_export]
macro_rules! __client_usage_tests_of_every_stage {
    () => {
        $crate::__spec_tests!(usage, $crate::programs!();
            dies_without_arguments,
            dies_with_only_a_pid,
            dies_with_too_many_arguments,
            dies_on_a_pid_that_is_not_a_number,
            dies_on_pid_zero,
            dies_on_pid_minus_one,
            dies_on_other_negative_pids,
        );
    };
}
