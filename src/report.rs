//! What `check` says: the summary first (counts, each part's state, the compiler's
//! warnings), then one short block per failing test, each traced to a part, then the
//! next command to run.
//!
//! Tracing a failure to a part is honest about how it knows:
//! - a stub's panic names its part (`exercise NAME: …`) in the failure's output;
//! - otherwise (a hang, a wrong byte) the failing code is among the parts that are not
//!   the reference's code any more: with one such part, it is that one; with several,
//!   one of them, and the summary says so;
//! - with every part the reference's, it is a change outside the parts, or (with none)
//!   the reference failing here, which a loaded machine can do: run the check again.

use std::path::PathBuf;

use crate::markers;
use crate::parts::{self, Part, SCAFFOLD_LINE};
use crate::testrun::{Outcome, TestCase, TestRun};
use crate::workspace::{Files, Unit};

/// How the learner runs the tool, for the commands we suggest.
pub const TOOL: &str = "cargo run -p workbook --";

/// How many failing tests get a block of their own; the rest are counted.
const BLOCKS: usize = 8;
/// How many lines of a failure's message are shown.
const MESSAGE_LINES: usize = 3;
/// How many characters of one line are shown.
const LINE_WIDTH: usize = 160;

/// Everything the summary is made from.
pub struct Check<'a> {
    pub unit: &'a Unit,
    pub parts: &'a [Part],
    pub files: &'a Files,
    /// The unit as it was at `start` (or its files, when it is no exercise).
    pub reference: Option<&'a Files>,
    /// Whether the unit is an exercise (started, or holding stubs).
    pub started: bool,
    /// The parts the exercise asks for (those `start` stubbed).
    pub exercise: &'a [String],
    pub run: &'a TestRun,
    /// The files outside `src/` that differ from the reference: then the check cannot pass.
    pub changed_spec: &'a [String],
    /// Where cargo's whole output is, relative to the workspace.
    pub log: PathBuf,
    /// The unit after this one.
    pub next: Option<&'a Unit>,
    /// Whether `watch` runs the check (then it need not say how to check again).
    pub watching: bool,
}

/// What a check concluded.
pub struct Verdict {
    pub text: String,
    /// `pass`, `fail` or `build-error`.
    pub result: &'static str,
    /// The parts written and passing.
    pub passing_parts: Vec<String>,
}

/// To which part a failing test is traced.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Trace {
    /// A stub's panic names these parts.
    Stub(Vec<String>),
    /// Its message names no part; these are the parts not the reference's code.
    Suspects(Vec<String>),
    /// Every part is the reference's; these files changed outside them.
    Outside(Vec<String>),
    /// Nothing differs from the reference.
    Reference,
}

impl Trace {
    fn blames(&self, part: &str) -> bool {
        match self {
            Trace::Stub(names) | Trace::Suspects(names) => names.iter().any(|n| n == part),
            _ => false,
        }
    }

    fn explain(&self) -> String {
        match self {
            Trace::Stub(names) => format!("part {}: its stub panicked", names.join(", ")),
            Trace::Suspects(names) if names.len() == 1 => format!(
                "part {}: the message names no part, and {} is the only part that is not the reference's code",
                names[0], names[0]
            ),
            Trace::Suspects(names) => format!(
                "one of the parts {}: the message names none, and these are not the reference's code",
                names.join(", ")
            ),
            Trace::Outside(files) => format!(
                "no part (every part is the reference's code); your changes outside the parts, in {}",
                files.join(", ")
            ),
            Trace::Reference => "no part: this is the reference's code, which fails here; \
                 under heavy load a deadline can pass, so check again"
                .to_owned(),
        }
    }
}

