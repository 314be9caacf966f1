//! `check`: run a stage's tests with cargo and sum up what failed, exercise by exercise.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

/// What one run of `cargo test -p stage-NN --no-fail-fast` said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Whether cargo exited 0: everything built and every test passed.
    pub success: bool,
    /// Whether the build failed (then no test of the failing target ran).
    pub build_failed: bool,
    pub passed: usize,
    pub failed: usize,
    /// The failing tests, each with the output cargo printed for it.
    pub failures: Vec<Failure>,
    /// The compiler's error lines (`error[E…]: …` and the `-->` line after each).
    pub build_errors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub test: String,
    pub output: String,
}

/// The cargo to run: the one that runs us (`cargo run` sets `CARGO`), or `cargo`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Run `cargo test -p <package> --no-fail-fast` in `root`, echoing its output unless `quiet`.
///
/// `MINITALK_SERVER` and `MINITALK_CLIENT` are removed: they would make the tests run
/// other programs than the learner's exercise.
pub fn run_tests(root: &Path, package: &str, quiet: bool) -> std::io::Result<Outcome> {
    let mut child = cargo()
        .args(["test", "-p", package, "--no-fail-fast", "--color", "never"])
        .current_dir(root)
        .env_remove("MINITALK_SERVER")
        .env_remove("MINITALK_CLIENT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = echo(child.stdout.take().expect("piped"), quiet, false);
    let stderr = echo(child.stderr.take().expect("piped"), quiet, true);
    let status = child.wait()?;
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(parse(status.success(), &stdout, &stderr))
}

/// Copy `pipe` to our stdout or stderr line by line (unless `quiet`), and keep it all.
fn echo(
    pipe: impl Read + Send + 'static,
    quiet: bool,
    to_stderr: bool,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut all = String::new();
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
            if !quiet {
                let _ = if to_stderr {
                    std::io::stderr().write_all(&line)
                } else {
                    std::io::stdout().write_all(&line)
                };
            }
            all.push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
        all
    })
}

/// Read cargo's and the test harness's output.
pub fn parse(success: bool, stdout: &str, stderr: &str) -> Outcome {
    let mut outcome = Outcome {
        success,
        ..Outcome::default()
    };
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            outcome.passed += count_before(rest, " passed");
            outcome.failed += count_before(rest, " failed");
        }
    }
    // Each failing test's output is a section `---- NAME stdout ----` up to the next
    // section or the closing `failures:` list.
    let mut current: Option<Failure> = None;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            outcome.failures.extend(current.take());
            current = Some(Failure {
                test: name.to_owned(),
                output: String::new(),
            });
        } else if line == "failures:" || line.starts_with("test result: ") {
            outcome.failures.extend(current.take());
        } else if let Some(failure) = current.as_mut() {
            failure.output.push_str(line);
            failure.output.push('\n');
        }
    }
    outcome.failures.extend(current);
    // A test that failed without a section of its own (a harness abort) still counts.
    for line in stdout.lines() {
        let name = line
            .strip_prefix("test ")
            .and_then(|l| l.strip_suffix(" ... FAILED"));
        if let Some(name) = name.filter(|n| !outcome.failures.iter().any(|f| f.test == *n)) {
            outcome.failures.push(Failure {
                test: name.to_owned(),
                output: String::new(),
            });
        }
    }
    let lines: Vec<&str> = stderr.lines().collect();
    for (k, line) in lines.iter().enumerate() {
        if line.starts_with("error: could not compile") {
            outcome.build_failed = true;
        }
        if line.starts_with("error[") || (line.starts_with("error: ") && !is_summary(line)) {
            let mut text = (*line).to_owned();
            if let Some(location) = lines
                .get(k + 1)
                .map(|l| l.trim())
                .filter(|l| l.starts_with("-->"))
            {
                text.push_str(&format!(" ({})", location.trim_start_matches("-->").trim()));
            }
            outcome.build_errors.push(text);
        }
    }
    outcome
}

/// Cargo's own closing lines, which are not compiler errors.
fn is_summary(line: &str) -> bool {
    line.starts_with("error: could not compile")
        || line.starts_with("error: test failed")
        || line.contains("target failed")
        || line.contains("targets failed")
        || line.starts_with("error: aborting")
}

/// The number just before `word` in `text`: `count_before("3 passed; 1 failed", " failed")`.
fn count_before(text: &str, word: &str) -> usize {
    let Some(end) = text.find(word) else { return 0 };
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().unwrap_or(0)
}

/// The exercises whose stub message (`exercise NAME:`) appears in `output`.
pub fn named_exercises<'a>(output: &str, names: &'a [String]) -> Vec<&'a str> {
    names
        .iter()
        .filter(|name| output.contains(&format!("exercise {name}:")))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDOUT: &str = "
running 2 tests
test ok_one ... ok
test broken ... FAILED

failures:

---- broken stdout ----

thread 'broken' panicked at tests/delivery.rs:9:5:
expected the server to print its PID on its first line, but it exited first
stderr so far: \"thread 'main' panicked: not yet implemented: exercise install: install the handler — book: Stage 01 § Installing\"

failures:
    broken

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s

running 1 test
test tests::unit ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn reads_counts_failures_and_their_output() {
        let outcome = parse(
            false,
            STDOUT,
            "error: test failed, to rerun pass `-p stage-01 --test delivery`\n",
        );
        assert_eq!((outcome.passed, outcome.failed), (2, 1));
        assert_eq!(outcome.failures.len(), 1);
        assert_eq!(outcome.failures[0].test, "broken");
        assert!(outcome.failures[0].output.contains("exercise install:"));
        assert!(!outcome.build_failed);
        assert!(
            outcome.build_errors.is_empty(),
            "{:?}",
            outcome.build_errors
        );
        let names = ["handler".to_owned(), "install".to_owned()];
        assert_eq!(
            named_exercises(&outcome.failures[0].output, &names),
            ["install"]
        );
    }

    #[test]
    fn reads_compiler_errors() {
        let stderr = "error[E0425]: cannot find value `x` in this scope\n  --> src/bin/server.rs:30:9\n   |\nerror: could not compile `stage-01` (bin \"stage01-server\") due to 1 previous error\n";
        let outcome = parse(false, "", stderr);
        assert!(outcome.build_failed);
        assert_eq!(
            outcome.build_errors,
            ["error[E0425]: cannot find value `x` in this scope (src/bin/server.rs:30:9)"]
        );
    }
}
