//! `list`: every stage, its state, and the parts done, like rustlings' list.

use super::{CommandResult, TOOL, Workbook};
use crate::state;
use crate::workspace::Unit;

/// One row of the list.
struct Row {
    package: String,
    state: String,
    done: usize,
    total: usize,
    parts: String,
}

impl Workbook {
    pub fn list(&self) -> CommandResult {
        let units = self.workspace.units()?;
        let rows: Vec<Row> = units.iter().map(|unit| self.row(unit)).collect();
        let width = rows
            .iter()
            .map(|r| r.state.chars().count())
            .max()
            .unwrap_or(0);
        let package_width = rows.iter().map(|r| r.package.len()).max().unwrap_or(0);
        println!(
            "{:<package_width$}  {:<width$}  done   parts",
            "stage", "state"
        );
        for row in &rows {
            let done = format!("{}/{}", row.done, row.total);
            let line = format!(
                "{:<package_width$}  {:<width$}  {done:<5}  {}",
                row.package, row.state, row.parts
            );
            println!("{}", line.trim_end());
        }
        let done: usize = rows.iter().map(|r| r.done).sum();
        let total: usize = rows.iter().map(|r| r.total).sum();
        println!();
        println!(
            "Progress: {done} of {total} parts done (a part is done once it is written and its stage's check passes it)."
        );
        println!();
        println!("Start one:  {TOOL} start NN     Check it:  {TOOL} check NN  (or watch NN)");
        println!("Hints:      {TOOL} hint NN      Back to the reference:  {TOOL} reset NN");
        println!("Every command: {TOOL} help");
        Ok(0)
    }

    fn row(&self, unit: &Unit) -> Row {
        let mut row = Row {
            package: unit.package.clone(),
            state: String::new(),
            done: 0,
            total: 0,
            parts: String::new(),
        };
        let files = match unit.read_files() {
            Ok(files) => files,
            Err(e) => {
                row.state = "unreadable".into();
                row.parts = e;
                return row;
            }
        };
        let parts = match self.parts(unit, &files) {
            Ok(parts) => parts,
            Err(e) => {
                row.state = "markers broken".into();
                row.parts = e;
                return row;
            }
        };
        row.total = parts.len();
        if parts.is_empty() {
            row.state = "no exercise yet".into();
            return row;
        }
        let record = self.state.read(unit);
        let started = self.is_exercise(unit, &files);
        let stubs = parts.iter().filter(|p| p.is_stub(&files)).count();
        let check = record
            .check
            .as_ref()
            .filter(|c| c.fingerprint == state::fingerprint(&files));
        let passing: &[String] = check.map_or(&[], |c| &c.passing_parts);
        row.done = if started { passing.len() } else { 0 };
        row.parts = parts
            .iter()
            .map(|p| {
                if !started {
                    p.name.clone()
                } else if p.is_stub(&files) {
                    format!("{} (to do)", p.name)
                } else if passing.contains(&p.name) {
                    format!("{} (done)", p.name)
                } else {
                    p.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        row.state = if !started {
            "reference".into()
        } else {
            match check.map(|c| c.result.as_str()) {
                Some("pass") => format!(
                    "exercise passing, checked {}",
                    state::readable_time(check.map_or(0, |c| c.time))
                ),
                Some("build-error") => "exercise, last check: does not build".into(),
                Some(_) => format!(
                    "exercise, last check: {} failing",
                    check.map_or(0, |c| c.failed)
                ),
                None if stubs > 0 => format!("exercise, {stubs} of {} to do", parts.len()),
                None => "exercise, not checked since the last change".into(),
            }
        };
        row
    }
}
