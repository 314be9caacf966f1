//! `reset`: show the learner's changes against the reference, save them under
//! `.workbook/saved/`, and restore the reference (`restore` brings the work back).

use std::path::Path;

use super::{CommandResult, TOOL, Workbook};
use crate::git;
use crate::state::relative;
use crate::unified::unified;
use crate::workspace::{Files, Unit, write_file};

impl Workbook {
    pub fn reset(&self, name: &str) -> CommandResult {
        let unit = self.unit(name)?;
        self.reset_unit(&unit)?;
        Ok(0)
    }

    /// Reset every unit that is an exercise (or holds stubs).
    pub fn reset_all(&self) -> CommandResult {
        let mut any = false;
        for unit in self.workspace.units()? {
            let files = unit.read_files()?;
            if self.is_exercise(&unit, &files) {
                any = true;
                self.reset_unit(&unit)?;
                println!();
            }
        }
        if !any {
            println!("No stage is an exercise: nothing to reset.");
        }
        Ok(0)
    }

    fn reset_unit(&self, unit: &Unit) -> Result<(), String> {
        let current = unit.read_files()?;
        if !self.is_exercise(unit, &current) {
            // Nothing of ours to undo; other changes are git's business (and maybe
            // someone's unfinished work).
            println!(
                "{} is not an exercise: nothing to reset. (Changes of your own: `git diff -- {}`.)",
                unit.package, unit.rel_dir
            );
            return Ok(());
        }
        let (reference, source) = self.reference(unit)?;
        let mut changes: Vec<(&Path, Option<&String>, Option<&String>)> = Vec::new();
        for (path, text) in &reference {
            if current.get(path) != Some(text) {
                changes.push((path, current.get(path), Some(text)));
            }
        }
        for (path, text) in &current {
            if !reference.contains_key(path) {
                changes.push((path, Some(text), None));
            }
        }
        if changes.is_empty() {
            println!(
                "{} is as it was when the exercise started: nothing to restore.",
                unit.package
            );
        } else {
            println!(
                "{}: your files against the reference ({source}):",
                unit.package
            );
            println!();
            for (path, yours, reference) in &changes {
                let shown = unit.shown(path);
                match (yours, reference) {
                    (Some(yours), Some(reference)) => print!(
                        "{}",
                        unified(
                            yours,
                            reference,
                            &format!("{shown} (yours)"),
                            &format!("{shown} (reference)")
                        )
                    ),
                    (Some(_), None) => {
                        println!("{shown}: yours only, not in the reference: it is moved aside")
                    }
                    (None, _) => println!("{shown}: missing: it is restored"),
                }
            }
            let yours: Files = changes
                .iter()
                .filter_map(|(p, yours, _)| yours.map(|t| (p.to_path_buf(), t.clone())))
                .collect();
            let saved = self
                .state
                .save_work(unit, &yours)
                .map_err(|e| format!("cannot save your files, so nothing was changed: {e}"))?;
            for (path, _, reference) in &changes {
                let target = unit.dir.join(path);
                match reference {
                    Some(text) => write_file(&target, text),
                    None => std::fs::remove_file(&target),
                }
                .map_err(|e| format!("cannot restore {}: {e}", target.display()))?;
            }
            println!();
            println!(
                "Your version of the files above is saved in {} (`{TOOL} restore {}` brings it back).",
                relative(&self.workspace.root, &saved).display(),
                unit.id
            );
        }
        self.forget_start(unit)?;
        self.say_what_is_left(unit, &reference)
    }

    /// Say what the unit is now, honestly: the reference, or the copy taken at `start`
    /// that still differs from git's last commit.
    fn say_what_is_left(&self, unit: &Unit, reference: &Files) -> Result<(), String> {
        if unit.read_files()? != *reference {
            return Err(format!(
                "{} could not be restored: its files still differ from the reference copy",
                unit.rel_dir
            ));
        }
        let edited = git::uncommitted(&self.workspace.root, &unit.rel_dir);
        if edited.is_empty() {
            println!("{} is the reference again.", unit.package);
        } else {
            println!(
                "{} is as it was when the exercise started, which is not git's last commit: it still differs in {} (`git diff -- {}` shows how; `git checkout -- {}` undoes it).",
                unit.package,
                edited.join(", "),
                unit.rel_dir,
                unit.rel_dir
            );
        }
        Ok(())
    }

    /// Drop what `start`, `check` and `hint` recorded of a unit.
    pub fn forget_start(&self, unit: &Unit) -> Result<(), String> {
        self.state.update(unit, |state| {
            state.started = None;
            state.check = None;
            state.hints.clear();
        })?;
        self.state.remove_reference(unit)
    }
}
