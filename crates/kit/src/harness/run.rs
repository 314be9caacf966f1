//! A program run to its end, with the kit's deadline: for programs that do their whole
//! job and exit, such as the lab's experiments.

use std::ffi::OsStr;
use std::process::{Command, Output};

use crate::deadlines::DEADLINE;

/// Run `program ARGS…` (stdin empty) until it exits, at most [`DEADLINE`]; what it did.
pub fn output<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> Output {
    let mut command = Command::new(program.as_ref());
    command.args(args);
    assert_cmd::Command::from_std(command)
        .timeout(DEADLINE)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", program.as_ref()))
}

/// Run `program ARGS…` to its end and return its stdout; fails, with its exit status,
/// stdout and stderr (a panic's message, say), unless it exited 0.
pub fn stdout<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> String {
    let output = output(&program, args);
    assert!(
        output.status.success(),
        "{:?} {:?} ended with {}\nstdout: {}\nstderr: {}",
        program.as_ref(),
        args.iter().map(|a| a.as_ref()).collect::<Vec<_>>(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_stdout_and_fails_with_stderr() {
        assert_eq!(stdout("echo", &["hi"]), "hi\n");
        let failure = std::panic::catch_unwind(|| stdout("sh", &["-c", "echo oops >&2; exit 3"]))
            .expect_err("exit code 3");
        let message = failure
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(
            message.contains("oops") && message.contains('3'),
            "{message}"
        );
        assert_eq!(output("sh", &["-c", "exit 4"]).status.code(), Some(4));
    }
}
