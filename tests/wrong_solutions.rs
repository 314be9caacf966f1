//! Wrong solutions, proven caught: no wrong answer passes exercise mode.
//!
//! `tests/wrong_solutions/NN-stage/PART/BUG.diff` is a wrong solution of one exercise
//! part, written as a learner would get it wrong (ignore the sender, `pause()` instead of
//! `sigsuspend`, block too late, swap the bit signals, forget the terminator, the length's
//! byte order, no reaping, …): a unified diff of the reference, whose text before the
//! first `---` line says what is wrong. A hunk applies where its old lines are, which must
//! be exactly one place in the file; its changes must stay inside the part's regions.
//!
//! For each, in the exercise proof's copy of the workspace (see `proof/mod.rs`): the stage
//! is started (so the tool keeps its reference), every part is written back as the
//! reference but the wrong one, the stage still compiles, `workbook check` fails, and it
//! traces a failing test to the part, so the learner is told where to look. Then `reset`
//! brings the reference back, and the stage's tests pass again.
//!
//! A preamble line `unnamed: <why>` marks a wrong solution that the tests catch but whose
//! failure is not traced to the part: the proof still requires it to fail, and says so.

mod proof;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use proof::{Checked, check, copy_workspace, marked_stages, text, workbook, workspace};
use workbook::markers;
use workbook::workspace::{Unit, Workspace};

/// One wrong solution: a patch of one part of one stage.
struct WrongSolution {
    /// `03-acknowledged/wait/ignore_the_sender`
    id: String,
    stage_dir: String,
    part: String,
    description: String,
    /// Why the failure does not name the part yet, if it does not.
    unnamed: Option<String>,
    files: Vec<FilePatch>,
}

struct FilePatch {
    /// Relative to the workspace: `stages/03-acknowledged/src/wait.rs`.
    path: PathBuf,
    hunks: Vec<Hunk>,
}

struct Hunk {
    old: Vec<String>,
    new: Vec<String>,
}

fn wrong_solutions_dir() -> PathBuf {
    workspace().root.join("tests/wrong_solutions")
}

/// Every wrong solution, in order of stage, part and name.
fn wrong_solutions() -> Vec<WrongSolution> {
    let mut found = Vec::new();
    let dir = wrong_solutions_dir();
    for stage in sorted_dir(&dir) {
        for part in sorted_dir(&stage) {
            for file in sorted_dir(&part) {
                if file.extension().is_some_and(|e| e == "diff") {
                    found.push(parse(&dir, &file));
                }
            }
        }
    }
    found
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// Read a wrong solution: its preamble, then a unified diff (`---`/`+++` per file, `@@`
/// per hunk, lines of context ` `, removed `-` and added `+`).
fn parse(dir: &Path, file: &Path) -> WrongSolution {
    let rel = file.strip_prefix(dir).unwrap().with_extension("");
    let id = rel.display().to_string();
    let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
    let (stage_dir, part) = (parts.next().unwrap(), parts.next().unwrap());
    let text = fs::read_to_string(file).unwrap();
    let mut lines = text.lines().peekable();
    let mut description = Vec::new();
    let mut unnamed = None;
    while let Some(line) = lines.next_if(|l| !l.starts_with("--- ")) {
        match line.strip_prefix("unnamed:") {
            Some(why) => {
                let so_far: &mut String = unnamed.get_or_insert_with(String::new);
                if !so_far.is_empty() {
                    so_far.push(' ');
                }
                so_far.push_str(why.trim());
            }
            None if !line.trim().is_empty() => description.push(line.trim()),
            None => {}
        }
    }
    let mut files: Vec<FilePatch> = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with("--- ") {
            let plus = lines.next().unwrap_or_default();
            let path = plus
                .strip_prefix("+++ b/")
                .unwrap_or_else(|| panic!("{id}: `+++ b/PATH` after {line:?}, not {plus:?}"));
            files.push(FilePatch {
                path: PathBuf::from(path.split('\t').next().unwrap()),
                hunks: Vec::new(),
            });
        } else if line.starts_with("@@") {
            let file = files
                .last_mut()
                .unwrap_or_else(|| panic!("{id}: a hunk before any `---` line"));
            file.hunks.push(Hunk {
                old: Vec::new(),
                new: Vec::new(),
            });
        } else {
            let hunk = files
                .last_mut()
                .and_then(|f| f.hunks.last_mut())
                .unwrap_or_else(|| panic!("{id}: {line:?} outside a hunk"));
            let (mark, rest) = line.split_at(line.len().min(1));
            match mark {
                " " | "" => {
                    hunk.old.push(rest.to_owned());
                    hunk.new.push(rest.to_owned());
                }
                "-" => hunk.old.push(rest.to_owned()),
                "+" => hunk.new.push(rest.to_owned()),
                "\\" => {} // "\ No newline at end of file"
                _ => panic!("{id}: {line:?} is not a line of a hunk"),
            }
        }
    }
    assert!(!files.is_empty(), "{id}: no diff in it");
    WrongSolution {
        id,
        stage_dir,
        part,
        description: description.join(" "),
        unnamed,
        files,
    }
}

