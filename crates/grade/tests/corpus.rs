//! The tester, proven on a corpus of small C minitalks of our own (`corpus/`), built here
//! with the machine's `cc`: a correct classic minitalk (coloured PID line, no newline
//! after a message, no confirmation line) and variants of it, each with one macro, that
//! reproduce a behaviour seen in real projects. Each is graded with the stages' checks,
//! exactly as `workbook grade` does it, and the verdicts are asserted: the correct ones
//! pass, each defect is failed by the checks it concerns, with its diagnosis.
//!
//! Each test grades whole stages (a nested `cargo test` per stage): minutes in all, so
//! they are `#[ignore]`d in the everyday `cargo test --workspace` and run with the other
//! proofs, `cargo test --workspace --tests -- --ignored`, as CI does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use minitalk_grade::{Check, Options, StageResult, Verdict};

/// A server and a client of the corpus, built with `defines`.
struct Minitalk {
    server: PathBuf,
    client: PathBuf,
    dir: PathBuf,
}

fn corpus_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

/// Build the corpus's server with `server_defect` and its client with `client_defect`
/// (a macro each, or none) into a directory of their own, named `name`.
fn build(name: &str, server_defect: Option<&str>, client_defect: Option<&str>) -> Minitalk {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let compile = |source: &str, defect: Option<&str>, output: &Path| {
        let mut cc = Command::new("cc");
        cc.args(["-Wall", "-Wextra", "-Werror", "-O2", "-o"])
            .arg(output)
            .arg(corpus_file(source));
        if let Some(defect) = defect {
            cc.arg(format!("-D{defect}"));
        }
        let status = cc
            .status()
            .expect("run cc (the corpus needs a C compiler: apt-get install gcc)");
        assert!(status.success(), "cc {source} -D{defect:?} failed");
    };
    let (server, client) = (dir.join("server"), dir.join("client"));
    compile("server.c", server_defect, &server);
    compile("client.c", client_defect, &client);
    Minitalk {
        server,
        client,
        dir,
    }
}

/// One grading at a time: each runs a stage's whole suite, which keeps two cores busy.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Grade `minitalk` with the checks of `stages`, as `workbook grade` does.
fn grade(minitalk: &Minitalk, stages: &[u32]) -> Vec<StageResult> {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let options = Options {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        server: minitalk.server.clone(),
        client: minitalk.client.clone(),
        stages: stages.to_vec(),
        out: minitalk.dir.join("report"),
        time_limit: Duration::from_secs(600),
    };
    let results = minitalk_grade::grade(&options).expect("grade");
    for result in &results {
        assert_eq!(result.incomplete, None, "stage {:02}", result.number);
        assert!(
            !result.checks.is_empty(),
            "stage {:02} ran no check",
            result.number
        );
    }
    results
}

fn failures(results: &[StageResult]) -> Vec<&Check> {
    results
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| matches!(c.verdict, Verdict::Fail { .. }))
        .collect()
}

