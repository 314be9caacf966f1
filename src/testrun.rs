//! One run of `cargo test -p PACKAGE --no-fail-fast`, read as it goes.
//!
//! Cargo is asked for JSON messages (`--message-format json`, read by the
//! `cargo_metadata` crate): the compiler's errors and warnings come with their files and
//! lines. The test programs' own output is libtest's text, which has no stable
//! machine-readable form; it is read line by line (`test NAME ... ok`, the
//! `---- NAME stdout ----` sections, `test result:`). Everything cargo says goes to a log
//! file, and to the terminal too when asked.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use cargo_metadata::Message;
use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel};

use crate::workspace::Unit;

/// What one run said.
#[derive(Clone, Debug, Default)]
pub struct TestRun {
    /// Whether cargo exited 0: everything built and every test passed.
    pub success: bool,
    /// Whether every test program was built.
    pub built: bool,
    /// The compiler's errors (anywhere) and warnings (in the unit's own files).
    pub notes: Vec<Note>,
    /// Every test that ran, in the order they finished.
    pub tests: Vec<TestCase>,
    /// Lines cargo printed on stderr that are errors of its own (a test program that
    /// crashed, for instance).
    pub cargo_errors: Vec<String>,
}

/// A compiler message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub error: bool,
    /// `stages/03-acknowledged/src/wait.rs:35:20`, or nothing when it has no place.
    pub place: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// `--test delivery`, `--lib`, `--doc`: what selects its program, when known.
    pub target: Option<String>,
    pub name: String,
    pub outcome: Outcome,
    /// What the test printed (its `---- NAME stdout ----` section), for a failure.
    pub output: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
}

impl TestRun {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.tests.iter().filter(|t| t.outcome == outcome).count()
    }

    pub fn failures(&self) -> impl Iterator<Item = &TestCase> {
        self.tests.iter().filter(|t| t.outcome == Outcome::Failed)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(|n| n.error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(|n| !n.error)
    }
}

/// The cargo to run: the one that runs us (`cargo run` sets `CARGO`), or `cargo`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Run the unit's tests in `root`, writing all of cargo's output to `log` (and to the
/// terminal when `echo`).
///
/// `MINITALK_SERVER` and `MINITALK_CLIENT` are removed: they would make the tests run
/// other programs than the learner's. Backtraces are turned off: a learner's stub panics
/// on purpose, and twenty lines of frames per panic bury the one line that matters.
pub fn run(root: &Path, unit: &Unit, log: &Path, echo: bool) -> io::Result<TestRun> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir)?;
    }
    let log = Arc::new(Mutex::new(File::create(log)?));
    let mut child = cargo()
        .args(["test", "-p", &unit.package, "--no-fail-fast"])
        .args(["--color", "never", "--message-format", "json"])
        .current_dir(root)
        .env_remove("MINITALK_SERVER")
        .env_remove("MINITALK_CLIENT")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().expect("piped");
    let stderr_log = Arc::clone(&log);
    let stderr = thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            tee(&stderr_log, &line, echo, true);
            lines.push(line);
        }
        lines
    });
    let mut reader = Reader::new(unit);
    for line in BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(Result::ok)
    {
        match Message::parse_stream(line.as_bytes()).next() {
            Some(Ok(Message::CompilerMessage(message))) => {
                let text = message.message.rendered.clone().unwrap_or_default();
                tee(&log, text.trim_end(), echo, true);
                reader.compiler_message(&message.message);
            }
            Some(Ok(Message::BuildFinished(finished))) => reader.run.built = finished.success,
            Some(Ok(Message::TextLine(text))) => {
                tee(&log, &text, echo, false);
                reader.test_line(&text);
            }
            _ => {}
        }
    }
    let status = child.wait()?;
    let stderr = stderr.join().unwrap_or_default();
    Ok(reader.finish(status.success(), &stderr))
}