/// Apply `hunks` to `text`: each where its old lines are, which must be exactly once.
fn apply(text: &str, hunks: &[Hunk]) -> Result<String, String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (n, hunk) in hunks.iter().enumerate() {
        let at: Vec<usize> = (0..=lines.len().saturating_sub(hunk.old.len()))
            .filter(|&i| lines[i..i + hunk.old.len()] == hunk.old[..])
            .collect();
        match at[..] {
            [i] => {
                lines.splice(i..i + hunk.old.len(), hunk.new.iter().cloned());
            }
            [] => return Err(format!("hunk {} matches nothing", n + 1)),
            _ => return Err(format!("hunk {} matches {} places", n + 1, at.len())),
        }
    }
    let mut patched = lines.join("\n");
    if text.ends_with('\n') {
        patched.push('\n');
    }
    Ok(patched)
}

/// The text outside the regions of `part` (every other region included), and the names of
/// all regions in order: what a wrong solution of `part` must leave as it is.
fn outside(text: &str, part: &str) -> Result<(String, Vec<String>), String> {
    let regions = markers::regions(text).map_err(|e| e.to_string())?;
    let mut kept = String::new();
    let mut from = 0;
    for region in regions.iter().filter(|r| r.name == part) {
        kept.push_str(&text[from..region.body.start]);
        kept.push_str("…\n");
        from = region.body.end;
    }
    kept.push_str(&text[from..]);
    Ok((kept, regions.into_iter().map(|r| r.name).collect()))
}

/// The stage's files with the wrong solution in place of the reference, by path relative
/// to the workspace.
fn patched_files(wrong: &WrongSolution) -> Result<BTreeMap<PathBuf, String>, String> {
    let root = workspace().root;
    let mut patched = BTreeMap::new();
    for file in &wrong.files {
        let reference = fs::read_to_string(root.join(&file.path))
            .map_err(|e| format!("{}: {e}", file.path.display()))?;
        let text =
            apply(&reference, &file.hunks).map_err(|e| format!("{}: {e}", file.path.display()))?;
        let before = outside(&reference, &wrong.part)?;
        let after = outside(&text, &wrong.part)?;
        if !before.1.contains(&wrong.part) {
            return Err(format!(
                "{} has no region of part {}",
                file.path.display(),
                wrong.part
            ));
        }
        if before != after {
            return Err(format!(
                "{} changes code outside part {}'s regions",
                file.path.display(),
                wrong.part
            ));
        }
        if text == reference {
            return Err(format!("{} is left as it was", file.path.display()));
        }
        patched.insert(file.path.clone(), text);
    }
    Ok(patched)
}

#[test]
fn every_wrong_solution_applies_inside_its_part() {
    let stages = workspace().units().unwrap();
    let wrong = wrong_solutions();
    assert!(!wrong.is_empty(), "no wrong solution found");
    let mut problems = Vec::new();
    for wrong in &wrong {
        if !stages.iter().any(|s| s.key == wrong.stage_dir) {
            problems.push(format!("{}: no stage {}", wrong.id, wrong.stage_dir));
        }
        if wrong.description.is_empty() {
            problems.push(format!("{}: says nothing of what is wrong", wrong.id));
        }
        for file in &wrong.files {
            if !file
                .path
                .starts_with(Path::new("stages").join(&wrong.stage_dir))
            {
                problems.push(format!(
                    "{}: patches {}, outside its stage",
                    wrong.id,
                    file.path.display()
                ));
            }
        }
        if let Err(e) = patched_files(wrong) {
            problems.push(format!("{}: {e}", wrong.id));
        }
    }
    assert!(
        problems.is_empty(),
        "wrong solutions that no longer fit the reference (a part changed? write them again \
         against it):\n{}",
        problems.join("\n")
    );
}

/// How one wrong solution did.
struct Outcome {
    id: String,
    took: Duration,
    named: bool,
    failing: Vec<String>,
}

/// What the check's summary says of the failing tests: each test's line, traced to a part,
/// and the lines of its message that follow.
fn failing_tests(checked: &Checked) -> Vec<String> {
    let summary = checked.summary();
    let Some(first) = summary.lines().position(|l| l.contains(" → ")) else {
        return Vec::new();
    };
    summary
        .lines()
        .skip(first)
        .take_while(|l| l.starts_with("  ") || l.contains(" → "))
        .map(|l| l.trim_end().to_owned())
        .collect()
}

