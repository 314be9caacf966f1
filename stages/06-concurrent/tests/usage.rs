//! Stage 06's command-line errors: one line on stderr, exit code 2, no signal sent.
//!
//! Every case runs in a fresh PID namespace beside a canary process (see the kit's
//! `sandbox`), so a client that wrongly called `kill(0, …)` or `kill(-1, …)` would hit the
//! canary, not the test runner, and the test would say so.

use workbook::kit::Programs;
use workbook::kit::sandbox::{CANARY, expect_usage_error};

fn programs() -> Programs {
    workbook::programs!("stage06")
}

#[test]
fn dies_without_arguments() {
    expect_usage_error(&programs(), &[], "usage:");
}

#[test]
fn dies_with_only_a_pid() {
    expect_usage_error(&programs(), &[CANARY], "usage:");
}

#[test]
fn dies_with_too_many_arguments() {
    // Aimed at a real process: even so, nothing may be sent.
    expect_usage_error(&programs(), &[CANARY, "hello", "world"], "usage:");
}

#[test]
fn dies_on_a_pid_that_is_not_a_number() {
    // C's atoi("abc") is 0: a client built on it would signal its own process group.
    expect_usage_error(&programs(), &["abc", "hello"], "decimal digits");
    expect_usage_error(&programs(), &["12abc", "hello"], "decimal digits");
    expect_usage_error(&programs(), &["", "hello"], "empty");
}

#[test]
fn dies_on_pid_zero() {
    expect_usage_error(&programs(), &["0", "hello"], "process group");
}

#[test]
fn dies_on_pid_minus_one() {
    expect_usage_error(&programs(), &["-1", "hello"], "every process");
}

#[test]
fn dies_on_other_negative_pids() {
    expect_usage_error(&programs(), &["-2", "hello"], "process group 2");
    expect_usage_error(&programs(), &["-4194304", "hello"], "process group");
}

#[test]
fn dies_on_a_pid_above_pid_max() {
    // pid_max can differ between PID namespaces (the sandbox's is not ours), but never
    // exceeds 4194304 (PID_MAX_LIMIT on 64-bit Linux): one more is above it everywhere.
    expect_usage_error(&programs(), &["4194305", "hello"], "pid_max");
}

#[test]
fn help_documents_every_exit_code() {
    let programs = programs();
    if programs.external_client() {
        eprintln!("SKIPPED: --help is this stage's own");
        return;
    }
    let assert = programs.client(["--help"]).success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(text.starts_with("usage: stage06-client"), "{text}");
    assert!(text.contains("MINITALK_TIMEOUT_MS"), "{text}");
    for code in 0..=7 {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(&format!("{code}  "))),
            "exit code {code} is not documented:\n{text}"
        );
    }
}
