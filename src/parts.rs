//! A unit's exercise parts: the regions its sources mark (`// EXERCISE: name`, see
//! [`markers`]) together with what its `stage.toml` says of each (what it asks for, the
//! book's section, the hints), and the stubs `start` writes in their place.

use std::path::{Path, PathBuf};

use minitalk_manifest::Exercise;

use crate::markers::{self, Region};
use crate::workspace::{Files, Unit};

/// One exercise part: its regions (in one or more files) and its manifest entry.
#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    pub regions: Vec<(PathBuf, Region)>,
    pub spec: Option<Exercise>,
}

/// Whether `path` (relative to the unit) is Rust source of the unit, where markers live.
pub fn is_source(path: &Path) -> bool {
    path.starts_with("src") && path.extension().is_some_and(|e| e == "rs")
}

/// The parts marked in `files`, in the order the manifest gives (then in order of
/// appearance).
pub fn parts(unit: &Unit, files: &Files) -> Result<Vec<Part>, String> {
    let mut found: Vec<Part> = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| is_source(p)) {
        let regions = markers::regions(text).map_err(|e| format!("{}: {e}", unit.shown(path)))?;
        for region in regions {
            match found.iter_mut().find(|p| p.name == region.name) {
                Some(part) => part.regions.push((path.clone(), region)),
                None => found.push(Part {
                    name: region.name.clone(),
                    spec: unit.manifest.exercise(&region.name).cloned(),
                    regions: vec![(path.clone(), region)],
                }),
            }
        }
    }
    let position = |name: &str| {
        unit.manifest
            .exercises
            .iter()
            .position(|e| e.name == name)
            .unwrap_or(usize::MAX)
    };
    found.sort_by_key(|p| position(&p.name));
    Ok(found)
}

impl Part {
    /// Whether the part is still a stub in `files`.
    pub fn is_stub(&self, files: &Files) -> bool {
        self.regions
            .iter()
            .any(|(path, _)| files.get(path).is_some_and(|t| has_stub(t, &self.name)))
    }

    /// The text of the part's regions in `files`, if its markers are all there.
    pub fn bodies<'f>(&self, files: &'f Files) -> Option<Vec<&'f str>> {
        let mut bodies = Vec::new();
        for path in self.files() {
            let text = files.get(path)?;
            bodies.extend(markers::region_text(text, &self.name).ok()?);
        }
        Some(bodies)
    }

    /// The files the part has regions in, each once.
    pub fn files(&self) -> Vec<&PathBuf> {
        let mut files: Vec<&PathBuf> = self.regions.iter().map(|(p, _)| p).collect();
        files.dedup();
        files
    }

    /// Where the learner writes it: `stages/03-acknowledged/src/wait.rs, line 24`.
    pub fn places(&self, unit: &Unit) -> Vec<String> {
        self.regions
            .iter()
            .map(|(path, region)| format!("{}, line {}", unit.shown(path), region.line))
            .collect()
    }
}

/// What a stub says after `exercise NAME: `: what to write and where the book teaches it.
pub fn stub_message(unit: &Unit, name: &str) -> String {
    let mut title = unit.manifest.full_title();
    if let Some(own) = unit
        .manifest
        .exercise(name)
        .and_then(|e| own_chapter_title(unit, e))
    {
        title = format!("{title}: {own}");
    }
    match unit.manifest.exercise(name) {
        Some(e) if !e.section.is_empty() => format!("{} — book: {title} § {}", e.what, e.section),
        Some(e) => format!("{} — book: {title}", e.what),
        None => format!("write this part of {} — book: {title}", unit.package),
    }
}

