//! The learner tool, through its real binary, on copies of the workspace: every command,
//! and each defect a learner met (the tests say which).
//!
//! Each test makes its own copy under `target/tmp/workbook-cli/<test>/` (every stage,
//! the crates, and the toy stages of [`toy`]), with a target directory of its own.

mod toy;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use workbook::parts::SCAFFOLD_LINE;
use workbook::workspace::read_tree;

fn base() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workbook-cli")
}

/// A fresh copy of the workspace for the test `name`.
fn copy(name: &str) -> PathBuf {
    let real = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = base().join(name);
    let _ = fs::remove_dir_all(&copy);
    for dir in ["crates", "stages"] {
        for (path, text) in read_tree(&real.join(dir)).unwrap() {
            let target = copy.join(dir).join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, text).unwrap();
        }
    }
    // The workspace without the tool's own package: the copy holds stages and crates.
    let mut manifest: toml::Table =
        toml::from_str(&fs::read_to_string(real.join("Cargo.toml")).unwrap()).unwrap();
    for key in ["package", "dependencies", "dev-dependencies"] {
        manifest.remove(key);
    }
    manifest["workspace"]["members"] =
        toml::Value::Array(vec!["crates/*".into(), "stages/*".into()]);
    fs::write(copy.join("Cargo.toml"), toml::to_string(&manifest).unwrap()).unwrap();
    fs::copy(real.join("Cargo.lock"), copy.join("Cargo.lock")).unwrap();
    toy::write(&copy, 90);
    toy::write(&copy, 91);
    copy
}

/// The copy's target directory: one per test, since the copies' toy stages are the same
/// packages to cargo and one shared directory would let a test run another's build; kept
/// from one run to the next, beside the copies.
fn target(copy: &Path) -> PathBuf {
    base().join("targets").join(copy.file_name().unwrap())
}

fn command(copy: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workbook"));
    command
        .arg("--root")
        .arg(copy)
        .args(args)
        .env("CARGO_TARGET_DIR", target(copy))
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .stdin(Stdio::null());
    command
}

fn run(copy: &Path, args: &[&str]) -> Output {
    command(copy, args).output().unwrap()
}

/// stdout and stderr together.
fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Run and expect exit code `code`; what it said.
fn expect(copy: &Path, args: &[&str], code: i32) -> String {
    let output = run(copy, args);
    let text = said(&output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "workbook {args:?}:\n{text}"
    );
    text
}

fn read(copy: &Path, path: &str) -> String {
    fs::read_to_string(copy.join(path)).unwrap()
}

fn write(copy: &Path, path: &str, text: &str) {
    fs::write(copy.join(path), text).unwrap();
}

const TOY_LIB: &str = "stages/90-toy/src/lib.rs";

/// The toy's library with the body of `double` (between its braces) replaced.
fn toy_with_double(body: &str) -> String {
    toy::LIB.replace("    n * 2\n", &format!("    {body}\n"))
}

// ------------------------------------------------------------------ the command line

#[test]
fn help_lists_every_command_and_each_command_has_its_own() {
    let copy = copy("help");
    let help = expect(&copy, &["help"], 0);
    for command in [
        "list", "start", "check", "watch", "hint", "solution", "reset", "restore", "diff",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "help does not list {command}:\n{help}"
        );
    }
    let start = expect(&copy, &["start", "--help"], 0);
    assert!(
        start.contains("--force") && start.contains("<STAGE>"),
        "{start}"
    );
}

#[test]
fn a_command_without_its_stage_is_a_usage_error_that_names_it() {
    let copy = copy("missing_stage");
    for command in [
        "check", "hint", "start", "solution", "reset", "watch", "restore",
    ] {
        let output = run(&copy, &[command]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("required") && stderr.contains("<STAGE>"),
            "{command} without a stage should say a stage is needed:\n{stderr}"
        );
    }
    let stderr = String::from_utf8_lossy(&run(&copy, &["diff", "06"]).stderr).into_owned();
    assert!(stderr.contains("<TO>"), "{stderr}");
}

#[test]
fn a_stage_is_named_exactly_or_not_at_all() {
    let copy = copy("stage_names");
    let before = read_tree(&copy.join("stages/04-framed")).unwrap();
    let refused = expect(&copy, &["start", "stage-04x"], 1);
    assert!(refused.contains("no stage \"stage-04x\""), "{refused}");
    assert_eq!(read_tree(&copy.join("stages/04-framed")).unwrap(), before);
    for name in ["4", "04", "stage-04", "04-framed", "stages/04-framed/"] {
        let hint = expect(&copy, &["hint", name, "header"], 0);
        assert!(hint.contains("part header"), "{name}: {hint}");
    }
}

