//! The commands of `cargo run -p workbook -- …`, one file each. Each prints for the
//! learner and returns the process's exit code; an `Err` is a one-line message for stderr
//! (exit code 1).

pub mod check;
pub mod diff;
pub mod grade;
pub mod hint;
pub mod list;
pub mod reset;
pub mod restore;
pub mod solution;
pub mod start;
pub mod trace;
pub mod watch;

use crate::git;
use crate::parts::{self, Part, has_any_stub};
use crate::state::State;
use crate::workspace::{Files, Unit, Workspace};

pub use crate::report::TOOL;

pub type CommandResult = Result<u8, String>;

/// Everything a command needs: the workspace and its `.workbook/`.
pub struct Workbook {
    pub workspace: Workspace,
    pub state: State,
}

impl Workbook {
    pub fn new(workspace: Workspace) -> Workbook {
        let state = State::of(&workspace);
        Workbook { workspace, state }
    }

    pub fn unit(&self, name: &str) -> Result<Unit, String> {
        self.workspace.unit(name)
    }

    /// Whether the unit is an exercise: started, or holding stubs.
    pub fn is_exercise(&self, unit: &Unit, files: &Files) -> bool {
        self.state.read(unit).started.is_some() || has_any_stub(files)
    }

    /// The unit's parts as its files mark them, or as the reference does if the learner
    /// broke the markers.
    pub fn parts(&self, unit: &Unit, files: &Files) -> Result<Vec<Part>, String> {
        match parts::parts(unit, files) {
            Ok(found) if !found.is_empty() => Ok(found),
            Ok(found) => match self.reference(unit) {
                Ok((reference, _)) => parts::parts(unit, &reference),
                Err(_) => Ok(found),
            },
            Err(e) => match self.reference(unit) {
                Ok((reference, _)) => parts::parts(unit, &reference),
                Err(_) => Err(e),
            },
        }
    }

    /// The reference version of a unit, and where it came from.
    pub fn reference(&self, unit: &Unit) -> Result<(Files, &'static str), String> {
        if let Some(files) = self.state.read_reference(unit) {
            return Ok((files, "the copy taken when the exercise started"));
        }
        let current = unit.read_files()?;
        if !self.is_exercise(unit, &current) {
            return Ok((current, "the stage's files, which hold no exercise"));
        }
        if let Some(files) =
            git::head_files(&self.workspace.root, unit).filter(|files| !has_any_stub(files))
        {
            return Ok((files, "the last git commit (.workbook/ has no copy)"));
        }
        Err(format!(
            "no reference for {} here: .workbook/reference/{}.toml is gone and the last commit holds exercise stubs. \
             Restore the stage from a commit made before you started: git checkout <commit> -- {}",
            unit.package, unit.key, unit.rel_dir
        ))
    }

    /// The part `name`, or the first one still a stub, or the first one.
    pub fn pick<'p>(
        &self,
        unit: &Unit,
        files: &Files,
        parts: &'p [Part],
        name: Option<&str>,
    ) -> Result<&'p Part, String> {
        if parts.is_empty() {
            return Err(format!("{} has no exercise yet", unit.package));
        }
        match name {
            Some(name) => parts.iter().find(|p| p.name == name).ok_or_else(|| {
                format!(
                    "{} has no part {name:?} (it has: {})",
                    unit.package,
                    names(parts)
                )
            }),
            None => Ok(parts.iter().find(|p| p.is_stub(files)).unwrap_or(&parts[0])),
        }
    }
}

/// `a, b, c`: the parts' names.
pub fn names(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