/// Write `line` to the log, and to the terminal when `echo`.
fn tee(log: &Mutex<File>, line: &str, echo: bool, to_stderr: bool) {
    if let Ok(mut file) = log.lock() {
        let _ = writeln!(file, "{line}");
    }
    if echo {
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

/// Reads the stream, line by line.
struct Reader {
    run: TestRun,
    /// The unit's directory relative to the workspace, where its own warnings are.
    rel_dir: String,
    /// How many test programs have started (`running N tests`).
    programs: usize,
    /// Which program each finished test came from.
    program_of: Vec<usize>,
    /// The failure section being read.
    section: Option<(String, String)>,
}

impl Reader {
    fn new(unit: &Unit) -> Reader {
        Reader {
            run: TestRun::default(),
            rel_dir: format!("{}/", unit.rel_dir),
            programs: 0,
            program_of: Vec::new(),
            section: None,
        }
    }

    fn compiler_message(&mut self, diagnostic: &Diagnostic) {
        let error = matches!(
            diagnostic.level,
            DiagnosticLevel::Error | DiagnosticLevel::Ice
        );
        let warning = matches!(diagnostic.level, DiagnosticLevel::Warning);
        let span = diagnostic.spans.iter().find(|s| s.is_primary);
        let place = span.map_or_else(String::new, |s| {
            format!("{}:{}:{}", s.file_name, s.line_start, s.column_start)
        });
        let ours = span.is_some_and(|s| s.file_name.starts_with(&self.rel_dir));
        // Cargo's own summaries ("2 warnings emitted") have no place; skip them.
        if !(error || (warning && ours)) || (warning && place.is_empty()) {
            return;
        }
        let note = Note {
            error,
            place,
            message: diagnostic.message.clone(),
        };
        // The same file compiled for two targets (the library and its tests) warns twice.
        if !self.run.notes.contains(&note) {
            self.run.notes.push(note);
        }
    }

    fn test_line(&mut self, line: &str) {
        if line.starts_with("running ") && (line.ends_with(" tests") || line.ends_with(" test")) {
            self.end_section();
            self.programs += 1;
        } else if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            self.end_section();
            self.section = Some((name.to_owned(), String::new()));
        } else if line == "failures:" || line.starts_with("test result: ") {
            self.end_section();
        } else if let Some((_, output)) = self.section.as_mut() {
            output.push_str(line);
            output.push('\n');
        } else if let Some((name, outcome)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.rsplit_once(" ... "))
        {
            let outcome = match outcome {
                "ok" => Outcome::Passed,
                "FAILED" => Outcome::Failed,
                o if o.starts_with("ignored") => Outcome::Ignored,
                _ => return,
            };
            self.run.tests.push(TestCase {
                target: None,
                name: name.to_owned(),
                outcome,
                output: String::new(),
            });
            self.program_of.push(self.programs);
        }
    }

    fn end_section(&mut self) {
        if let Some((name, output)) = self.section.take() {
            let program = self.programs;
            let found = self
                .run
                .tests
                .iter_mut()
                .zip(&self.program_of)
                .rev()
                .find(|(t, p)| t.name == name && **p == program);
            if let Some((test, _)) = found {
                test.output = output;
            }
        }
    }

    fn finish(mut self, success: bool, stderr: &[String]) -> TestRun {
        self.end_section();
        // Cargo announces each program on stderr, in the order they run:
        // `Running tests/delivery.rs (…)`, `Running unittests src/lib.rs (…)`, `Doc-tests x`.
        let targets: Vec<Option<String>> = stderr
            .iter()
            .map(|l| l.trim())
            .filter(|l| l.starts_with("Running ") || l.starts_with("Doc-tests "))
            .map(target_of)
            .collect();
        if targets.len() == self.programs {
            for (test, program) in self.run.tests.iter_mut().zip(&self.program_of) {
                test.target = program.checked_sub(1).and_then(|p| targets[p].clone());
            }
        }
        self.run.cargo_errors = stderr
            .iter()
            .filter(|l| l.starts_with("error") || l.contains("process didn't exit successfully"))
            .filter(|l| !l.starts_with("error: test failed") && !l.contains("target failed"))
            .filter(|l| !l.contains("targets failed") && !l.starts_with("error: could not compile"))
            .cloned()
            .collect();
        self.run.success = success;
        self.run
    }
}

/// The cargo arguments that select the program a `Running …` line announces.
fn target_of(line: &str) -> Option<String> {
    if line.starts_with("Doc-tests ") {
        return Some("--doc".into());
    }
    let file = line
        .strip_prefix("Running ")?
        .trim_start_matches("unittests ")
        .split(" (")
        .next()?;
    if file == "src/lib.rs" {
        return Some("--lib".into());
    }
    let test = file.strip_prefix("tests/")?.strip_suffix(".rs")?;
    Some(format!("--test {test}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> Unit {
        Unit {
            id: "01".into(),
            package: "stage-01".into(),
            dir: "/w/stages/01-naive".into(),
            rel_dir: "stages/01-naive".into(),
            key: "01-naive".into(),
            manifest: minitalk_manifest::Manifest::parse(
                "number = 1\ntitle = 't'\nidea = 'i'\nchapter = 'c'\n[programs]\n",
            )
            .unwrap(),
        }
    }

    const STDOUT: &str = "
running 1 test
test tests::unit ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 3 tests
test ok_one ... ok
test skipped ... ignored, needs a terminal
test broken ... FAILED

failures:

---- broken stdout ----

thread 'broken' panicked at tests/delivery.rs:9:5:
not yet implemented: exercise install: install the handler

failures:
    broken

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.10s
";

    const STDERR: &str = "     Running unittests src/lib.rs (target/debug/deps/stage_01-1)
     Running tests/delivery.rs (target/debug/deps/delivery-2)
error: test failed, to rerun pass `-p stage-01 --test delivery`
error: 1 target failed:";

    #[test]
    fn reads_outcomes_outputs_and_programs() {
        let mut reader = Reader::new(&unit());
        for line in STDOUT.lines() {
            reader.test_line(line);
        }
        let stderr: Vec<String> = STDERR.lines().map(str::to_owned).collect();
        let run = reader.finish(false, &stderr);
        assert_eq!(
            (
                run.count(Outcome::Passed),
                run.count(Outcome::Failed),
                run.count(Outcome::Ignored)
            ),
            (2, 1, 1)
        );
        let broken = run.failures().next().unwrap();
        assert_eq!(broken.name, "broken");
        assert_eq!(broken.target.as_deref(), Some("--test delivery"));
        assert!(
            broken.output.contains("exercise install:"),
            "{}",
            broken.output
        );
        assert_eq!(run.tests[0].target.as_deref(), Some("--lib"));
        assert!(run.cargo_errors.is_empty(), "{:?}", run.cargo_errors);
    }
}
