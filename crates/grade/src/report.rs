//! The report: markdown for a person (a summary to paste, then a table per stage), JUnit
//! XML for a CI.

use std::fmt::Write;

use crate::{Check, Options, StageResult, Verdict};

/// How many checks of `checks` passed, failed, were skipped, and how many notes came.
fn counts(checks: &[Check]) -> (usize, usize, usize, usize) {
    let count = |f: fn(&Verdict) -> bool| checks.iter().filter(|c| f(&c.verdict)).count();
    (
        count(|v| *v == Verdict::Pass),
        count(|v| matches!(v, Verdict::Fail { .. })),
        count(|v| matches!(v, Verdict::Skipped(_))),
        checks.iter().map(|c| c.notes.len()).sum(),
    )
}

/// One line per stage: `stage 03: pass (18 passed, 2 skipped, 1 note)`.
pub fn summary_line(result: &StageResult) -> String {
    let (passed, failed, skipped, notes) = counts(&result.checks);
    let verdict = match (&result.incomplete, failed) {
        (Some(_), _) => "incomplete",
        (None, 0) if passed > 0 => "pass",
        (None, 0) => "nothing ran",
        (None, _) => "FAIL",
    };
    let mut line = format!("stage {:02}: {verdict} ({passed} passed", result.number);
    for (n, word) in [(failed, "failed"), (skipped, "skipped"), (notes, "note")] {
        if n > 0 {
            let plural = if word == "note" && n > 1 { "s" } else { "" };
            let _ = write!(line, ", {n} {word}{plural}");
        }
    }
    line.push(')');
    if let Some(why) = &result.incomplete {
        let _ = write!(line, ": {why}");
    }
    line
}

/// Text for a markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The markdown report.
pub fn markdown(options: &Options, results: &[StageResult]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# minitalk: graded with the workbook's checks\n");
    let _ = writeln!(
        md,
        "Server `{}`, client `{}`.\n",
        options.server.display(),
        options.client.display()
    );
    let _ = writeln!(md, "## Summary\n\n```text");
    for result in results {
        let _ = writeln!(md, "{}", summary_line(result));
    }
    let _ = writeln!(md, "```\n");
    let _ = writeln!(
        md,
        "A check fails only for what the subject asks of any minitalk; what is the workbook's \
         own convention (exit code 2 for a usage error, one line on stderr, a confirmation \
         line) is a note. A skipped check tests something only the workbook's own programs \
         do.\n"
    );
    for result in results {
        let _ = writeln!(md, "## Stage {:02}\n", result.number);
        if let Some(why) = &result.incomplete {
            let _ = writeln!(md, "{why}\n");
        }
        if result.checks.is_empty() {
            continue;
        }
        let _ = writeln!(md, "| check | verdict | diagnosis, why skipped, notes |");
        let _ = writeln!(md, "| --- | --- | --- |");
        for check in &result.checks {
            let (verdict, text) = match &check.verdict {
                Verdict::Pass => ("pass", String::new()),
                Verdict::Fail { diagnosis, .. } => ("**FAIL**", diagnosis.clone()),
                Verdict::Skipped(why) => ("skipped", why.clone()),
            };
            let mut text = text;
            for note in &check.notes {
                if !text.is_empty() {
                    text.push_str("<br>");
                }
                let _ = write!(text, "note: {note}");
            }
            let _ = writeln!(
                md,
                "| `{}::{}` | {verdict} | {} |",
                check.file,
                check.name,
                cell(&text)
            );
        }
        md.push('\n');
    }
    md
}

/// `text` escaped for XML.
fn xml(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\t' || c == '\n' || c >= ' ')
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// JUnit XML: a `testsuite` per stage, a `testcase` per check.
pub fn junit(results: &[StageResult]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for result in results {
        let (passed, failed, skipped, _) = counts(&result.checks);
        let _ = writeln!(
            out,
            "  <testsuite name=\"stage-{:02}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\" errors=\"{}\" time=\"{:.3}\">",
            result.number,
            passed + failed + skipped,
            usize::from(result.incomplete.is_some()),
            result.elapsed.as_secs_f64()
        );
        if let Some(why) = &result.incomplete {
            let _ = writeln!(
                out,
                "    <testcase classname=\"stage-{:02}\" name=\"(the stage's checks)\"><error message=\"{}\"/></testcase>",
                result.number,
                xml(why)
            );
        }
        for check in &result.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"stage-{:02}.{}\" name=\"{}\"",
                result.number,
                xml(&check.file),
                xml(&check.name)
            );
            let notes = check.notes.join("\n");
            match &check.verdict {
                Verdict::Pass if notes.is_empty() => out.push_str("/>\n"),
                Verdict::Pass => {
                    let _ = writeln!(out, "><system-out>{}</system-out></testcase>", xml(&notes));
                }
                Verdict::Fail { diagnosis, output } => {
                    let _ = writeln!(
                        out,
                        "><failure message=\"{}\">{}</failure></testcase>",
                        xml(diagnosis),
                        xml(output)
                    );
                }
                Verdict::Skipped(why) => {
                    let _ = writeln!(out, "><skipped message=\"{}\"/></testcase>", xml(why));
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
