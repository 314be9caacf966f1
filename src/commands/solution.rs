//! `solution`: the reference code of a part (or of every part), region by region.

use super::{CommandResult, TOOL, Workbook};
use crate::parts::{self, Part};

impl Workbook {
    pub fn solution(&self, name: &str, part: Option<&str>) -> CommandResult {
        let unit = self.unit(name)?;
        let (reference, _) = self.reference(&unit)?;
        let found = parts::parts(&unit, &reference)?;
        if found.is_empty() {
            println!("{} has no exercise yet.", unit.package);
            return Ok(1);
        }
        let chosen: Vec<&Part> = match part {
            Some(part) => vec![self.pick(&unit, &reference, &found, Some(part))?],
            None => found.iter().collect(),
        };
        for part in chosen {
            for (path, region) in &part.regions {
                println!(
                    "──── {}: part {}, between `// EXERCISE: {}` and `// END EXERCISE` ────",
                    unit.shown(path),
                    part.name,
                    part.name
                );
                print!("{}", &reference[path][region.body.clone()]);
            }
        }
        println!("────");
        println!("Replace what is between the markers in your file with this, part by part;");
        println!(
            "or `{TOOL} reset {}` to restore the whole stage (your files are saved first).",
            unit.id
        );
        Ok(0)
    }
}