/// The title of a part's own chapter (its `# Title` line), for a part that has one: each
/// experiment of the lab has a chapter of its own, beside the unit's.
fn own_chapter_title(unit: &Unit, exercise: &minitalk_manifest::Exercise) -> Option<String> {
    let chapter = exercise.chapter.as_ref()?;
    let book = unit
        .dir
        .ancestors()
        .map(|dir| dir.join("book").join("src"))
        .find(|book| book.is_dir())?;
    let text = std::fs::read_to_string(book.join(chapter)).ok()?;
    Some(text.lines().next()?.strip_prefix("# ")?.trim().to_owned())
}

/// One line about a part: its name, what to write, and where the book teaches it.
pub fn describe(unit: &Unit, name: &str) -> String {
    format!("part {name}: {}", stub_message(unit, name))
}

/// `files` turned into the exercise: the regions of `names` (all when `None`) stubbed.
/// Returns only the files that change.
pub fn generate(unit: &Unit, files: &Files, names: Option<&[String]>) -> Result<Files, String> {
    let mut changed = Files::new();
    for (path, text) in files.iter().filter(|(p, _)| is_source(p)) {
        let stubbed = markers::stub(text, names, |name| stub_message(unit, name))
            .map_err(|e| format!("{}: {e}", unit.shown(path)))?;
        if stubbed != *text {
            changed.insert(path.clone(), add_scaffold_line(&stubbed));
        }
    }
    Ok(changed)
}

/// The line that keeps what stubs leave unused (imports, helpers only the part calls,
/// code after a statement stub) from burying the test failures. It allows no more than
/// that: an unused *variable* still warns, since the stubs use theirs. `check` removes
/// it from a file once the file holds no stub, so the compiler then says all it has to
/// say about the learner's code.
pub const SCAFFOLD_LINE: &str = "#![allow(dead_code, unused_imports, unreachable_code)] // workbook: while this file holds stubs; `check` removes this line once it holds none";

/// `source` with [`SCAFFOLD_LINE`] after its leading `//!` comment (where inner
/// attributes go).
fn add_scaffold_line(source: &str) -> String {
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("//!") || trimmed.starts_with("#![") || trimmed.is_empty() {
            at += line.len();
        } else {
            break;
        }
    }
    // Back up over trailing blank lines so the attribute sits right under the doc comment.
    let head = source[..at].trim_end_matches('\n');
    let head_len = if head.is_empty() { 0 } else { head.len() + 1 };
    format!(
        "{}{SCAFFOLD_LINE}\n{}",
        &source[..head_len],
        &source[head_len..]
    )
}

/// `source` without the scaffold line, if it has one and no stub is left in it.
pub fn without_scaffold_line(source: &str) -> Option<String> {
    if !source.contains(SCAFFOLD_LINE) || source.contains(STUB_MARK) {
        return None;
    }
    let line = format!("{SCAFFOLD_LINE}\n");
    Some(source.replacen(&line, "", 1))
}

/// What every stub holds: `todo!("exercise NAME: …")`.
const STUB_MARK: &str = "todo!(\"exercise ";

/// Whether `text` still holds the stub of part `name`.
pub fn has_stub(text: &str, name: &str) -> bool {
    text.contains(&markers::stub_prefix(name))
}

/// Whether any source file still holds a stub of any part.
pub fn has_any_stub(files: &Files) -> bool {
    files
        .iter()
        .any(|(p, t)| is_source(p) && t.contains(STUB_MARK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaffold_line_goes_under_the_doc_comment_and_leaves_with_the_last_stub() {
        let stubbed = "//! Doc.\n\nuse x;\nfn f() {\n    todo!(\"exercise f: m\")\n}\n";
        let with = add_scaffold_line(stubbed);
        assert!(
            with.starts_with(&format!("//! Doc.\n{SCAFFOLD_LINE}\n\nuse x;")),
            "{with}"
        );
        assert_eq!(without_scaffold_line(&with), None, "a stub is left");
        let written = with.replace("todo!(\"exercise f: m\")", "x::go()");
        assert_eq!(
            without_scaffold_line(&written).unwrap(),
            "//! Doc.\n\nuse x;\nfn f() {\n    x::go()\n}\n"
        );
    }
}