// ------------------------------------------------------------------ start

#[test]
fn start_gives_the_lines_of_the_stubbed_files_and_warns_where_the_answer_is() {
    let copy = copy("start_lines");
    for stage in ["01", "03", "04"] {
        let said = expect(&copy, &["start", stage], 0);
        let places: Vec<(String, usize)> = said
            .lines()
            .filter_map(|l| l.trim().strip_prefix("in "))
            .filter_map(|place| {
                let (file, line) = place.rsplit_once(", line ")?;
                Some((file.to_owned(), line.parse().ok()?))
            })
            .collect();
        assert!(!places.is_empty(), "{said}");
        for (file, line) in places {
            let text = read(&copy, &file);
            let at = text.lines().nth(line - 1).unwrap_or("");
            assert!(
                at.trim_start().starts_with("// EXERCISE:"),
                "stage {stage}: `start` says {file}, line {line}, which is {at:?}"
            );
        }
        assert!(
            said.contains("git diff -- stages/") && said.contains(".workbook/reference/"),
            "start must say where the answer is shown:\n{said}"
        );
    }
    let readme = read(&copy, ".workbook/reference/README.md");
    assert!(readme.contains("answer"), "{readme}");
    // No copy of a stage's sources lies there under their own names, for a search to find.
    let reference = read_tree(&copy.join(".workbook/reference")).unwrap();
    assert!(
        reference
            .keys()
            .all(|p| p.extension().is_some_and(|e| e != "rs"))
    );
}

#[test]
fn stubs_leave_unused_variables_to_the_compiler() {
    let copy = copy("no_blanket_allow");
    for stage in ["00", "01", "02", "03", "04", "05", "06", "07", "08"] {
        expect(&copy, &["start", stage], 0);
    }
    for (path, text) in read_tree(&copy.join("stages")).unwrap() {
        assert!(
            !text.contains("unused_variables"),
            "{}: stubs must not allow unused variables",
            path.display()
        );
    }
    // And they still build without a single warning (the whole exercise proof of
    // tests/exercises.rs runs them; here, stage 03 alone is enough to see the stubs' uses).
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "-p",
            "stage-03",
            "--tests",
            "--message-format",
            "short",
        ])
        .current_dir(&copy)
        .env("CARGO_TARGET_DIR", target(&copy))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning: unused"), "{stderr}");
}

#[test]
fn start_over_an_uncommitted_edit_asks_for_force_and_reset_says_what_is_left() {
    let copy = copy("uncommitted");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-C"])
            .arg(&copy)
            .args(args)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "copy"]);
    let file = "stages/05-robust/src/assembler.rs";
    let edited = format!("{}// my note\n", read(&copy, file));
    write(&copy, file, &edited);

    let refused = expect(&copy, &["start", "05"], 1);
    assert!(
        refused.contains("not committed") && refused.contains("--force"),
        "{refused}"
    );
    assert_eq!(read(&copy, file), edited, "a refused start changes nothing");

    let started = expect(&copy, &["start", "05", "--force"], 0);
    assert!(started.contains("src/assembler.rs"), "{started}");
    let reset = expect(&copy, &["reset", "05"], 0);
    assert!(
        !reset.contains("the reference again"),
        "reset must not claim the reference while the edit is left:\n{reset}"
    );
    assert!(
        reset.contains("still differs in src/assembler.rs"),
        "{reset}"
    );
    assert_eq!(read(&copy, file), edited);
}

// ------------------------------------------------------------------ hint

#[test]
fn hints_start_again_after_reset_and_stage_03_begins_with_a_nudge() {
    let copy = copy("hints");
    expect(&copy, &["start", "03"], 0);
    let first = expect(&copy, &["hint", "03"], 0);
    assert!(
        first.contains("Hint 1 of") && !first.contains("Hint 2 of"),
        "{first}"
    );
    for code in [
        "thread_block",
        "SigSet",
        "sigwaitinfo(",
        "si_pid",
        "block_answers",
    ] {
        assert!(
            !first.contains(code),
            "the first hint of stage 03 should be a nudge, not name {code}:\n{first}"
        );
    }
    let second = expect(&copy, &["hint", "03"], 0);
    assert!(second.contains("Hint 2 of"), "{second}");
    expect(&copy, &["reset", "03"], 0);
    let again = expect(&copy, &["hint", "03"], 0);
    assert!(
        again.contains("Hint 1 of") && !again.contains("Hint 2 of"),
        "after reset, hints begin again:\n{again}"
    );
    expect(&copy, &["start", "03"], 0);
    let fresh = expect(&copy, &["hint", "03"], 0);
    assert!(
        fresh.contains("Hint 1 of") && !fresh.contains("Hint 2 of"),
        "after a new start, hints begin again:\n{fresh}"
    );
}

