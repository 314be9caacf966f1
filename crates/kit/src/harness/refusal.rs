//! What a client's refusal looks like: the exit code that names the reason, one line on
//! stderr that says it, and nothing on stdout.

use std::process::Output;

use super::programs::Programs;

/// Assert that `output` is a refusal with exit code `code` and exactly one line on stderr
/// saying `reason`, and nothing on stdout. `reason` is checked for the workbook's own
/// clients only: another implementation words its errors its own way, but it must exit
/// with the documented codes.
pub fn expect_refusal(programs: &Programs, output: &Output, code: i32, reason: &str) {
    expect_refusal_of(programs, "the client", output, code, reason);
}

/// [`expect_refusal`], with failures that name what was refused: `client` is `the client
/// given ["0", "hello"]`, say.
pub(crate) fn expect_refusal_of(
    programs: &Programs,
    client: &str,
    output: &Output,
    code: i32,
    reason: &str,
) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{client} should exit with code {code}, got {}; stderr: {stderr:?}",
        output.status
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "{client} should explain itself in exactly one line on stderr, got {stderr:?}"
    );
    // Another implementation words its errors its own way; ours must say why.
    assert!(
        programs.external_client() || stderr.contains(reason),
        "{client} should say {reason:?} on stderr, got {stderr:?}"
    );
    assert!(
        output.stdout.is_empty(),
        "{client} should print nothing on stdout, got {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}
