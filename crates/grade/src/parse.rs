//! Reading what `cargo test` printed (stdout and stderr in one stream) and what the kit
//! wrote beside it, into [`Check`]s.

use std::collections::HashMap;

use crate::{Check, Verdict};

/// The checks in `output`, with the kit's `events` (lines `KIND<TAB>TEST<TAB>TEXT`, see
/// the kit's `report` module) attached by test name.
pub fn checks(output: &str, events: &str) -> Vec<Check> {
    let mut notes: HashMap<&str, Vec<String>> = HashMap::new();
    let mut skips: HashMap<&str, String> = HashMap::new();
    for line in events.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(kind), Some(test), Some(text)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        match kind {
            "NOTE" => {
                let list = notes.entry(test).or_default();
                if !list.iter().any(|n| n == text) {
                    list.push(text.to_owned());
                }
            }
            "SKIPPED" => {
                skips.entry(test).or_insert_with(|| text.to_owned());
            }
            _ => {}
        }
    }
    let failures = failure_blocks(output);
    let mut checks = Vec::new();
    let mut file = String::new();
    for line in output.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("Running tests/") {
            file = rest.split(['.', ' ']).next().unwrap_or_default().to_owned();
            continue;
        }
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.rsplit_once(" ... ") else {
            continue;
        };
        let verdict = match result.trim() {
            "ok" => match skips.get(name) {
                Some(why) => Verdict::Skipped(why.clone()),
                None => Verdict::Pass,
            },
            "FAILED" => {
                let output = failures.get(name).cloned().unwrap_or_default();
                Verdict::Fail {
                    diagnosis: diagnosis(&output),
                    output,
                }
            }
            "ignored" => Verdict::Skipped("ignored".to_owned()),
            _ => continue,
        };
        checks.push(Check {
            file: file.clone(),
            name: name.to_owned(),
            verdict,
            notes: notes.get(name).cloned().unwrap_or_default(),
        });
    }
    checks
}

/// libtest's `---- NAME stdout ----` blocks, by test name.
fn failure_blocks(output: &str) -> HashMap<String, String> {
    let mut blocks = HashMap::new();
    let mut current: Option<(String, String)> = None;
    for line in output.lines() {
        let header = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"));
        if let Some(name) = header {
            if let Some((name, text)) = current.take() {
                blocks.insert(name, text);
            }
            current = Some((name.to_owned(), String::new()));
        } else if line == "failures:" || line.starts_with("test result:") {
            if let Some((name, text)) = current.take() {
                blocks.insert(name, text);
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((name, text)) = current {
        blocks.insert(name, text);
    }
    blocks
}

/// The first line of a failure's message that is the kit's own words (not a note, a
/// skip, or Rust's "thread … panicked" and backtrace lines): the kit puts its diagnosis
/// there, what the program did.
pub fn diagnosis(output: &str) -> String {
    // assert_cmd's words for a client that should have succeeded: "Unexpected failure.",
    // then `code=N` and `stderr=…` lines.
    let lines: Vec<&str> = output.lines().map(str::trim).collect();
    if let Some(at) = lines.iter().position(|l| *l == "Unexpected failure.") {
        let field = |key: &str| {
            lines[at..]
                .iter()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or("?")
                .trim_matches('`')
                .to_owned()
        };
        return format!(
            "the client exited with code {} where it should have succeeded; its stderr: {}",
            field("code="),
            field("stderr=")
        );
    }
    output
        .lines()
        .map(str::trim)
        .find(|line| {
            !line.is_empty()
                && !line.starts_with("NOTE:")
                && !line.starts_with("SKIPPED:")
                && !line.starts_with("minitalk test kit:")
                && !line.starts_with("thread '")
                && !line.starts_with("stack backtrace:")
                && !line.starts_with("note: run with")
        })
        .unwrap_or("(no message: see the output)")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
     Running tests/delivery.rs (target/debug/deps/delivery-1)

running 2 tests
test one_message_is_printed_exactly ... FAILED
test server_prints_its_pid_on_its_first_line ... ok

failures:

---- one_message_is_printed_exactly stdout ----
NOTE: your server prints a message without a newline after it
the client exited 0, but the server printed 0 of its 17 bytes
expected next: \"Hello\"

failures:
    one_message_is_printed_exactly

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out
     Running tests/usage.rs (target/debug/deps/usage-2)
test usage_errors::help_documents_every_exit_code ... ok
";

    #[test]
    fn reads_verdicts_files_diagnoses_notes_and_skips() {
        let events = "SKIPPED\tusage_errors::help_documents_every_exit_code\t--help: own\n\
                      NOTE\tserver_prints_its_pid_on_its_first_line\tcolours\n";
        let checks = checks(OUTPUT, events);
        assert_eq!(checks.len(), 3);
        assert_eq!(checks[0].file, "delivery");
        assert_eq!(
            checks[0].verdict,
            Verdict::Fail {
                diagnosis: "the client exited 0, but the server printed 0 of its 17 bytes"
                    .to_owned(),
                output: "NOTE: your server prints a message without a newline after it\n\
                         the client exited 0, but the server printed 0 of its 17 bytes\n\
                         expected next: \"Hello\"\n\n"
                    .to_owned(),
            }
        );
        assert_eq!(checks[1].verdict, Verdict::Pass);
        assert_eq!(checks[1].notes, ["colours"]);
        assert_eq!(checks[2].file, "usage");
        assert_eq!(
            checks[2].verdict,
            Verdict::Skipped("--help: own".to_owned())
        );
    }
}