/// The failing checks' names, sorted, and a readable list of them with diagnoses.
fn failing(results: &[StageResult]) -> (Vec<String>, String) {
    let failed = failures(results);
    let mut names: Vec<String> = failed.iter().map(|c| c.name.clone()).collect();
    names.sort();
    let shown = failed
        .iter()
        .map(|c| match &c.verdict {
            Verdict::Fail { diagnosis, .. } => format!("{}: {diagnosis}", c.name),
            _ => unreachable!(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    (names, shown)
}

fn diagnosis_of<'a>(results: &'a [StageResult], name: &str) -> &'a str {
    let check = results
        .iter()
        .flat_map(|r| &r.checks)
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"));
    match &check.verdict {
        Verdict::Fail { diagnosis, .. } => diagnosis,
        other => panic!("{name} did not fail: {other:?}"),
    }
}

fn notes(results: &[StageResult]) -> Vec<String> {
    results
        .iter()
        .flat_map(|r| &r.checks)
        .flat_map(|c| c.notes.clone())
        .collect()
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_correct_classic_minitalk_passes_stages_01_to_03_with_notes_only() {
    let minitalk = build("correct", None, None);
    let results = grade(&minitalk, &[1, 2, 3]);
    let (failed, shown) = failing(&results);
    assert!(failed.is_empty(), "a correct program failed:\n{shown}");
    let notes = notes(&results);
    assert!(
        notes.iter().any(|n| n.contains("without a newline")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("one line on stdout")),
        "{notes:?}"
    );
    // The report says it, for a person and for a CI.
    let report = std::fs::read_to_string(minitalk.dir.join("report/report.md")).unwrap();
    for stage in ["stage 01: pass", "stage 02: pass", "stage 03: pass"] {
        assert!(report.contains(stage), "{report}");
    }
    assert!(report.contains("| skipped |"), "{report}");
    let junit = std::fs::read_to_string(minitalk.dir.join("report/junit.xml")).unwrap();
    assert!(junit.contains("<testsuite name=\"stage-03\""), "{junit}");
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert!(junit.contains("<skipped message="), "{junit}");
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn usage_errors_on_stdout_with_exit_code_1_pass_with_notes() {
    let minitalk = build("usage-on-stdout", None, Some("USAGE_ON_STDOUT"));
    let results = grade(&minitalk, &[1]);
    let (failed, shown) = failing(&results);
    assert!(failed.is_empty(), "a convention was failed:\n{shown}");
    let notes = notes(&results);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("exits with code 1 where the workbook's clients exit 2")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("on stdout, not stderr")),
        "{notes:?}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_pid_read_with_atoi_is_caught_in_the_sandbox() {
    let minitalk = build("atoi", None, Some("ATOI"));
    let results = grade(&minitalk, &[1]);
    let (failed, shown) = failing(&results);
    assert_eq!(
        failed,
        [
            "usage_errors::dies_on_a_pid_that_is_not_a_number",
            "usage_errors::dies_on_other_negative_pids",
            "usage_errors::dies_on_pid_minus_one",
            "usage_errors::dies_on_pid_zero",
        ],
        "{shown}"
    );
    let zero = diagnosis_of(&results, "usage_errors::dies_on_pid_zero");
    assert!(
        zero.contains("sent SIGUSR1 to its own process group (PID 0)")
            && zero.contains("caught in the sandbox"),
        "{zero}"
    );
    let minus_one = diagnosis_of(&results, "usage_errors::dies_on_pid_minus_one");
    assert!(
        minus_one.contains("sent SIGUSR1 to every process it may signal (PID -1)"),
        "{minus_one}"
    );
    // Every case is run, and every one that failed is named: "abc" and "" are read as 0,
    // "12abc" as 12, a PID nobody has, and the client waits for an answer forever.
    let not_a_number = diagnosis_of(&results, "usage_errors::dies_on_a_pid_that_is_not_a_number");
    assert!(
        not_a_number.starts_with("3 of 3 command lines"),
        "{not_a_number}"
    );
    let output = results[0]
        .checks
        .iter()
        .find(|c| c.name == "usage_errors::dies_on_a_pid_that_is_not_a_number")
        .map(|c| match &c.verdict {
            Verdict::Fail { output, .. } => output.clone(),
            _ => String::new(),
        })
        .unwrap();
    assert!(output.contains("as atoi reads \"abc\""), "{output}");
    assert!(
        output.contains("[\"12abc\", \"hello\"] was still running after 5s"),
        "{output}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_client_that_reports_a_success_it_did_not_verify_is_named() {
    let minitalk = build("truncates", None, Some("TRUNCATE"));
    let results = grade(&minitalk, &[3]);
    let (failed, shown) = failing(&results);
    assert_eq!(failed, ["a_10_kb_message_is_printed_exactly"], "{shown}");
    let diagnosis = diagnosis_of(&results, "a_10_kb_message_is_printed_exactly");
    assert!(
        diagnosis.starts_with("the client exited 0, but the server printed 100 of its 500 bytes"),
        "{diagnosis}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_client_that_does_not_wait_for_answers_is_named() {
    let minitalk = build("no-ack", Some("NO_ACK"), Some("NO_ACK"));
    let results = grade(&minitalk, &[3]);
    let diagnosis = diagnosis_of(
        &results,
        "the_client_waits_for_an_answer_instead_of_sleeping",
    );
    assert!(
        diagnosis.contains("without waiting for the server's answer"),
        "{diagnosis}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_server_that_does_not_flush_is_named() {
    let minitalk = build("no-flush", Some("NO_FLUSH"), None);
    let results = grade(&minitalk, &[1]);
    let (failed, shown) = failing(&results);
    assert!(
        failed.contains(&"one_message_is_printed_exactly".to_owned()),
        "{shown}"
    );
    for check in failures(&results) {
        let Verdict::Fail { diagnosis, .. } = &check.verdict else {
            unreachable!()
        };
        assert!(
            diagnosis.contains("in a buffer"),
            "{}: {diagnosis}",
            check.name
        );
    }
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_server_that_serves_one_client_only_is_named() {
    let minitalk = build("one-client", Some("ONE_CLIENT"), None);
    let results = grade(&minitalk, &[1]);
    let (failed, shown) = failing(&results);
    assert_eq!(
        failed,
        ["messages_from_several_clients_in_a_row_are_printed_exactly"],
        "{shown}"
    );
    let diagnosis = diagnosis_of(
        &results,
        "messages_from_several_clients_in_a_row_are_printed_exactly",
    );
    assert!(
        diagnosis.contains("waits for an answer that the server will not send"),
        "{diagnosis}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_client_that_waits_forever_for_a_dead_server_is_named() {
    // The correct classic client has no timeout: stage 05 asks for one.
    let minitalk = build("no-timeout", None, None);
    let results = grade(&minitalk, &[5]);
    let diagnosis = diagnosis_of(&results, "the_client_reports_a_server_killed_mid_transfer");
    assert!(
        diagnosis.starts_with("your client still waits 10s after its server was killed"),
        "{diagnosis}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_server_that_does_not_keep_clients_apart_is_named_when_they_send_at_once() {
    // The classic server takes every sender's bits as they come (a new sender starts a
    // new byte): with clients at once it prints bytes of no message, or pieces of
    // several, and the signals of two clients pending together merge, so some clients
    // wait for an answer that never comes. Which of these a run shows depends on the
    // scheduling; the crowd's diagnosis reads the output back and names what it sees,
    // within seconds. The client gives up after 3 s without an answer (stages 05 to 07
    // ask for a timeout), so that nothing else of the stage fails but the knock wiped out
    // by a stray signal, which a client that never sends a signal twice cannot survive.
    let minitalk = build("at-once", None, Some("TIMEOUT"));
    let results = grade(&minitalk, &[6]);
    let (failed, shown) = failing(&results);
    assert_eq!(
        failed,
        [
            "concurrency::a_knock_wiped_out_by_a_stray_signal_is_repeated",
            "concurrency::eight_clients_at_once_every_message_printed_once_and_whole",
            "concurrency::stray_signals_during_transfers_corrupt_nothing_and_are_never_answered",
        ],
        "{shown}"
    );
    for crowd in [
        "concurrency::eight_clients_at_once_every_message_printed_once_and_whole",
        "concurrency::stray_signals_during_transfers_corrupt_nothing_and_are_never_answered",
    ] {
        let diagnosis = diagnosis_of(&results, crowd);
        let mixed = diagnosis
            .starts_with("with 8 clients sending at once, your server mixed up their messages: ")
            && [
                "continues no message",
                "interleaved",
                "never came",
                "printed twice",
            ]
            .iter()
            .any(|what| diagnosis.contains(what));
        let lost = diagnosis.starts_with("with 8 clients sending at once, ")
            && diagnosis.contains("of them did not finish")
            && diagnosis.contains("a server that does not take clients in turn");
        assert!(mixed || lost, "{crowd}: {diagnosis}");
    }
    // In seconds, not the 180 s a client of a crowd may take, even with the classic
    // client, which never gives up: the kit sees that no client of the crowd runs any
    // more, though a stray sender keeps the server busy. (The stage is built by now:
    // this times the two checks alone.)
    let never_gives_up = build("at-once-no-timeout", None, None);
    let started = std::time::Instant::now();
    let rerun = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["test", "-q", "-p", "stage-06", "--test", "concurrent", "--"])
        .args(["eight_clients", "stray_signals"])
        .env("MINITALK_SERVER", &never_gives_up.server)
        .env("MINITALK_CLIENT", &never_gives_up.client)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("cargo test");
    let took = started.elapsed();
    let output = String::from_utf8_lossy(&rerun.stdout);
    assert!(
        !rerun.status.success(),
        "the crowd checks passed:\n{output}"
    );
    assert!(
        took < Duration::from_secs(60),
        "the two crowd checks took {took:?} to fail:\n{output}"
    );
    assert!(
        output.contains("clients still running has run for"),
        "the crowd's own watch said nothing:\n{output}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn stage_07_gives_another_client_only_the_subjects_command_line() {
    // The final client's own options (`--payload`, `--one-in-flight`) are never given to
    // another implementation's client: a check that runs in several modes tries the
    // subject's alone, and says so in a note. What stage 07 then fails the classic
    // minitalk for is what it lacks: clients at once (as in stage 06) and a client that
    // makes sure a PID is a server's before it signals it (stage 05).
    let minitalk = build("final-stage", None, Some("TIMEOUT"));
    let results = grade(&minitalk, &[7]);
    let (failed, shown) = failing(&results);
    assert_eq!(
        failed,
        [
            "a_process_that_catches_only_sigusr1_is_refused_too",
            "a_process_that_does_not_catch_the_signals_is_refused",
            "concurrency::a_knock_wiped_out_by_a_stray_signal_is_repeated",
            "concurrency::eight_clients_at_once_every_message_printed_once_and_whole",
            "concurrency::stray_signals_during_transfers_corrupt_nothing_and_are_never_answered",
            "the_sandbox_canary_is_refused_as_not_a_server",
        ],
        "{shown}"
    );
    assert!(
        !shown.contains("expected a PID and a message"),
        "a check gave the client an option of the workbook's own:\n{shown}"
    );
    let notes = notes(&results);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("not tried with [\"--payload\"]")),
        "{notes:?}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn the_suites_of_stages_06_and_07_run_to_the_end_against_a_server_that_answers_every_sender() {
    // A server that answers whoever signals it would kill a test process that sent it a
    // signal: every later test of that binary would never run. The kit's strangers are
    // processes of their own, so every check of both stages gets a verdict.
    let minitalk = build("answers-everyone", Some("ANSWERS_EVERYONE"), None);
    let results = grade(&minitalk, &[6, 7]);
    for result in &results {
        let listed = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["test", "-q", "-p", &format!("stage-{:02}", result.number)])
            .args(["--test", "*", "--", "--list"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
            .output()
            .expect("cargo test -- --list");
        let listed = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .filter(|l| l.ends_with(": test"))
            .count();
        assert_eq!(
            result.checks.len(),
            listed,
            "stage {:02}: every check must have a verdict",
            result.number
        );
    }
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn a_server_that_answers_a_stray_sender_is_named() {
    let minitalk = build("answers-a-stranger", Some("ANSWERS_EVERYONE"), None);
    let results = grade(&minitalk, &[3]);
    let (failed, shown) = failing(&results);
    assert_eq!(
        failed,
        ["a_sender_without_a_handler_gets_no_answer_and_survives"],
        "{shown}"
    );
    let diagnosis = diagnosis_of(
        &results,
        "a_sender_without_a_handler_gets_no_answer_and_survives",
    );
    assert!(
        diagnosis.starts_with("the server answered a process that does not catch SIGUSR1"),
        "{diagnosis}"
    );
}

#[test]
#[ignore = "a proof of the tester, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn the_workbooks_own_final_programs_pass_stage_07_graded_as_anyone_s() {
    // Named by path, they are "another implementation" to the kit: what only the
    // workbook's programs do is skipped, and everything else must pass.
    let debug = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../debug");
    let minitalk = Minitalk {
        server: debug.join("server"),
        client: debug.join("client"),
        dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus/workbook-final"),
    };
    let built = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "-q", "-p", "stage-07", "--bins"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .status()
        .expect("cargo build");
    assert!(built.success());
    let results = grade(&minitalk, &[7]);
    let (failed, shown) = failing(&results);
    assert!(failed.is_empty(), "the final programs failed:\n{shown}");
    let report = std::fs::read_to_string(minitalk.dir.join("report/report.md")).unwrap();
    assert!(report.contains("stage 07: pass"), "{report}");
}