#[test]
fn solution_prints_the_reference_of_a_part() {
    let copy = copy("solution");
    expect(&copy, &["start", "90"], 0);
    let solution = expect(&copy, &["solution", "90", "double"], 0);
    assert!(solution.contains("n * 2"), "{solution}");
    let unknown = expect(&copy, &["solution", "90", "triple"], 1);
    assert!(unknown.contains("double, greet"), "{unknown}");
}

// ------------------------------------------------------------------ check

/// The summary's first line: `stage-90 · a toy — …`.
fn heading(said: &str) -> &str {
    said.lines()
        .find(|l| l.starts_with("stage-90 · a toy — "))
        .unwrap_or_else(|| panic!("no summary:\n{said}"))
}

#[test]
fn check_of_a_stage_never_started_checks_the_reference() {
    let copy = copy("never_started");
    let said = expect(&copy, &["check", "90"], 0);
    assert!(heading(&said).contains("2 passed, 0 failed"), "{said}");
    assert!(said.contains("stage-90 is not an exercise"), "{said}");
    assert!(!said.contains("written"), "nothing was written:\n{said}");
    assert!(said.contains("start 90"), "{said}");
}

#[test]
fn check_leads_with_the_summary_traces_stubs_and_ends_with_the_next_command() {
    let copy = copy("check_stubs");
    expect(&copy, &["start", "90"], 0);
    let said = expect(&copy, &["check", "90"], 1);
    let summary = &said[said.find("stage-90 · ").unwrap()..];
    assert!(heading(&said).contains("0 passed, 2 failed"), "{said}");
    let parts = summary.split("Parts:").nth(1).unwrap();
    assert!(parts.contains("double  to do"), "{summary}");
    assert!(
        summary.find("Parts:") < summary.find("Failing tests:"),
        "{summary}"
    );
    assert!(
        summary.contains("doubles_in_time (--test toy) → part double: its stub panicked"),
        "{summary}"
    );
    assert!(summary.contains("greets (--test toy) → part greet: its stub panicked"));
    assert!(!said.contains("stack backtrace") && !said.contains("running 2 tests"));
    let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.contains("check 90"),
        "the last line should be a command: {last}"
    );
    let log = read(&copy, ".workbook/logs/90-toy.check.log");
    assert!(
        log.contains("running 2 tests") && log.contains("exercise double:"),
        "{log}"
    );
    // With --verbose, cargo's own output is on the screen too.
    let verbose = expect(&copy, &["check", "90", "--verbose"], 1);
    assert!(verbose.contains("running 2 tests"), "{verbose}");
}

#[test]
fn check_traces_a_hang_and_a_wrong_answer_to_the_part_written_and_shows_the_first_difference() {
    let copy = copy("check_wrong");
    expect(&copy, &["start", "90", "double"], 0);
    // A hang: the test's own deadline fails it, and its message names no part.
    write(
        &copy,
        TOY_LIB,
        &toy_with_double("std::thread::sleep(std::time::Duration::from_secs(30)); n * 2"),
    );
    let said = expect(&copy, &["check", "90"], 1);
    assert!(said.contains("did not answer within 2 s"), "{said}");
    assert!(
        said.contains("→ part double: the message names no part, and double is the only part that is not the reference's code"),
        "{said}"
    );
    assert!(
        said.contains("double  written, failing (1 failing test traces to it)"),
        "{said}"
    );
    assert!(said.contains("greet   the reference's code"), "{said}");

    expect(&copy, &["reset", "90"], 0);
    expect(&copy, &["start", "90", "greet"], 0);
    write(
        &copy,
        TOY_LIB,
        &toy::LIB.replace("\"hello\".to_owned()", "\"help!\".to_owned()"),
    );
    let said = expect(&copy, &["check", "90"], 1);
    assert!(said.contains("first difference at byte 4"), "{said}");
    assert!(said.contains("→ part greet:"), "{said}");
}

