//! Exercise mode, proven: every stage's exercise is generated from its reference, compiles,
//! and fails the stage's tests, naming the missing part; and the book never shows a marker.
//!
//! The proof that the *reference* passes is the rest of the suite: `cargo test --workspace`
//! runs every stage's tests on the reference code. Here the exercises are generated in a
//! copy of the workspace under `target/tmp/exercise-proof/` (only the stages that have
//! exercises, so a stage being written elsewhere cannot break it), built with a target
//! directory of their own beside it, so the copy never touches the real `target/debug`.

mod proof;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proof::{assert_fails, copy_workspace, marked_stages, text, workbook, workspace};
use workbook::markers;
use workbook::parts::{self, Part};
use workbook::workspace::{Unit, Workspace, read_tree};

// ------------------------------------------------------------------ the book

/// The lines of `text` that `{{#include file:selector}}` includes, as mdBook reads it:
/// a whole file, a range `a:b` of 1-based lines, or the lines between `ANCHOR: name` and
/// `ANCHOR_END: name`.
fn included_lines<'a>(text: &'a str, selector: Option<&str>) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(selector) = selector.filter(|s| !s.is_empty()) else {
        return lines;
    };
    let bounds: Vec<&str> = selector.split(':').collect();
    let number = |s: &str| s.trim().parse::<usize>().ok();
    if bounds.iter().all(|b| b.is_empty() || number(b).is_some()) {
        let start = number(bounds[0]).unwrap_or(1).max(1) - 1;
        let end = match bounds.get(1) {
            None => start + 1,
            Some(b) => number(b).unwrap_or(lines.len()),
        };
        return lines[start.min(lines.len())..end.min(lines.len())].to_vec();
    }
    let mut out = Vec::new();
    let mut inside = false;
    for line in lines {
        if anchor_of(line, "ANCHOR_END:") == Some(selector) {
            inside = false;
        } else if anchor_of(line, "ANCHOR:") == Some(selector) {
            inside = true;
        } else if inside {
            out.push(line);
        }
    }
    out
}

fn anchor_of<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let at = line.find(keyword)?;
    line[at + keyword.len()..].split_whitespace().next()
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    found
}

