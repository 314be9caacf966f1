//! `check`: run the stage's tests and sum them up, part by part; cargo's whole output
//! goes to a log file (and to the terminal with `--verbose`).

use super::{CommandResult, Workbook};
use crate::parts::{self, without_scaffold_line};
use crate::report::{Check, Verdict};
use crate::state::{self, CheckRecord, relative};
use crate::testrun;
use crate::workspace::{Files, Unit, write_file};

impl Workbook {
    pub fn check(&self, name: &str, verbose: bool) -> CommandResult {
        let unit = self.unit(name)?;
        let verdict = self.run_check(&unit, verbose, false)?;
        print!("{}", verdict.text);
        Ok(if verdict.result == "pass" { 0 } else { 1 })
    }

    /// Run the check and record its result; the summary is for the caller to print.
    pub fn run_check(&self, unit: &Unit, verbose: bool, watching: bool) -> Result<Verdict, String> {
        self.prepare(unit)?;
        let files = unit.read_files()?;
        let log = self.state.log_file(unit);
        let shown_log = relative(&self.workspace.root, &log);
        println!(
            "Running `cargo test -p {}` (its whole output goes to {})…",
            unit.package,
            shown_log.display()
        );
        let run = testrun::run(&self.workspace.root, unit, &log, verbose)
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if verbose {
            println!();
        }
        let started = self.is_exercise(unit, &files);
        let reference = if started {
            self.reference(unit).ok().map(|(files, _)| files)
        } else {
            Some(files.clone())
        };
        let found = self.parts(unit, &files)?;
        let changed_spec = changed_spec(reference.as_ref(), &files);
        let next = self.workspace.next_unit(unit);
        let exercise: Vec<String> = match self.state.read(unit).started {
            Some(started) => started.parts,
            // Stubs without a record of the start: the parts still stubs.
            None => found
                .iter()
                .filter(|p| p.is_stub(&files))
                .map(|p| p.name.clone())
                .collect(),
        };
        let verdict = Check {
            unit,
            parts: &found,
            files: &files,
            reference: reference.as_ref(),
            started,
            exercise: &exercise,
            run: &run,
            changed_spec: &changed_spec,
            log: shown_log,
            next: next.as_ref(),
            watching,
        }
        .verdict();
        self.state.update(unit, |state| {
            state.check = Some(CheckRecord {
                result: verdict.result.to_owned(),
                fingerprint: state::fingerprint(&files),
                time: state::now(),
                passed: run.count(testrun::Outcome::Passed),
                failed: run.count(testrun::Outcome::Failed),
                passing_parts: verdict.passing_parts.clone(),
            });
        })?;
        Ok(verdict)
    }

    /// What a check does to the files before it runs: take the scaffold line out of
    /// every file that holds no stub any more, and say so.
    pub fn prepare(&self, unit: &Unit) -> Result<(), String> {
        for path in self.remove_scaffold_lines(unit)? {
            println!(
                "{} holds no stub any more: the `#![allow(…)]` line `start` put in it is gone, so the compiler's warnings about your code there show.",
                unit.shown(&path)
            );
        }
        Ok(())
    }

    /// Take the scaffold line out of every file that holds no stub any more.
    fn remove_scaffold_lines(&self, unit: &Unit) -> Result<Vec<std::path::PathBuf>, String> {
        let mut cleaned = Vec::new();
        for (path, text) in unit.read_files()? {
            if let Some(clean) = without_scaffold_line(&text).filter(|_| parts::is_source(&path)) {
                write_file(&unit.dir.join(&path), &clean)
                    .map_err(|e| format!("cannot write {}: {e}", unit.shown(&path)))?;
                cleaned.push(path);
            }
        }
        Ok(cleaned)
    }
}

/// The files outside `src/` (tests, manifests) that differ from the reference.
fn changed_spec(reference: Option<&Files>, files: &Files) -> Vec<String> {
    let Some(reference) = reference else {
        return Vec::new();
    };
    let mut changed: Vec<String> = reference
        .iter()
        .filter(|(p, _)| !p.starts_with("src"))
        .filter(|(p, text)| files.get(*p) != Some(text))
        .map(|(p, _)| p.display().to_string())
        .collect();
    changed.extend(
        files
            .keys()
            .filter(|p| !p.starts_with("src") && !reference.contains_key(*p))
            .map(|p| p.display().to_string()),
    );
    changed
}