#[test]
fn check_shows_the_compilers_warnings_about_the_learners_code() {
    let copy = copy("check_warnings");
    expect(&copy, &["start", "90", "double"], 0);
    assert!(read(&copy, TOY_LIB).contains(SCAFFOLD_LINE));
    // The part written, with a variable it never uses; the scaffold line `start` put in
    // is still there.
    let mut written = toy_with_double("let unused = 1; n * 2");
    written = written.replacen(
        "//! A toy stage for the workbook's own tests.\n",
        &format!("//! A toy stage for the workbook's own tests.\n{SCAFFOLD_LINE}\n"),
        1,
    );
    write(&copy, TOY_LIB, &written);
    let said = expect(&copy, &["check", "90"], 0);
    assert!(said.contains("holds no stub any more"), "{said}");
    assert!(!read(&copy, TOY_LIB).contains(SCAFFOLD_LINE));
    let warnings = said
        .split("Compiler warnings in stages/90-toy:")
        .nth(1)
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        warnings.contains("src/lib.rs:6:") && warnings.contains("unused variable: `unused`"),
        "{said}"
    );
    assert!(
        said.contains("The tests pass, but the compiler warns"),
        "{said}"
    );
}

#[test]
fn check_of_a_stage_that_does_not_build_shows_the_errors_and_where() {
    let copy = copy("check_build_error");
    expect(&copy, &["start", "90", "double"], 0);
    write(&copy, TOY_LIB, &toy_with_double("n * two"));
    let said = expect(&copy, &["check", "90"], 1);
    assert!(heading(&said).ends_with("does not build"), "{said}");
    let errors = said
        .split("Compiler errors:")
        .nth(1)
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        errors.contains("stages/90-toy/src/lib.rs:6:") && errors.contains("`two`"),
        "{said}"
    );
    assert!(
        said.contains("double  written; not checked, the stage does not build"),
        "{said}"
    );
    assert!(
        said.contains("Next: fix the first compiler error"),
        "{said}"
    );
    let list = expect(&copy, &["list"], 0);
    assert!(list.contains("last check: does not build"), "{list}");
}

#[test]
fn a_pass_offers_the_next_stage_and_list_counts_the_parts_done() {
    let copy = copy("pass_and_list");
    let list = expect(&copy, &["list"], 0);
    let total: usize = list
        .lines()
        .find_map(|l| l.strip_prefix("Progress: 0 of "))
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{list}"));
    expect(&copy, &["start", "90"], 0);
    write(&copy, TOY_LIB, toy::LIB);
    let said = expect(&copy, &["check", "90"], 0);
    assert!(
        said.contains("Next: stage-91 · a toy, `cargo run -p workbook -- start 91`"),
        "{said}"
    );
    assert!(said.contains("solution 90"), "{said}");
    let list = expect(&copy, &["list"], 0);
    let row = list.lines().find(|l| l.starts_with("stage-90")).unwrap();
    assert!(
        row.contains("exercise passing") && row.contains("2/2"),
        "{list}"
    );
    assert!(
        list.contains(&format!("Progress: 2 of {total} parts done")),
        "{list}"
    );
}

// ------------------------------------------------------------------ reset and restore

#[test]
fn restore_brings_back_what_reset_saved_but_never_over_unsaved_work() {
    let copy = copy("restore");
    expect(&copy, &["start", "90"], 0);
    let work = read(&copy, TOY_LIB).replacen("let _ = &n;", "let _ = &n; // my first try", 1);
    write(&copy, TOY_LIB, &work);
    let reset = expect(&copy, &["reset", "90"], 0);
    assert!(
        reset.contains("(yours)") && reset.contains("restore 90"),
        "{reset}"
    );
    assert_eq!(read(&copy, TOY_LIB), toy::LIB);
    let none = expect(&copy, &["restore", "90", "1999-01-01T00-00-00Z"], 1);
    assert!(none.contains("has no saved work"), "{none}");

    let restored = expect(&copy, &["restore", "90"], 0);
    assert!(restored.contains("src/lib.rs"), "{restored}");
    assert_eq!(read(&copy, TOY_LIB), work);
    assert!(
        expect(&copy, &["list"], 0)
            .lines()
            .any(|l| l.starts_with("stage-90") && l.contains("exercise"))
    );

    // More work, not saved: restore refuses to overwrite it.
    let more = format!("{work}// more\n");
    write(&copy, TOY_LIB, &more);
    let refused = expect(&copy, &["restore", "90"], 1);
    assert!(refused.contains("not saved"), "{refused}");
    assert_eq!(read(&copy, TOY_LIB), more);
}

