//! What a test says besides "ok" or "FAILED": a *note* (a workbook convention that
//! another implementation need not follow, like exit code 2 for a usage error) and a
//! *skip* (a test that does not apply to the programs under test, and why).
//!
//! libtest shows a test's output only when it fails, and has no verdict for "skipped":
//! a skipped test is reported `ok`. So the kit keeps both kinds, and when the test binary
//! exits it prints them after libtest's own summary, straight to its stderr:
//!
//! ```text
//! minitalk test kit: 2 skipped, 1 note
//!   SKIPPED usage_errors::help_documents_every_exit_code: --help is this stage's own
//! ```
//!
//! With `MINITALK_KIT_REPORT` naming a directory (`workbook grade` sets it), each one is
//! also appended there as a line `KIND<TAB>TEST<TAB>TEXT`, for a report to read.

use std::io::Write;
use std::sync::{Mutex, Once};

/// A note or a skip, with the test it came from.
struct Event {
    kind: &'static str,
    test: String,
    text: String,
}

static EVENTS: Mutex<Vec<Event>> = Mutex::new(Vec::new());

/// Say that the programs under test depart from a workbook convention, without failing
/// the test.
pub fn note(text: impl Into<String>) {
    record("NOTE", text.into());
}

/// Say that the test does not apply, and why; the caller returns right after.
pub fn skip(why: impl Into<String>) {
    record("SKIPPED", why.into());
}

/// The notes recorded so far by the current test (its thread), for a failure message.
pub fn notes_of_this_test() -> Vec<String> {
    let test = current_test();
    lock()
        .iter()
        .filter(|event| event.kind == "NOTE" && event.test == test)
        .map(|event| event.text.clone())
        .collect()
}

fn record(kind: &'static str, text: String) {
    // In the test's captured output too, where a failing test shows it.
    eprintln!("{kind}: {text}");
    let test = current_test();
    if let Some(dir) = std::env::var_os("MINITALK_KIT_REPORT").filter(|d| !d.is_empty()) {
        let file = std::path::Path::new(&dir).join(format!("kit-{}.tsv", std::process::id()));
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            let one_line = |s: &str| s.replace(['\t', '\n'], " ");
            // One write(2) per line: tests run on several threads, and `writeln!` on a
            // file writes piece by piece, so two tests' lines would interleave. A single
            // append of a line is not split by another.
            let line = format!("{kind}\t{}\t{}\n", one_line(&test), one_line(&text));
            let _ = file.write_all(line.as_bytes());
        }
    }
    let mut events = lock();
    // The same note twice in one test says nothing new.
    if !events
        .iter()
        .any(|e| e.kind == kind && e.test == test && e.text == text)
    {
        events.push(Event { kind, test, text });
    }
    static AT_EXIT: Once = Once::new();
    AT_EXIT.call_once(|| {
        // SAFETY: `summary` is a plain function that never unwinds across the boundary.
        unsafe { nix::libc::atexit(summary) };
    });
}

/// libtest runs each test on a thread named after it.
fn current_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("(a helper thread)")
        .to_owned()
}

fn lock() -> std::sync::MutexGuard<'static, Vec<Event>> {
    EVENTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Printed when the test binary exits, after libtest's summary: to the real stderr, not
/// the test's captured output (every test has ended by then).
extern "C" fn summary() {
    let _ = std::panic::catch_unwind(|| {
        let events = lock();
        let count = |kind: &str| events.iter().filter(|e| e.kind == kind).count();
        let (skipped, notes) = (count("SKIPPED"), count("NOTE"));
        if skipped + notes == 0 {
            return;
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut text = format!(
            "minitalk test kit: {skipped} skipped, {}\n",
            plural(notes, "note")
        );
        for event in events.iter() {
            text.push_str(&format!(
                "  {} {}: {}\n",
                event.kind, event.test, event.text
            ));
        }
        let _ = std::io::stderr().write_all(text.as_bytes());
    });
}

/// Print a failing test's panic as its message alone: no "thread … panicked at" line
/// that points into the kit, no backtrace of the kit (libtest shows it under the test's
/// name, which says where). `MINITALK_KIT_BACKTRACE=1` keeps Rust's own report.
pub fn quiet_panics() {
    static HOOK: Once = Once::new();
    if std::env::var_os("MINITALK_KIT_BACKTRACE").is_some() {
        return;
    }
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("(a panic without a message)");
            eprintln!("{message}");
        }));
    });
}