impl Check<'_> {
    /// The parts whose code is not the reference's (stubs included).
    fn differing(&self) -> Vec<String> {
        self.parts
            .iter()
            .filter(|part| {
                part.is_stub(self.files)
                    || match self.reference {
                        Some(reference) => part.bodies(self.files) != part.bodies(reference),
                        None => false,
                    }
            })
            .map(|p| p.name.clone())
            .collect()
    }

    /// The source files that differ from the reference outside the parts.
    fn changed_outside(&self) -> Vec<String> {
        let Some(reference) = self.reference else {
            return Vec::new();
        };
        let outside = |text: &str| -> String {
            let text = text.replace(&format!("{SCAFFOLD_LINE}\n"), "");
            let mut kept = String::new();
            let mut copied = 0;
            for region in markers::regions(&text).unwrap_or_default() {
                kept.push_str(&text[copied..region.body.start]);
                copied = region.body.end;
            }
            kept.push_str(&text[copied..]);
            kept
        };
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(path, _)| parts::is_source(path))
            .filter(|(path, text)| {
                reference
                    .get(*path)
                    .is_none_or(|theirs| outside(theirs) != outside(text))
            })
            .map(|(path, _)| path.display().to_string())
            .collect();
        changed.extend(
            reference
                .keys()
                .filter(|p| parts::is_source(p) && !self.files.contains_key(*p))
                .map(|p| format!("{} (deleted)", p.display())),
        );
        changed
    }

    fn trace(&self, test: &TestCase, differing: &[String], outside: &[String]) -> Trace {
        let named: Vec<String> = self
            .parts
            .iter()
            .filter(|p| test.output.contains(&format!("exercise {}:", p.name)))
            .map(|p| p.name.clone())
            .collect();
        if !named.is_empty() {
            Trace::Stub(named)
        } else if !differing.is_empty() {
            Trace::Suspects(differing.to_vec())
        } else if !outside.is_empty() {
            Trace::Outside(outside.to_vec())
        } else {
            Trace::Reference
        }
    }

    pub fn verdict(&self) -> Verdict {
        let run = self.run;
        let unit = self.unit;
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        let differing = self.differing();
        let outside = self.changed_outside();
        let traced: Vec<(&TestCase, Trace)> = run
            .failures()
            .map(|t| (t, self.trace(t, &differing, &outside)))
            .collect();
        let built = run.built && run.errors().next().is_none();
        let passed = run.count(Outcome::Passed);
        let failed = run.count(Outcome::Failed);
        let ignored = run.count(Outcome::Ignored);

        // The counts.
        let heading = format!("{} · {}", unit.package, unit.manifest.title);
        if !built {
            line(format!("{heading} — does not build"));
        } else {
            let mut counts = format!("{passed} passed, {failed} failed");
            if ignored > 0 {
                counts.push_str(&format!(", {ignored} ignored"));
            }
            line(format!("{heading} — {counts} ({} tests)", run.tests.len()));
        }
        if !self.started {
            line(format!(
                "{} is not an exercise: this checked the reference's code.",
                unit.package
            ));
        }

        // Each part.
        let mut passing_parts = Vec::new();
        if !self.parts.is_empty() {
            line(String::new());
            line("Parts:".into());
            let width = self.parts.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for part in self.parts {
                let blamed = traced.iter().filter(|(_, t)| t.blames(&part.name)).count();
                let traced_here = match blamed {
                    0 => String::new(),
                    1 => "; 1 failing test traces to it".to_owned(),
                    n => format!("; {n} failing tests trace to it"),
                };
                let state = if part.is_stub(self.files) {
                    format!("to do (still a stub{traced_here})")
                } else if !differing.contains(&part.name) && !self.exercise.contains(&part.name) {
                    if self.started {
                        "the reference's code (not part of this exercise)".to_owned()
                    } else {
                        "the reference's code".to_owned()
                    }
                } else if !built {
                    "written; not checked, the stage does not build".to_owned()
                } else if blamed > 0 {
                    format!("written, failing ({})", &traced_here[2..])
                } else {
                    passing_parts.push(part.name.clone());
                    "written, passing".to_owned()
                };
                line(format!("  {:<width$}  {state}", part.name));
            }
        }

        // The compiler's errors and warnings.
        let errors: Vec<_> = run.errors().collect();
        if !errors.is_empty() {
            line(String::new());
            line("Compiler errors:".into());
            for note in errors.iter().take(10) {
                line(format!("  {}{}", place(&note.place), note.message));
            }
            if errors.len() > 10 {
                line(format!("  … and {} more", errors.len() - 10));
            }
        }
        let warnings: Vec<_> = run.warnings().collect();
        if !warnings.is_empty() {
            line(String::new());
            line(format!("Compiler warnings in {}:", unit.rel_dir));
            for note in warnings.iter().take(10) {
                line(format!("  {}{}", place(&note.place), note.message));
            }
            if warnings.len() > 10 {
                line(format!("  … and {} more", warnings.len() - 10));
            }
        }
        if built && !run.success && failed == 0 {
            line(String::new());
            line("The tests did not finish: cargo said".into());
            for error in run.cargo_errors.iter().take(5) {
                line(format!("  {}", cut(error)));
            }
        }

        // One block per failing test.
        if !traced.is_empty() {
            line(String::new());
            line("Failing tests:".into());
            for (test, trace) in traced.iter().take(BLOCKS) {
                let target = test
                    .target
                    .as_deref()
                    .map_or(String::new(), |t| format!(" ({t})"));
                if let Trace::Stub(_) = trace {
                    // The stub's message is the part's description, in "Next:" below.
                    line(format!("  {}{target} → {}", test.name, trace.explain()));
                    continue;
                }
                line(format!("  {}{target}", test.name));
                line(format!("    → {}", trace.explain()));
                for text in short_message(&test.output) {
                    line(format!("    {text}"));
                }
            }
            if traced.len() > BLOCKS {
                line(format!(
                    "  … and {} more, in the log",
                    traced.len() - BLOCKS
                ));
            }
        }
        if !self.changed_spec.is_empty() {
            line(String::new());
            line(format!(
                "These files are the stage's specification, and differ from the reference: {}.",
                self.changed_spec.join(", ")
            ));
            line(format!(
                "A check counts only with the reference's tests: `{TOOL} reset {}` restores them (saving yours).",
                unit.id
            ));
        }
        line(String::new());
        line(format!("cargo's whole output: {}", self.log.display()));

        let result = if !built {
            "build-error"
        } else if run.success && self.changed_spec.is_empty() {
            "pass"
        } else {
            "fail"
        };
        if result == "pass" && self.started && !warnings.is_empty() {
            line(String::new());
            line(
                "The tests pass, but the compiler warns about the stage's code (above): a variable or import \
                 left unused is often the sign of a step left out. Look at the warnings before you move on."
                    .into(),
            );
        }
        line(String::new());
        for text in self.next_steps(result, &traced) {
            line(text);
        }
        Verdict {
            text: out,
            result,
            passing_parts,
        }
    }

    /// What to do next: the part to write, or the next stage.
    fn next_steps(&self, result: &str, traced: &[(&TestCase, Trace)]) -> Vec<String> {
        let unit = self.unit;
        let id = &unit.id;
        let mut lines = Vec::new();
        if result == "pass" {
            if !self.started {
                lines.push(format!(
                    "Next: do it as an exercise, `{TOOL} start {id}` (the reference's code is replaced by stubs)."
                ));
            } else {
                match self.next {
                    Some(next) => {
                        lines.push(format!(
                            "The exercise passes. Next: {} · {}, `{TOOL} start {}`",
                            next.package, next.manifest.title, next.id
                        ));
                        lines.push(format!(
                            "(Aside: compare with the reference, `{TOOL} solution {id}`; what the next stage changes, `{TOOL} diff {id} {}`.)",
                            next.id
                        ));
                    }
                    // The last stage, or a unit that no stage follows (the lab): there is
                    // no next stage to point at, nor a diff with one.
                    None => {
                        lines.push("The exercise passes.".into());
                        lines.push(format!(
                            "(Aside: compare with the reference, `{TOOL} solution {id}`.)"
                        ));
                    }
                }
            }
            return lines;
        }
        // The first part still to do, or the first part a failure is traced to.
        let todo = self
            .parts
            .iter()
            .find(|p| p.is_stub(self.files))
            .or_else(|| {
                self.parts
                    .iter()
                    .find(|p| traced.iter().any(|(_, t)| t.blames(&p.name)))
            });
        if result == "build-error" {
            lines.push(format!(
                "Next: fix the first compiler error above (the compiler's whole message: `cargo build -p {} --tests`), then check again.",
                unit.package
            ));
        } else if let Some(part) = todo {
            let verb = if part.is_stub(self.files) {
                "write"
            } else {
                "fix"
            };
            lines.push(format!(
                "Next: {verb} {}",
                parts::describe(unit, &part.name)
            ));
            for place in part.places(unit) {
                lines.push(format!("      in {place}"));
            }
            lines.push(format!("  a hint:       {TOOL} hint {id} {}", part.name));
        } else if let Some((test, _)) = traced.first() {
            let target = test
                .target
                .as_deref()
                .map_or(String::new(), |t| format!(" {t}"));
            lines.push(format!(
                "Next: run the first failing test alone, `cargo test -p {}{target} -- {} --exact`",
                unit.package, test.name
            ));
        }
        if !self.watching {
            lines.push(format!(
                "  check again:  {TOOL} check {id}   (or `{TOOL} watch {id}`: a check on every save)"
            ));
        }
        lines
    }
}