#[test]
fn reset_all_resets_every_exercise() {
    let copy = copy("reset_all");
    expect(&copy, &["start", "90"], 0);
    expect(&copy, &["start", "91"], 0);
    let said = expect(&copy, &["reset", "--all"], 0);
    assert_eq!(said.matches("is the reference again").count(), 2, "{said}");
    assert_eq!(read(&copy, TOY_LIB), toy::LIB);
}

// ------------------------------------------------------------------ diff

#[test]
fn diff_shows_what_the_next_stage_kept_changed_and_added() {
    let copy = copy("diff");
    let said = expect(&copy, &["diff", "06", "07"], 0);
    let kept = said
        .split("Kept the same (1):")
        .nth(1)
        .unwrap_or_else(|| panic!("{said}"));
    assert!(kept.contains("src/checksum.rs"), "{said}");
    // Stage 07 adds the stop signals to what `signals.rs` blocks.
    let changed = said
        .split("Changed (8):")
        .nth(1)
        .unwrap_or_else(|| panic!("{said}"));
    assert!(changed.contains("src/signals.rs"), "{said}");
    assert!(
        said.contains(
            "--- stages/06-concurrent/src/bin/client.rs\n+++ stages/07-final/src/bin/client.rs\n@@"
        ),
        "{said}"
    );
    let new = said.split("New in stage-07").nth(1).unwrap();
    assert!(new.contains("src/cli.rs"), "{said}");
    assert!(
        !said.contains("// EXERCISE:"),
        "markers are no part of the lesson's diff"
    );
}

// ------------------------------------------------------------------ watch

#[test]
fn watch_checks_again_when_a_file_of_the_stage_changes() {
    let copy = copy("watch");
    expect(&copy, &["start", "90"], 0);
    // The kit's process: `watch` runs until it is killed, and it is, with the checks it
    // started (its process group), when the handle drops, a failed wait included.
    let mut watch = minitalk_kit::Process::spawn(command(&copy, &["watch", "90"]));
    // Where the lines not yet looked at start in watch's stdout.
    let mut from = 0;
    // Wait, with a deadline, for the summary whose heading satisfies `done`: its lines,
    // up to the `Watching …` line that ends it.
    let mut wait_for = |what: &str, done: &dyn Fn(&str) -> bool| -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(180);
        let found = watch.stdout.wait_until(deadline, |bytes, _| {
            let mut seen = Vec::new();
            let mut end = from;
            for line in bytes[from..].split_inclusive(|&b| b == b'\n') {
                if !line.ends_with(b"\n") {
                    break;
                }
                end += line.len();
                let line = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
                let finished = line.starts_with("Watching ");
                seen.push(line);
                if finished && seen.iter().any(|l| l.starts_with("stage-90 · ") && done(l)) {
                    return Some((seen, end));
                }
            }
            None
        });
        match found {
            Ok((seen, end)) => {
                from = end;
                seen
            }
            Err(so_far) => panic!(
                "watch: no {what} within 180 s; it said:\n{}",
                String::from_utf8_lossy(&so_far[from..])
            ),
        }
    };
    let first = wait_for("first summary", &|l| l.contains("0 passed, 2 failed"));
    assert!(
        first.iter().any(|l| l.contains("double  to do")),
        "{first:?}"
    );
    write(&copy, TOY_LIB, toy::LIB);
    let second = wait_for("second summary after the save", &|l| {
        l.contains("2 passed, 0 failed")
    });
    watch.kill();
    assert!(
        second
            .iter()
            .any(|l| l.contains("double  written, passing")),
        "{second:?}"
    );
    assert!(
        !second.iter().any(|l| l.contains("check again:")),
        "watch checks again by itself: {second:?}"
    );
}

#[test]
fn trace_replays_a_recording_and_summarises_the_lost_signals() {
    // A recording of stage 01 made with `trace --raw` (the client first on one CPU): no
    // tracefs and no build needed to check that the command is minitalk-trace's.
    let recording =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/trace/tests/data/01-client-first.trace");
    let svg = base().join("trace-replay.svg");
    fs::create_dir_all(base()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["trace", "01", "--replay"])
        .arg(&recording)
        .arg("--svg")
        .arg(&svg)
        .output()
        .unwrap();
    let text = said(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("first lost signal"), "{text}");
    assert!(text.contains("LOST (merged: already pending)"), "{text}");
    let picture = fs::read_to_string(&svg).unwrap();
    assert!(
        picture.starts_with("<svg"),
        "{}",
        &picture[..picture.len().min(200)]
    );
}
