//! `diff A B`: what stage B changes from stage A. Between consecutive stages, B's
//! `stage.toml [carried]` says which files it keeps the same and which it changes; the
//! changed ones are shown as unified diffs, and the files new in B are listed.

use std::path::PathBuf;

use super::{CommandResult, Workbook};
use crate::markers::is_marker_line;
use crate::parts::{self, SCAFFOLD_LINE};
use crate::unified::unified;
use crate::workspace::{Files, Unit};

impl Workbook {
    pub fn diff(&self, from: &str, to: &str) -> CommandResult {
        let (a, b) = (self.unit(from)?, self.unit(to)?);
        let (a_files, b_files) = (sources(&a)?, sources(&b)?);
        for unit in [&a, &b] {
            if self.is_exercise(unit, &unit.read_files()?) {
                println!(
                    "(Note: {} is an exercise in progress: this compares your files, stubs and all.)",
                    unit.package
                );
            }
        }
        let consecutive = self
            .workspace
            .next_unit(&a)
            .is_some_and(|next| next.id == b.id);
        let (same, changed): (Vec<PathBuf>, Vec<PathBuf>) = match (&b.manifest.carried, consecutive)
        {
            (Some(carried), true) => (
                carried.same.iter().map(PathBuf::from).collect(),
                carried.changed.iter().map(PathBuf::from).collect(),
            ),
            _ => {
                // Not neighbours: no manifest says it, so compare what both have.
                let both = b_files.keys().filter(|p| a_files.contains_key(*p));
                both.cloned().partition(|p| a_files[p] == b_files[p])
            }
        };
        let new: Vec<&PathBuf> = b_files
            .keys()
            .filter(|p| !same.contains(p) && !changed.contains(p))
            .collect();
        let gone: Vec<&PathBuf> = a_files
            .keys()
            .filter(|p| !b_files.contains_key(*p))
            .collect();

        println!(
            "What {} ({}) changes from {} ({}):",
            b.package, b.manifest.title, a.package, a.manifest.title
        );
        if consecutive {
            println!("(as {}/stage.toml [carried] lists it)", b.rel_dir);
        }
        let line_count = |path: &PathBuf| {
            let lines = b_files.get(path).map_or(0, |t| t.lines().count());
            format!("{} ({lines} lines)", path.display())
        };
        print_list(
            "Kept the same",
            same.iter().map(|p| p.display().to_string()),
        );
        print_list("Changed", changed.iter().map(|p| p.display().to_string()));
        print_list(
            &format!("New in {}", b.package),
            new.iter().map(|p| line_count(p)),
        );
        if !gone.is_empty() {
            print_list(
                &format!("Only in {}", a.package),
                gone.iter().map(|p| p.display().to_string()),
            );
        }
        for path in &changed {
            let (Some(old), Some(new)) = (a_files.get(path), b_files.get(path)) else {
                continue;
            };
            println!();
            print!("{}", unified(old, new, &a.shown(path), &b.shown(path)));
        }
        Ok(0)
    }
}

/// `Title (N):` and one line per entry, or `(none)`.
fn print_list(title: &str, entries: impl ExactSizeIterator<Item = String>) {
    println!();
    println!("{title} ({}):", entries.len());
    let mut any = false;
    for entry in entries {
        println!("  {entry}");
        any = true;
    }
    if !any {
        println!("  (none)");
    }
}

/// A unit's Rust sources, without exercise markers and the scaffold line: the lesson's
/// code, as the book shows it.
fn sources(unit: &Unit) -> Result<Files, String> {
    Ok(unit
        .read_files()?
        .into_iter()
        .filter(|(path, _)| parts::is_source(path))
        .map(|(path, text)| {
            let kept: String = text
                .split_inclusive('\n')
                .filter(|line| !is_marker_line(line) && line.trim_end() != SCAFFOLD_LINE)
                .collect();
            (path, kept)
        })
        .collect())
}