fn place(place: &str) -> String {
    if place.is_empty() {
        String::new()
    } else {
        format!("{place}: ")
    }
}

/// `text` cut to [`LINE_WIDTH`] characters, saying how much was left out.
fn cut(text: &str) -> String {
    let count = text.chars().count();
    if count <= LINE_WIDTH {
        return text.to_owned();
    }
    let kept: String = text.chars().take(LINE_WIDTH).collect();
    format!("{kept}… ({} more characters)", count - LINE_WIDTH)
}

/// The few lines of a failure's output that say what went wrong: the panic's message
/// and place, without backtraces, blank lines or long dumps; for an `assert_eq!`, where
/// the two sides first differ.
pub fn short_message(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut place: Option<String> = None;
    let mut in_backtrace = false;
    let mut left: Option<&str> = None;
    let mut right: Option<&str> = None;
    for raw in output.lines() {
        let text = raw.trim();
        if text.is_empty() {
            in_backtrace = false;
            continue;
        }
        if text == "stack backtrace:" {
            in_backtrace = true;
            continue;
        }
        if in_backtrace || text.starts_with("note: ") {
            continue;
        }
        if text.starts_with("thread '") && text.contains(" panicked at ") {
            if place.is_none() {
                place = text
                    .split(" panicked at ")
                    .nth(1)
                    .map(|p| p.trim_end_matches(':').to_owned());
            }
            continue;
        }
        if let Some(l) = text.strip_prefix("left: ") {
            left = Some(l);
        } else if let Some(r) = text.strip_prefix("right: ") {
            right = Some(r);
        }
        lines.push(cut(text));
    }
    lines.dedup();
    let mut shown: Vec<String> = lines.into_iter().take(MESSAGE_LINES).collect();
    if let (Some(left), Some(right)) = (left, right) {
        shown.push(first_difference(left, right));
    }
    if let Some(place) = place {
        shown.push(format!("(panicked at {place})"));
    }
    shown
}

