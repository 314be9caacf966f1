//! Every program of every stage answers `--help` and refuses what it does not take, before
//! it does anything: a mistyped option must not start a server (which would then wait
//! for clients nobody sends) or reach `kill(2)`.
//!
//! These run a stage's own binaries (`env!("CARGO_BIN_EXE_…")`), never yours: `--help`
//! and the wording of a usage error are the workbook's. So with yours named, they are
//! skipped rather than passed.

use std::process::Output;

use crate::{DEADLINE, Programs};

fn run(program: &str, args: &[&str]) -> Output {
    assert_cmd::Command::new(program)
        .args(args)
        .timeout(DEADLINE)
        .output()
        .unwrap_or_else(|error| panic!("run {program}: {error}"))
}

fn name(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// `program --help` and `program -h` print a text that starts with `usage: NAME` on
/// stdout, nothing on stderr, and exit 0.
pub fn answers_help(program: &str) {
    if Programs::skip_when_yours_are_named("--help") {
        return;
    }
    for flag in ["--help", "-h"] {
        let output = run(program, &[flag]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{} {flag} should exit 0: {output:?}",
            name(program)
        );
        assert!(
            stdout.starts_with(&format!("usage: {}", name(program))),
            "{} {flag} should start with its usage line:\n{stdout}",
            name(program)
        );
        assert!(
            output.stderr.is_empty(),
            "{} {flag}: {output:?}",
            name(program)
        );
    }
}

/// `program ARGS...` is a usage error: exit code 2, one line on stderr that ends with
/// the usage, nothing on stdout (a server has not printed its PID: it never started).
/// Only for arguments that are refused before anything could be signalled: a wrong
/// count, an unknown option.
pub fn refuses(program: &str, args: &[&str]) {
    if Programs::skip_when_yours_are_named("the usage errors of unknown options") {
        return;
    }
    let output = run(program, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{} {args:?} should be a usage error (exit code 2): {output:?}",
        name(program)
    );
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(
        stderr.contains(&format!("usage: {}", name(program))),
        "the line should end with the usage: {stderr:?}"
    );
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}