#[test]
fn the_book_includes_no_exercise_marker() {
    let book = workspace().book_src();
    let mut includes = 0;
    let mut problems = Vec::new();
    for chapter in markdown_files(&book) {
        let text = fs::read_to_string(&chapter).unwrap();
        for (_, rest) in text
            .match_indices("{{#")
            .map(|(at, _)| ((), &text[at + 3..]))
        {
            let Some(end) = rest.find("}}") else { continue };
            let mut words = rest[..end].split_whitespace();
            let (Some(kind), Some(target)) = (words.next(), words.next()) else {
                continue;
            };
            if !matches!(kind, "include" | "rustdoc_include") {
                continue;
            }
            let (file, selector) = match target.split_once(':') {
                Some((file, selector)) => (file, Some(selector)),
                None => (target, None),
            };
            let path = chapter.parent().unwrap().join(file);
            // A missing file is mdBook's to report; this test is about markers.
            let Ok(source) = fs::read_to_string(&path) else {
                continue;
            };
            includes += 1;
            for line in included_lines(&source, selector) {
                if markers::is_marker_line(line) {
                    problems.push(format!(
                        "{} includes {target}, which shows the line {:?}",
                        chapter.strip_prefix(&book).unwrap().display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "exercise markers must sit outside the book's anchors:\n{}",
        problems.join("\n")
    );
    eprintln!("{includes} includes checked");
}

#[test]
fn no_anchor_region_holds_an_exercise_marker() {
    // Stricter than the book's includes of today: an anchor the book includes tomorrow
    // must not show a marker either.
    let mut problems = Vec::new();
    for stage in workspace().units().unwrap() {
        for (path, text) in stage.read_files().unwrap() {
            let mut open: Vec<&str> = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if let Some(name) = anchor_of(line, "ANCHOR_END:") {
                    open.retain(|o| *o != name);
                } else if let Some(name) = anchor_of(line, "ANCHOR:") {
                    open.push(name);
                } else if markers::is_marker_line(line) && !open.is_empty() {
                    problems.push(format!(
                        "{}/{}:{}: marker inside anchor {}",
                        stage.rel_dir,
                        path.display(),
                        n + 1,
                        open.join(", ")
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn included_lines_follow_mdbook() {
    let text = "a\n// ANCHOR: x\nb\n// ANCHOR: y\nc\n// ANCHOR_END: y\n// ANCHOR_END: x\nd\n";
    assert_eq!(included_lines(text, Some("y")), ["c"]);
    assert_eq!(included_lines(text, Some("x")).len(), 4);
    assert_eq!(included_lines(text, Some("2:3")), ["// ANCHOR: x", "b"]);
    assert_eq!(included_lines(text, Some("8")), ["d"]);
    assert_eq!(included_lines(text, None).len(), 8);
}

// ------------------------------------------------------------------ hints and markers

#[test]
fn every_exercise_has_hints_and_a_book_section_and_every_hint_an_exercise() {
    let workspace = workspace();
    let mut problems = Vec::new();
    for stage in workspace.units().unwrap() {
        let files = stage.read_files().unwrap();
        let exercises: Vec<Part> = match parts::parts(&stage, &files) {
            Ok(exercises) => exercises,
            Err(e) => {
                problems.push(format!("{}: {e}", stage.rel_dir));
                continue;
            }
        };
        let manifest = &stage.manifest;
        // The headings of a chapter (the unit's, or an exercise's own, as each experiment
        // of the lab has), or a problem if it is not a file of the book.
        let mut headings_of = |chapter: &str| -> Vec<String> {
            let Ok(text) = fs::read_to_string(workspace.book_src().join(chapter)) else {
                problems.push(format!(
                    "{}/{}: chapter {chapter:?} is not a file of book/src",
                    stage.rel_dir,
                    minitalk_manifest::FILE
                ));
                return Vec::new();
            };
            text.lines()
                .filter(|l| l.starts_with("##"))
                .map(|l| l.trim_start_matches('#').trim().to_owned())
                .collect()
        };
        let mut headings_by_chapter = std::collections::BTreeMap::new();
        for chapter in std::iter::once(manifest.chapter.as_str()).chain(
            manifest
                .exercises
                .iter()
                .filter_map(|e| e.chapter.as_deref()),
        ) {
            if !headings_by_chapter.contains_key(chapter) {
                headings_by_chapter.insert(chapter.to_owned(), headings_of(chapter));
            }
        }
        for exercise in &exercises {
            let Some(entry) = &exercise.spec else {
                problems.push(format!(
                    "{}: exercise {:?} has no [[exercise]] in {}",
                    stage.rel_dir,
                    exercise.name,
                    minitalk_manifest::FILE
                ));
                continue;
            };
            if entry.what.is_empty() || entry.section.is_empty() || entry.hints.len() < 2 {
                problems.push(format!(
                    "{}: exercise {:?} needs `what`, `section` and at least two hints",
                    stage.rel_dir, exercise.name
                ));
            }
            // While a chapter has no sections yet it cannot be checked; once it has, every
            // exercise must point at one of them.
            let chapter = manifest.chapter_of(entry);
            let headings = &headings_by_chapter[chapter];
            if !headings.is_empty() && !headings.contains(&entry.section) {
                problems.push(format!(
                    "{}: exercise {:?} points at section {:?}, which is not a heading of {chapter} (its headings: {headings:?})",
                    stage.rel_dir, exercise.name, entry.section
                ));
            }
        }
        for entry in &manifest.exercises {
            if !exercises.iter().any(|e| e.name == entry.name) {
                problems.push(format!(
                    "{}/{}: [[exercise]] {:?} marks nothing in the sources",
                    stage.rel_dir,
                    minitalk_manifest::FILE,
                    entry.name
                ));
            }
        }
        match parts::generate(&stage, &files, None) {
            Ok(generated) => {
                for exercise in &exercises {
                    let stubbed = generated
                        .values()
                        .any(|text| parts::has_stub(text, &exercise.name));
                    if !stubbed {
                        problems.push(format!(
                            "{}: exercise {:?} generates no stub",
                            stage.rel_dir, exercise.name
                        ));
                    }
                }
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ------------------------------------------------------------------ the proof

#[test]
#[ignore = "a proof of the tests, minutes long: cargo test --workspace --tests -- --ignored (CI runs it)"]
fn every_exercise_compiles_and_fails_its_stages_tests_until_written() {
    let started = Instant::now();
    let workspace = workspace();
    let marked = marked_stages(&workspace);
    let stages: Vec<&Unit> = marked.iter().map(|(s, _)| s).collect();
    let held = copy_workspace(&workspace, &stages);
    let copy = held.root.clone();
    let copy_workspace = Workspace { root: copy.clone() };
    // How long each freshly started stage's tests take to fail (the build excluded).
    let mut fail_times: Vec<(String, Duration)> = Vec::new();

    for (stage, reference) in &marked {
        let copy_stage = copy_workspace.unit(&stage.id).unwrap();
        let exercises = parts::parts(stage, reference).unwrap();

        // The whole exercise: it compiles, and the tests fail. (With a single part, it is
        // also that part's own proof, below.)
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        let alone = names.len() == 1;
        let output = workbook(&copy, &["start", &stage.id]);
        assert!(output.status.success(), "{}", text(&output));
        let took = assert_fails(
            &copy,
            &copy_stage,
            if alone { &names[..] } else { &[] },
            "the whole exercise",
        );
        fail_times.push((stage.package.clone(), took));
        let listed = text(&workbook(&copy, &["list"]));
        assert!(
            listed
                .lines()
                .any(|l| l.starts_with(&stage.package) && l.contains("last check")),
            "{listed}"
        );

        // Each part alone: its stub is enough to fail the tests, and a failing test's
        // message names it (so the learner is told what is missing, and where to read).
        for exercise in exercises.iter().filter(|_| !alone) {
            let output = workbook(&copy, &["reset", &stage.id]);
            assert!(output.status.success(), "{}", text(&output));
            let output = workbook(&copy, &["start", &stage.id, &exercise.name]);
            assert!(output.status.success(), "{}", text(&output));
            assert_fails(
                &copy,
                &copy_stage,
                &[&exercise.name],
                &format!("exercise {}", exercise.name),
            );
        }

        // Reset shows the learner's changes, saves them, and restores the reference.
        let output = workbook(&copy, &["reset", &stage.id]);
        let said = text(&output);
        assert!(output.status.success(), "{said}");
        assert!(
            said.contains("(yours)") && said.contains("(reference)"),
            "{said}"
        );
        assert_eq!(
            &copy_stage.read_files().unwrap(),
            reference,
            "reset must restore {} exactly",
            stage.package
        );
        let saved = read_tree(&copy.join(".workbook/saved").join(&stage.key)).unwrap();
        assert!(
            saved.values().any(|t| t.contains("todo!(\"exercise ")),
            "reset must keep the learner's files in .workbook/saved"
        );
    }
    let listed = text(&workbook(&copy, &["list"]));
    for stage in &stages {
        assert!(
            listed
                .lines()
                .any(|l| l.starts_with(&stage.package) && l.contains("reference")),
            "{listed}"
        );
    }
    report_fail_times(&fail_times);
    eprintln!("exercise proof: {:.1?}", started.elapsed());
}

/// A freshly started stage must fail its check within this, its build excluded: the
/// learner's loop is edit, check, read; a minute per check breaks it.
const FRESH_STAGE_FAILS_WITHIN: Duration = Duration::from_secs(15);

/// Print how long each freshly started stage took to fail its tests, and fail if one took
/// longer than [`FRESH_STAGE_FAILS_WITHIN`].
fn report_fail_times(times: &[(String, Duration)]) {
    eprintln!("a freshly started stage fails its check (tests only, build excluded) in:");
    let mut slow = Vec::new();
    for (package, took) in times {
        let over = if *took > FRESH_STAGE_FAILS_WITHIN {
            slow.push(format!("{package} ({:.1} s)", took.as_secs_f64()));
            format!("  over {FRESH_STAGE_FAILS_WITHIN:?}")
        } else {
            String::new()
        };
        eprintln!("  {package:<10} {:>6.1} s{over}", took.as_secs_f64());
    }
    assert!(
        slow.is_empty(),
        "a freshly started stage must fail its check within {FRESH_STAGE_FAILS_WITHIN:?}, \
         its build excluded; these took longer: {}. A test that waits out a deadline \
         instead of noticing that the programs are done is the usual cause",
        slow.join(", ")
    );
}