#[test]
#[ignore = "a proof of the tests, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn every_wrong_solution_fails_its_stages_tests_naming_its_part() {
    let workspace = workspace();
    let marked = marked_stages(&workspace);
    let stages: Vec<&Unit> = marked.iter().map(|(s, _)| s).collect();
    let wrong = wrong_solutions();
    let held = copy_workspace(&workspace, &stages);
    let copy = &held.root;
    let copy_workspace = Workspace { root: copy.clone() };

    let mut outcomes = Vec::new();
    let mut problems = Vec::new();
    for stage in &stages {
        let of_stage: Vec<&WrongSolution> =
            wrong.iter().filter(|w| w.stage_dir == stage.key).collect();
        // `WRONG_SOLUTIONS=00,01 cargo test --test wrong_solutions`: those stages only.
        let chosen = std::env::var("WRONG_SOLUTIONS").ok();
        let chosen = chosen
            .as_deref()
            .is_none_or(|only| only.split(',').any(|n| stage.key.starts_with(n.trim())));
        if of_stage.is_empty() || !chosen {
            continue;
        }
        let copy_stage = copy_workspace.unit(&stage.id).unwrap();
        // Started, as a learner's stage is: the tool keeps the reference, and so can tell
        // which parts are no longer the reference's code. Then every part is written back
        // as the reference but the one this wrong solution gets wrong.
        let output = workbook(copy, &["start", &stage.id]);
        assert!(output.status.success(), "{}", text(&output));
        let reference = stage.read_files().unwrap();
        for wrong in of_stage {
            let patched = patched_files(wrong).unwrap_or_else(|e| panic!("{}: {e}", wrong.id));
            for (path, text) in &reference {
                let at = copy.join(&stage.rel_dir).join(path);
                let shown = Path::new(&stage.rel_dir).join(path);
                fs::write(at, patched.get(&shown).unwrap_or(text)).unwrap();
            }
            let checked = check(copy, &copy_stage);
            let failing = failing_tests(&checked);
            let named = checked.names(&wrong.part);
            eprintln!(
                "{} ({}): tests in {:.1?}, {}",
                wrong.id,
                wrong.description,
                checked.took,
                match (checked.code, named) {
                    (Some(1), true) => "caught, and the part is named".to_owned(),
                    (Some(1), false) => "caught, the part not named".to_owned(),
                    (code, _) => format!("NOT caught (check exited {code:?})"),
                }
            );
            for line in &failing {
                eprintln!("    {line}");
            }
            if checked.code.is_none() || checked.said.contains("does not build") {
                problems.push(format!("{}: does not compile:\n{}", wrong.id, checked.said));
            } else if checked.code != Some(1) {
                problems.push(format!(
                    "{}: passes {}'s tests, but is wrong: {}\n{}",
                    wrong.id,
                    stage.package,
                    wrong.description,
                    checked.summary()
                ));
            } else if !named && wrong.unnamed.is_none() {
                problems.push(format!(
                    "{}: fails, but no failing test names part {}:\n{}",
                    wrong.id,
                    wrong.part,
                    checked.summary()
                ));
            } else if named && wrong.unnamed.is_some() {
                eprintln!(
                    "    (now named: remove the `unnamed:` line of {}.diff)",
                    wrong.id
                );
            }
            outcomes.push(Outcome {
                id: wrong.id.clone(),
                took: checked.took,
                named,
                failing,
            });
        }
        // The reference, back in place, passes again.
        let output = workbook(copy, &["reset", &stage.id]);
        assert!(output.status.success(), "{}", text(&output));
        let (back, reference) = (
            copy_stage.read_files().unwrap(),
            stage.read_files().unwrap(),
        );
        let differ: Vec<String> = back
            .keys()
            .chain(reference.keys())
            .filter(|path| back.get(*path) != reference.get(*path))
            .map(|path| path.display().to_string())
            .collect();
        assert!(
            differ.is_empty(),
            "{}: the reference is not back in the copy (did it change during the proof?): {}",
            stage.package,
            differ.join(", ")
        );
        let checked = check(copy, &copy_stage);
        if checked.code != Some(0) {
            problems.push(format!(
                "{}: the reference fails after the wrong solutions:\n{}",
                stage.package,
                checked.summary()
            ));
        } else {
            eprintln!(
                "{}: the reference passes again ({:.1?})",
                stage.package, checked.took
            );
        }
    }
    eprintln!("wrong solutions: {} run", outcomes.len());
    for outcome in &outcomes {
        eprintln!(
            "  {:<58} {:>6.1} s  {}  {}",
            outcome.id,
            outcome.took.as_secs_f64(),
            if outcome.named { "named" } else { "-" },
            outcome.failing.len()
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