/// Where `left` and `right` first differ, byte by byte.
fn first_difference(left: &str, right: &str) -> String {
    let (a, b) = (left.as_bytes(), right.as_bytes());
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let show = |bytes: &[u8]| -> String {
        match bytes.get(at) {
            Some(byte) => format!("{:?}", char::from(*byte)),
            None => "its end".to_owned(),
        }
    };
    format!(
        "first difference at byte {at} of the two sides as printed: left has {}, right has {}",
        show(a),
        show(b)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_shortened_to_its_message_and_place() {
        let output = format!(
            "\nthread 'a' (12) panicked at tests/delivery.rs:23:52:\nthe server printed something else\nstack backtrace:\n   0: x\n             at y\nnote: Some details are omitted\n\ncommand=`client 1 \"{}\"`\n",
            "x".repeat(10_000)
        );
        let short = short_message(&output);
        assert_eq!(short[0], "the server printed something else");
        assert!(
            short[1].len() < 300 && short[1].contains("more characters"),
            "{}",
            short[1]
        );
        assert_eq!(
            short.last().unwrap(),
            "(panicked at tests/delivery.rs:23:52)"
        );
        assert!(
            !short
                .iter()
                .any(|l| l.contains("backtrace") || l.contains("at y"))
        );
    }

    #[test]
    fn assert_eq_shows_the_first_differing_byte() {
        let output = "assertion `left == right` failed\n  left: \"hello\"\n right: \"help!\"\n";
        let short = short_message(output);
        assert!(
            short
                .iter()
                .any(|l| l.contains("first difference at byte 4")
                    && l.contains("'l'")
                    && l.contains("'p'")),
            "{short:?}"
        );
    }
}
