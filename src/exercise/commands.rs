//! The commands of `cargo run -p workbook -- …`. Each prints for the learner and returns
//! the process's exit code; an `Err` is a one-line message for stderr (exit code 2 for a
//! wrong command line, 1 otherwise, as the binary decides).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::check::{self, Outcome};
use super::diff;
use super::hints::StageHints;
use super::stages::{self, Exercise, Files, Stage, Workspace, has_any_stub, has_stub};
use super::state::{self, Record, State};

/// How the learner runs this tool, for the commands we suggest.
pub const TOOL: &str = "cargo run -p workbook --";

pub type CommandResult = Result<i32, String>;

/// Everything a command needs: the workspace and its `.workbook/`.
pub struct Workbook {
    pub workspace: Workspace,
    pub state: State,
}

/// A stage's exercises as the files now mark them, with its hints.
struct Marked {
    hints: Option<StageHints>,
    exercises: Vec<Exercise>,
}

impl Workbook {
    pub fn new(workspace: Workspace) -> Workbook {
        let state = State::of(&workspace);
        Workbook { workspace, state }
    }

    fn stage(&self, id: &str) -> Result<Stage, String> {
        self.workspace.stage(id)
    }

    fn marked(&self, stage: &Stage, files: &Files) -> Result<Marked, String> {
        let hints = stage.hints()?;
        let exercises = stages::exercises(files, hints.as_ref())?;
        Ok(Marked { hints, exercises })
    }

    fn read_files(&self, stage: &Stage) -> Result<Files, String> {
        stage
            .read_files()
            .map_err(|e| format!("cannot read {}: {e}", stage.rel_dir()))
    }

    fn is_started(&self, stage: &Stage) -> bool {
        self.state.read_record(stage, "started").is_some()
    }

    /// The reference version of a stage, and where it came from.
    fn reference(&self, stage: &Stage) -> Result<(Files, &'static str), String> {
        if let Some(files) = self.state.read_reference(stage) {
            return Ok((files, "the copy taken when the exercise started"));
        }
        let current = self.read_files(stage)?;
        if !has_any_stub(&current) && !self.is_started(stage) {
            return Ok((current, "the stage's files, which hold no exercise"));
        }
        if let Some(files) =
            git_head_files(&self.workspace.root, stage).filter(|files| !has_any_stub(files))
        {
            return Ok((files, "the last git commit (.workbook/ has no copy)"));
        }
        Err(format!(
            "no reference for {} here: .workbook/reference/{} is gone and the last commit holds exercise stubs. \
             Restore the stage from a commit made before you started: git checkout <commit> -- {}",
            stage.package,
            stage.dir_name,
            stage.rel_dir()
        ))
    }

    // ---------------------------------------------------------------- list

    /// Every stage with its state, like rustlings' list.
    pub fn list(&self) -> CommandResult {
        let stages = self
            .workspace
            .stages()
            .map_err(|e| format!("cannot read stages/: {e}"))?;
        let mut rows = Vec::new();
        for stage in &stages {
            rows.push(self.row(stage));
        }
        let width = rows
            .iter()
            .map(|(s, _)| s.chars().count())
            .max()
            .unwrap_or(0);
        println!("{:<9} {:<width$}  exercises", "stage", "state");
        for (stage, (state, exercises)) in stages.iter().zip(rows) {
            let line = format!("{:<9} {state:<width$}  {exercises}", stage.package);
            println!("{}", line.trim_end());
        }
        println!();
        println!("Start one:  {TOOL} start NN     Check it:  {TOOL} check NN");
        println!("Hints:      {TOOL} hint NN      Back to the reference:  {TOOL} reset NN");
        Ok(0)
    }

