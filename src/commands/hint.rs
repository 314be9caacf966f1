//! `hint`: the hints of a part, one more each time, from a nudge to the answer.

use super::{CommandResult, TOOL, Workbook};
use crate::parts;

impl Workbook {
    pub fn hint(&self, name: &str, part: Option<&str>) -> CommandResult {
        let unit = self.unit(name)?;
        let files = unit.read_files()?;
        let found = self.parts(&unit, &files)?;
        let part = self.pick(&unit, &files, &found, part)?;
        println!("{}", parts::describe(&unit, &part.name));
        let hints = part.spec.as_ref().map_or(&[][..], |s| &s.hints[..]);
        if hints.is_empty() {
            println!(
                "No hints are written for this part yet: the book section above is the place to read."
            );
            return Ok(0);
        }
        let already = self
            .state
            .read(&unit)
            .hints
            .get(&part.name)
            .copied()
            .unwrap_or(0);
        let shown = (already + 1).min(hints.len());
        for (k, hint) in hints.iter().enumerate().take(shown) {
            println!();
            println!("Hint {} of {}:", k + 1, hints.len());
            for line in hint.lines() {
                println!("  {line}");
            }
        }
        println!();
        if shown < hints.len() {
            println!("The same command again shows the next hint.");
        } else {
            println!(
                "That was the last hint. The reference: {TOOL} solution {} {}",
                unit.id, part.name
            );
        }
        self.state.update(&unit, |state| {
            state.hints.insert(part.name.clone(), shown);
        })?;
        Ok(0)
    }
}
