//! What a client's refusal looks like: the exit code that names the reason, one line on
//! stderr that says it, and nothing on stdout.
//!
//! Those are the workbook's conventions. Another implementation (`MINITALK_CLIENT`) need
//! not follow them: for it, a refusal must exit with a failure status, and any other
//! departure is a note (see [`report`](super::report)), not a failure.

use std::process::Output;

use super::programs::Programs;
use super::report;

/// Assert that `output` is a refusal with exit code `code` and exactly one line on stderr
/// saying `reason`, and nothing on stdout. `reason` is checked for the workbook's own
/// clients only: another implementation words its errors its own way. For it, only a
/// failure status is required, and the rest is noted.
pub fn expect_refusal(programs: &Programs, output: &Output, code: i32, reason: &str) {
    if let Err(problem) = check_refusal_of(programs, "the client", output, code, reason) {
        panic!("{problem}");
    }
}

/// [`expect_refusal`] as a result, with failures that name what was refused: `client` is
/// `the client given ["0", "hello"]`, say.
pub(crate) fn check_refusal_of(
    programs: &Programs,
    client: &str,
    output: &Output,
    code: i32,
    reason: &str,
) -> Result<(), String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if programs.external_client() {
        if output.status.success() {
            return Err(format!(
                "{client} exited 0: it should have refused (the workbook's clients exit {code})"
            ));
        }
        if let Some(convention) = departs_from_refusal(output, code) {
            report::note(format!("{client}: {convention}"));
        }
        return Ok(());
    }
    if output.status.code() != Some(code) {
        return Err(format!(
            "{client} should exit with code {code}, got {}; stderr: {stderr:?}",
            output.status
        ));
    }
    if stderr.lines().count() != 1 {
        return Err(format!(
            "{client} should explain itself in exactly one line on stderr, got {stderr:?}"
        ));
    }
    if !stderr.contains(reason) {
        return Err(format!(
            "{client} should say {reason:?} on stderr, got {stderr:?}"
        ));
    }
    if !output.stdout.is_empty() {
        return Err(format!(
            "{client} should print nothing on stdout, got {:?}",
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    Ok(())
}

/// How `output` departs from the workbook's way of refusing with `code` (exit code,
/// one line on stderr, nothing on stdout), in words, or `None`.
pub(crate) fn departs_from_refusal(output: &Output, code: i32) -> Option<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut departures = Vec::new();
    if output.status.code() != Some(code) {
        // "exits with code 1", not Rust's "exits exit status: 1".
        let how = output.status.code().map_or_else(
            || format!("ends ({})", output.status),
            |c| format!("exits with code {c}"),
        );
        departures.push(format!("{how} where the workbook's clients exit {code}"));
    }
    if !output.stdout.is_empty() && stderr.is_empty() {
        departures.push("explains itself on stdout, not stderr".to_owned());
    } else if stderr.lines().count() != 1 {
        departures.push(format!(
            "prints {} lines on stderr, not one",
            stderr.lines().count()
        ));
    }
    (!departures.is_empty()).then(|| departures.join("; "))
}