    /// One row of `list`: the state, and the exercises.
    fn row(&self, stage: &Stage) -> (String, String) {
        let files = match self.read_files(stage) {
            Ok(files) => files,
            Err(e) => return ("unreadable".into(), e),
        };
        let marked = match self.marked(stage, &files) {
            Ok(marked) => marked,
            Err(e) => return ("markers broken".into(), e),
        };
        if marked.exercises.is_empty() {
            return ("no exercise yet".into(), String::new());
        }
        let started = self.is_started(stage) || has_any_stub(&files);
        let names = marked
            .exercises
            .iter()
            .map(|e| {
                let stub = started && e.parts.iter().any(|(p, _)| has_stub(&files[p], &e.name));
                if stub {
                    format!("{} (to do)", e.name)
                } else {
                    e.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if !started {
            return ("reference".into(), names);
        }
        let left = marked
            .exercises
            .iter()
            .filter(|e| e.parts.iter().any(|(p, _)| has_stub(&files[p], &e.name)))
            .count();
        let check = self
            .state
            .read_record(stage, "check")
            .filter(|c| c.get("fingerprint") == Some(&state::fingerprint(&files)));
        let state = match check
            .as_ref()
            .and_then(|c| c.get("result"))
            .map(String::as_str)
        {
            Some("pass") => {
                let when = check
                    .as_ref()
                    .and_then(|c| c.get("time"))
                    .and_then(|t| t.parse().ok())
                    .map_or_else(String::new, |t| {
                        format!(", checked {}", state::readable_time(t))
                    });
                format!("exercise passing{when}")
            }
            Some(result) => format!(
                "exercise started, last check: {}",
                match result {
                    "build-error" => "does not build".to_owned(),
                    _ => format!(
                        "{} failing",
                        check
                            .as_ref()
                            .and_then(|c| c.get("failed"))
                            .map_or("tests", String::as_str)
                    ),
                }
            ),
            None => format!(
                "exercise started, {left} of {} to do",
                marked.exercises.len()
            ),
        };
        (state, names)
    }

    // ---------------------------------------------------------------- start

    /// Turn a stage into its exercise: the marked regions (of `names`, or all) become stubs.
    pub fn start(&self, id: &str, names: &[String]) -> CommandResult {
        let stage = self.stage(id)?;
        if let Some(record) = self.state.read_record(&stage, "started") {
            return Err(format!(
                "{} is already an exercise (started {}). `{TOOL} reset {}` first: it shows your work and saves it before restoring the reference",
                stage.package,
                record
                    .get("time")
                    .and_then(|t| t.parse().ok())
                    .map_or_else(|| "earlier".to_owned(), state::readable_time),
                stage.id()
            ));
        }
        let files = self.read_files(&stage)?;
        if has_any_stub(&files) {
            return Err(format!(
                "{}'s sources already hold exercise stubs (but .workbook/ has no record of a start): `{TOOL} reset {}` restores the reference first",
                stage.package,
                stage.id()
            ));
        }
        let marked = self.marked(&stage, &files)?;
        if marked.exercises.is_empty() {
            println!(
                "{} has no exercise yet: nothing in it is marked `// EXERCISE: name`.",
                stage.package
            );
            return Ok(1);
        }
        let known: Vec<&str> = marked.exercises.iter().map(|e| e.name.as_str()).collect();
        for name in names {
            if !known.contains(&name.as_str()) {
                return Err(format!(
                    "{} has no exercise {name:?} (it has: {})",
                    stage.package,
                    known.join(", ")
                ));
            }
        }
        let chosen: Vec<&Exercise> = marked
            .exercises
            .iter()
            .filter(|e| names.is_empty() || names.contains(&e.name))
            .collect();
        let selection = (!names.is_empty()).then_some(names);
        let generated = stages::generate(
            &self.workspace,
            &stage,
            &files,
            marked.hints.as_ref(),
            selection,
        )?;

        let dirty = git_status(&self.workspace.root, &stage.rel_dir());
        self.state
            .save_reference(&stage, &files)
            .map_err(|e| format!("cannot save the reference copy: {e}"))?;
        let mut record = Record::new();
        record.insert("time".into(), state::now().to_string());
        record.insert(
            "exercises".into(),
            chosen
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        record.insert(
            "commit".into(),
            git_head(&self.workspace.root).unwrap_or_else(|| "none".into()),
        );
        self.state
            .write_record(&stage, "started", &record)
            .map_err(|e| format!("cannot record the start: {e}"))?;
        self.state.remove_record(&stage, "check").ok();
        for (path, text) in &generated {
            state::write_file(&stage.dir.join(path), text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }

        println!(
            "{} is now an exercise: {} to write.",
            stage.package,
            if chosen.len() == 1 {
                "1 part".to_owned()
            } else {
                format!("{} parts", chosen.len())
            }
        );
        for exercise in &chosen {
            println!();
            println!(
                "  {}",
                describe(&self.workspace, &stage, marked.hints.as_ref(), exercise)
            );
            for (path, region) in &exercise.parts {
                println!(
                    "    in {}/{}, line {}",
                    stage.rel_dir(),
                    path.display(),
                    region.line
                );
            }
        }
        println!();
        println!("Write each part between its `// EXERCISE:` and `// END EXERCISE` lines, then:");
        println!(
            "  cargo test -p {}            the stage's own tests",
            stage.package
        );
        println!(
            "  {TOOL} check {}      the tests, summed up exercise by exercise",
            stage.id()
        );
        println!(
            "  {TOOL} hint {}       a hint for the next part, one more each time",
            stage.id()
        );
        println!(
            "  {TOOL} reset {}      back to the reference (your files are shown and saved first)",
            stage.id()
        );
        if dirty {
            println!();
            println!(
                "Note: {} had changes not committed to git. The copy kept in .workbook/reference/{} has them: `reset` restores that copy.",
                stage.rel_dir(),
                stage.dir_name
            );
        }
        Ok(0)
    }

    // ---------------------------------------------------------------- check

    /// Run the stage's tests and sum them up.
    pub fn check(&self, id: &str, quiet: bool) -> CommandResult {
        let stage = self.stage(id)?;
        let files = self.read_files(&stage)?;
        println!("Running: cargo test -p {} --no-fail-fast", stage.package);
        let outcome = check::run_tests(&self.workspace.root, &stage.package, quiet)
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        // Read the markers from the learner's files, or the reference if they broke them.
        let marked = self.marked(&stage, &files).or_else(|_| {
            let (reference, _) = self.reference(&stage)?;
            self.marked(&stage, &reference)
        })?;
        let changed_spec = self.changed_spec(&stage, &files);

        println!();
        println!("──── workbook check: {} ────", stage.package);
        self.summarise(&stage, &files, &marked, &outcome);
        if !changed_spec.is_empty() {
            println!();
            println!(
                "These files are the stage's specification, and differ from the reference: {}.",
                changed_spec.join(", ")
            );
            println!(
                "A check counts only with the reference's tests: `{TOOL} reset {}` restores them (saving yours).",
                stage.id()
            );
        }
        let result = if outcome.build_failed {
            "build-error"
        } else if outcome.success && changed_spec.is_empty() {
            "pass"
        } else {
            "fail"
        };
        let mut record = Record::new();
        record.insert("result".into(), result.into());
        record.insert("fingerprint".into(), state::fingerprint(&files));
        record.insert("time".into(), state::now().to_string());
        record.insert("passed".into(), outcome.passed.to_string());
        record.insert("failed".into(), outcome.failed.to_string());
        self.state.write_record(&stage, "check", &record).ok();
        Ok(if result == "pass" { 0 } else { 1 })
    }

    /// The files outside `src/` (tests, manifests, hints) that differ from the reference.
    fn changed_spec(&self, stage: &Stage, files: &Files) -> Vec<String> {
        let Some(reference) = self.state.read_reference(stage) else {
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

    fn summarise(&self, stage: &Stage, files: &Files, marked: &Marked, outcome: &Outcome) {
        let names: Vec<String> = marked.exercises.iter().map(|e| e.name.clone()).collect();
        if outcome.build_failed {
            println!("{} does not compile:", stage.package);
            for error in outcome.build_errors.iter().take(10) {
                println!("  {error}");
            }
            if outcome.build_errors.len() > 10 {
                println!("  … and {} more", outcome.build_errors.len() - 10);
            }
            println!(
                "The compiler's full messages are above; `cargo build -p {} --tests` shows them again.",
                stage.package
            );
            return;
        }
        if outcome.success {
            println!("All {} tests of {} pass.", outcome.passed, stage.package);
        } else {
            println!("{} passed, {} failed.", outcome.passed, outcome.failed);
            if !outcome.failures.is_empty() {
                println!();
                println!("Failing tests, and the exercises their messages name:");
                let width = outcome
                    .failures
                    .iter()
                    .map(|f| f.test.len())
                    .max()
                    .unwrap_or(0);
                for failure in &outcome.failures {
                    let named = check::named_exercises(&failure.output, &names);
                    let named = if named.is_empty() {
                        "(no exercise named: read its message above)".to_owned()
                    } else {
                        named.join(", ")
                    };
                    println!("  {:<width$}  {named}", failure.test);
                }
            }
        }
        if marked.exercises.is_empty() {
            return;
        }
        println!();
        println!("Exercises:");
        let mut next: Option<&Exercise> = None;
        for exercise in &marked.exercises {
            let stub = exercise
                .parts
                .iter()
                .any(|(p, _)| files.get(p).is_some_and(|t| has_stub(t, &exercise.name)));
            let failing = outcome
                .failures
                .iter()
                .filter(|f| f.output.contains(&format!("exercise {}:", exercise.name)))
                .count();
            let status = match (stub, failing) {
                (true, _) => "to do (still a stub)".to_owned(),
                (false, 0) => "written".to_owned(),
                (false, n) => format!("written, but {n} failing tests name it"),
            };
            if stub || failing > 0 {
                next.get_or_insert(exercise);
            }
            println!("  {:<12} {status}", exercise.name);
        }
        if let Some(exercise) = next.filter(|_| !outcome.success) {
            println!();
            println!(
                "Next: {}",
                describe(&self.workspace, stage, marked.hints.as_ref(), exercise)
            );
            println!("      {TOOL} hint {} {}", stage.id(), exercise.name);
        } else if outcome.success && self.is_started(stage) {
            println!();
            println!(
                "The exercise passes. Compare with the reference: {TOOL} solution {}",
                stage.id()
            );
        }
    }

    // ---------------------------------------------------------------- hint

    /// Show the hints of an exercise up to one more than last time.
    pub fn hint(&self, id: &str, name: Option<&str>) -> CommandResult {
        let stage = self.stage(id)?;
        let files = self.read_files(&stage)?;
        let marked = match self.marked(&stage, &files) {
            Ok(marked) if !marked.exercises.is_empty() => marked,
            _ => {
                let (reference, _) = self.reference(&stage)?;
                self.marked(&stage, &reference)?
            }
        };
        let exercise = self.pick(&stage, &files, &marked, name)?;
        println!(
            "{}",
            describe(&self.workspace, &stage, marked.hints.as_ref(), exercise)
        );
        let hints = exercise.hints.as_ref().map_or(&[][..], |h| &h.hints[..]);
        if hints.is_empty() {
            println!(
                "No hints are written for this exercise yet: the book section above is the place to read."
            );
            return Ok(0);
        }
        let shown = (self.state.hints_shown(&stage, &exercise.name) + 1).min(hints.len());
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
                stage.id(),
                exercise.name
            );
        }
        self.state
            .set_hints_shown(&stage, &exercise.name, shown)
            .map_err(|e| format!("cannot record the hint: {e}"))?;
        Ok(0)
    }

    /// The exercise `name`, or the first one still a stub, or the first one.
    fn pick<'m>(
        &self,
        stage: &Stage,
        files: &Files,
        marked: &'m Marked,
        name: Option<&str>,
    ) -> Result<&'m Exercise, String> {
        let known = || {
            marked
                .exercises
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if marked.exercises.is_empty() {
            return Err(format!("{} has no exercise yet", stage.package));
        }
        match name {
            Some(name) => marked
                .exercises
                .iter()
                .find(|e| e.name == name)
                .ok_or_else(|| {
                    format!(
                        "{} has no exercise {name:?} (it has: {})",
                        stage.package,
                        known()
                    )
                }),
            None => Ok(marked
                .exercises
                .iter()
                .find(|e| {
                    e.parts
                        .iter()
                        .any(|(p, _)| files.get(p).is_some_and(|t| has_stub(t, &e.name)))
                })
                .unwrap_or(&marked.exercises[0])),
        }
    }

    // ---------------------------------------------------------------- solution

    /// Print the reference code of an exercise (or of all of a stage's), part by part.
    pub fn solution(&self, id: &str, name: Option<&str>) -> CommandResult {
        let stage = self.stage(id)?;
        let (reference, _) = self.reference(&stage)?;
        let marked = self.marked(&stage, &reference)?;
        if marked.exercises.is_empty() {
            println!("{} has no exercise yet.", stage.package);
            return Ok(1);
        }
        let chosen: Vec<&Exercise> = match name {
            Some(name) => vec![self.pick(&stage, &reference, &marked, Some(name))?],
            None => marked.exercises.iter().collect(),
        };
        for exercise in chosen {
            for (path, region) in &exercise.parts {
                println!(
                    "──── {}/{}: exercise {}, between `// EXERCISE: {}` and `// END EXERCISE` ────",
                    stage.rel_dir(),
                    path.display(),
                    exercise.name,
                    exercise.name
                );
                print!("{}", &reference[path][region.body.clone()]);
            }
        }
        println!("────");
        println!("Replace what is between the markers in your file with this, part by part;");
        println!(
            "or `{TOOL} reset {}` to restore the whole stage (your files are saved first).",
            stage.id()
        );
        Ok(0)
    }

    // ---------------------------------------------------------------- reset

    /// Restore the reference of one stage: show the learner's changes, save them, restore.
    pub fn reset(&self, id: &str) -> CommandResult {
        let stage = self.stage(id)?;
        self.reset_stage(&stage)?;
        Ok(0)
    }

    /// Reset every stage that is an exercise (or holds stubs).
    pub fn reset_all(&self) -> CommandResult {
        let stages = self
            .workspace
            .stages()
            .map_err(|e| format!("cannot read stages/: {e}"))?;
        let mut any = false;
        for stage in &stages {
            let files = self.read_files(stage)?;
            if self.is_started(stage) || has_any_stub(&files) {
                any = true;
                self.reset_stage(stage)?;
                println!();
            }
        }
        if !any {
            println!("No stage is an exercise: nothing to reset.");
        }
        Ok(0)
    }

    fn reset_stage(&self, stage: &Stage) -> Result<(), String> {
        let current = self.read_files(stage)?;
        if !self.is_started(stage) && !has_any_stub(&current) {
            // Nothing of ours to undo; other changes are git's business (and maybe
            // someone's unfinished work).
            println!(
                "{} is not an exercise: nothing to reset. (Changes of your own: `git diff {}`.)",
                stage.package,
                stage.rel_dir()
            );
            return Ok(());
        }
        let (reference, source) = self.reference(stage)?;
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
                "{} is the reference already: nothing to restore.",
                stage.package
            );
        } else {
            println!(
                "{}: your files against the reference ({source}):",
                stage.package
            );
            println!();
            for (path, yours, reference) in &changes {
                let shown = format!("{}/{}", stage.rel_dir(), path.display());
                match (yours, reference) {
                    (Some(yours), Some(reference)) => print!(
                        "{}",
                        diff::unified(
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
                .save_work(stage, &yours)
                .map_err(|e| format!("cannot save your files, so nothing was changed: {e}"))?;
            for (path, _, reference) in &changes {
                let target = stage.dir.join(path);
                match reference {
                    Some(text) => state::write_file(&target, text),
                    None => std::fs::remove_file(&target),
                }
                .map_err(|e| format!("cannot restore {}: {e}", target.display()))?;
            }
            self.forget_start(stage)?;
            println!();
            println!(
                "{} is the reference again. Your version of the files above is saved in {}",
                stage.package,
                relative(&self.workspace.root, &saved).display()
            );
            return Ok(());
        }
        self.forget_start(stage)
    }

    /// Drop what `start` and `check` recorded of a stage (not the hints shown).
    fn forget_start(&self, stage: &Stage) -> Result<(), String> {
        self.state.remove_record(stage, "started").ok();
        self.state.remove_record(stage, "check").ok();
        self.state
            .remove_reference(stage)
            .map_err(|e| format!("cannot remove the reference copy: {e}"))
    }
}

/// One line about an exercise: its name, what to write, and where the book teaches it.
fn describe(
    workspace: &Workspace,
    stage: &Stage,
    hints: Option<&StageHints>,
    exercise: &Exercise,
) -> String {
    format!(
        "exercise {}: {}",
        exercise.name,
        stages::stub_message(workspace, stage, hints, &exercise.name)
    )
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

fn git_head(root: &Path) -> Option<String> {
    let out = git(root, &["rev-parse", "HEAD"])?;
    Some(String::from_utf8_lossy(&out).trim().to_owned())
}

/// Whether git knows of uncommitted changes under `dir`.
fn git_status(root: &Path, dir: &str) -> bool {
    git(root, &["status", "--porcelain", "--", dir]).is_some_and(|out| !out.is_empty())
}

/// The stage's files as the last commit has them.
fn git_head_files(root: &Path, stage: &Stage) -> Option<Files> {
    let listing = git(
        root,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "HEAD",
            "--",
            &stage.rel_dir(),
        ],
    )?;
    let mut files = Files::new();
    for path in listing.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let text = git(root, &["show", &format!("HEAD:{path}")])?;
        let rel = Path::new(&path)
            .strip_prefix(stage.rel_dir())
            .ok()?
            .to_path_buf();
        files.insert(rel, String::from_utf8(text).ok()?);
    }
    (!files.is_empty()).then_some(files)
}
