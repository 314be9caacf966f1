//! `start`: turn a stage into its exercise: the marked parts (all, or those named) become
//! stubs that compile and panic with a pointer to the book.

use super::{CommandResult, TOOL, Workbook, names};
use crate::git;
use crate::parts::{self, Part, has_any_stub};
use crate::state::{self, Started, UnitState};
use crate::workspace::write_file;

impl Workbook {
    pub fn start(&self, name: &str, wanted: &[String], force: bool) -> CommandResult {
        let unit = self.unit(name)?;
        if let Some(started) = self.state.read(&unit).started {
            return Err(format!(
                "{} is already an exercise (started {}). `{TOOL} reset {}` first: it shows your work and saves it before restoring the reference",
                unit.package,
                state::readable_time(started.time),
                unit.id
            ));
        }
        let files = unit.read_files()?;
        if has_any_stub(&files) {
            return Err(format!(
                "{}'s sources already hold exercise stubs (but .workbook/ has no record of a start): `{TOOL} reset {}` restores the reference first",
                unit.package, unit.id
            ));
        }
        let found = parts::parts(&unit, &files)?;
        if found.is_empty() {
            println!(
                "{} has no exercise yet: nothing in it is marked `// EXERCISE: name`.",
                unit.package
            );
            return Ok(1);
        }
        for name in wanted {
            if !found.iter().any(|p| &p.name == name) {
                return Err(format!(
                    "{} has no part {name:?} (it has: {})",
                    unit.package,
                    names(&found)
                ));
            }
        }
        // The copy taken now is what `reset` restores: an uncommitted edit would become
        // part of it, and `reset` would bring the edit back, not the workbook's code.
        let edited = git::uncommitted(&self.workspace.root, &unit.rel_dir);
        if !edited.is_empty() && !force {
            return Err(format!(
                "{} has changes not committed to git ({}). `start` keeps the stage as it is now for `reset`, so `reset` would bring these changes back, not the workbook's code. \
                 Commit them, or undo them (`git checkout -- {}`), or keep them in the reference: `{TOOL} start {} --force`",
                unit.rel_dir,
                edited.join(", "),
                unit.rel_dir,
                unit.id
            ));
        }
        let selection = (!wanted.is_empty()).then_some(wanted);
        let generated = parts::generate(&unit, &files, selection)?;

        self.state.save_reference(&unit, &files)?;
        let chosen: Vec<String> = found
            .iter()
            .filter(|p| wanted.is_empty() || wanted.contains(&p.name))
            .map(|p| p.name.clone())
            .collect();
        self.state.write(
            &unit,
            &UnitState {
                started: Some(Started {
                    time: state::now(),
                    parts: chosen.clone(),
                    commit: git::head(&self.workspace.root),
                    edited: edited.clone(),
                }),
                // A fresh start: no check, and the hints begin again with the first.
                check: None,
                hints: Default::default(),
            },
        )?;
        for (path, text) in &generated {
            write_file(&unit.dir.join(path), text)
                .map_err(|e| format!("cannot write {}: {e}", unit.shown(path)))?;
        }

        // Line numbers from the files as they are now, stubs and all.
        let mut now = files.clone();
        now.extend(generated);
        let stubbed: Vec<Part> = parts::parts(&unit, &now)?
            .into_iter()
            .filter(|p| chosen.contains(&p.name))
            .collect();
        println!(
            "{} is now an exercise: {} to write.",
            unit.package,
            if stubbed.len() == 1 {
                "1 part".to_owned()
            } else {
                format!("{} parts", stubbed.len())
            }
        );
        for part in &stubbed {
            println!();
            println!("  {}", parts::describe(&unit, &part.name));
            for place in part.places(&unit) {
                println!("    in {place}");
            }
        }
        let id = &unit.id;
        println!();
        println!(
            "Write each part between its `// EXERCISE:` and `// END EXERCISE` lines, in place of the stub, then:"
        );
        println!("  {TOOL} watch {id}     checks again each time you save a file of the stage");
        println!("  {TOOL} check {id}     runs the stage's tests once, summed up part by part");
        println!("  {TOOL} hint {id}      a hint for the next part, one more each time");
        println!(
            "  {TOOL} reset {id}     back to the reference (your files are shown and saved first)"
        );
        println!();
        println!(
            "Careful, the answer is one command away: `git diff -- {}` shows the code the stubs replaced, and .workbook/reference/ keeps a copy of it for `reset`. \
             Look there only when you mean to; `{TOOL} solution {id} PART` shows one part's answer.",
            unit.rel_dir
        );
        if !edited.is_empty() {
            println!();
            println!(
                "Note: your uncommitted changes ({}) are in the reference copy: `reset` restores them, not git's last commit.",
                edited.join(", ")
            );
        }
        Ok(0)
    }
}
