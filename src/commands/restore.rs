//! `restore`: bring back the work `reset` saved (the latest, or one named), never over
//! changes that are not saved.

use super::{CommandResult, TOOL, Workbook};
use crate::git;
use crate::parts;
use crate::state::{self, Started};
use crate::workspace::{Files, Unit, write_file};

impl Workbook {
    pub fn restore(&self, name: &str, saved: Option<&str>) -> CommandResult {
        let unit = self.unit(name)?;
        let names = self.state.saved(&unit);
        let Some(latest) = names.last() else {
            return Err(format!(
                "no saved work for {} (`{TOOL} reset {}` saves it)",
                unit.package, unit.id
            ));
        };
        let chosen = match saved {
            None => latest.clone(),
            Some(wanted) if names.iter().any(|n| n == wanted) => wanted.to_owned(),
            Some(wanted) => {
                return Err(format!(
                    "{} has no saved work {wanted:?} (it has, oldest first: {})",
                    unit.package,
                    names.join(", ")
                ));
            }
        };
        let saved_files = self
            .state
            .read_saved(&unit, &chosen)
            .map_err(|e| format!("cannot read the saved work {chosen}: {e}"))?;
        let current = unit.read_files()?;
        let (reference, _) = self.reference(&unit)?;
        let unsaved = self.unsaved_changes(&unit, &current, &reference, &names);
        if !unsaved.is_empty() {
            return Err(format!(
                "{} has changes that are not saved ({}): restoring would overwrite them. `{TOOL} reset {}` saves them first; then `{TOOL} restore {} {chosen}`",
                unit.package,
                unsaved.join(", "),
                unit.id,
                unit.id
            ));
        }

        // The stage becomes the reference with the saved files over it.
        let mut target = reference.clone();
        target.extend(saved_files.clone());
        for (path, text) in &target {
            if current.get(path) != Some(text) {
                write_file(&unit.dir.join(path), text)
                    .map_err(|e| format!("cannot write {}: {e}", unit.shown(path)))?;
            }
        }
        let found = parts::parts(&unit, &reference)?;
        let written: Vec<String> = found
            .iter()
            .filter(|p| p.bodies(&target) != p.bodies(&reference))
            .map(|p| p.name.clone())
            .collect();
        let mut record = self.state.read(&unit);
        if record.started.is_none() {
            self.state.save_reference(&unit, &reference)?;
            record.started = Some(Started {
                time: state::now(),
                parts: written,
                commit: git::head(&self.workspace.root),
                edited: Vec::new(),
            });
        }
        record.check = None;
        self.state.write(&unit, &record)?;

        println!(
            "Restored your work on {} saved in .workbook/saved/{}/{chosen}:",
            unit.package, unit.key
        );
        for path in saved_files.keys() {
            println!("  {}", unit.shown(path));
        }
        if names.len() > 1 {
            println!(
                "(Saved work of {}, oldest first: {}; `{TOOL} restore {} NAME` picks one.)",
                unit.package,
                names.join(", "),
                unit.id
            );
        }
        println!();
        println!(
            "Check it: {TOOL} check {}   (or watch {})",
            unit.id, unit.id
        );
        Ok(0)
    }

    /// The files of the unit that hold work not saved anywhere: those that differ from
    /// the reference, unless they are exactly fresh stubs or exactly a saved work.
    fn unsaved_changes(
        &self,
        unit: &Unit,
        current: &Files,
        reference: &Files,
        saved: &[String],
    ) -> Vec<String> {
        let Some(started) = self.state.read(unit).started else {
            // No exercise: the stage's files are the reference, and edits of them are
            // git's to know.
            return git::uncommitted(&self.workspace.root, &unit.rel_dir);
        };
        let changed = differing(current, reference);
        if changed.is_empty() {
            return Vec::new();
        }
        {
            let mut fresh = reference.clone();
            if let Ok(stubs) = parts::generate(unit, reference, Some(&started.parts)) {
                fresh.extend(stubs);
            }
            if *current == fresh {
                return Vec::new();
            }
        }
        let is_saved = saved
            .iter()
            .any(|name| self.state.read_saved(unit, name).ok().as_ref() == Some(&changed));
        if is_saved {
            return Vec::new();
        }
        changed.keys().map(|p| p.display().to_string()).collect()
    }
}

/// The files of `current` that differ from `reference` (or that it lacks).
fn differing(current: &Files, reference: &Files) -> Files {
    current
        .iter()
        .filter(|(path, text)| reference.get(*path) != Some(*text))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect()
}
