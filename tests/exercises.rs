//! Exercise mode, proven: every stage's exercise is generated from its reference, compiles,
//! and fails the stage's tests, naming the missing part; and the book never shows a marker.
//!
//! The proof that the *reference* passes is the rest of the suite: `cargo test --workspace`
//! runs every stage's tests on the reference code. Here the exercises are generated in a
//! copy of the workspace under `target/tmp/exercise-proof/` (only the stages that have
//! exercises, so a stage being written elsewhere cannot break it), built with a target
//! directory of their own beside it, so the copy never touches the real `target/debug`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use workbook::markers;
use workbook::parts::{self, Part};
use workbook::workspace::{Files, Unit, Workspace, read_tree};

fn workspace() -> Workspace {
    Workspace {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    }
}

/// The stages that have exercises, with their files.
fn marked_stages(workspace: &Workspace) -> Vec<(Unit, Files)> {
    workspace
        .units()
        .unwrap()
        .into_iter()
        .filter_map(|stage| {
            let files = stage.read_files().unwrap();
            let exercises =
                parts::parts(&stage, &files).unwrap_or_else(|e| panic!("{}: {e}", stage.rel_dir));
            (!exercises.is_empty()).then_some((stage, files))
        })
        .collect()
}

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
        let chapter = &manifest.chapter;
        let chapter_text = fs::read_to_string(workspace.book_src().join(chapter));
        if chapter_text.is_err() {
            problems.push(format!(
                "{}/{}: chapter {chapter:?} is not a file of book/src",
                stage.rel_dir,
                minitalk_manifest::FILE
            ));
        }
        let headings: Vec<String> = chapter_text
            .as_deref()
            .unwrap_or("")
            .lines()
            .filter(|l| l.starts_with("##"))
            .map(|l| l.trim_start_matches('#').trim().to_owned())
            .collect();
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

/// Where the copy and its target directory live.
fn proof_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exercise-proof")
}

/// Make `to` hold exactly `files`, rewriting only what differs (so that cargo's
/// fingerprints, which look at modification times, stay valid from one run to the next).
fn sync(to: &Path, files: &BTreeMap<PathBuf, String>) {
    if to.exists() {
        for (path, _) in read_tree(to).unwrap() {
            if !files.contains_key(&path) {
                fs::remove_file(to.join(path)).unwrap();
            }
        }
    }
    for (path, text) in files {
        let target = to.join(path);
        if fs::read_to_string(&target).ok().as_ref() != Some(text) {
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(&target, text).unwrap();
        }
    }
}

/// A copy of the workspace with only `stages` as stage members.
fn copy_workspace(workspace: &Workspace, stages: &[&Unit]) -> PathBuf {
    let root = &workspace.root;
    let mut files = BTreeMap::new();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members: Vec<String> = [".".to_owned(), "crates/*".to_owned()]
        .into_iter()
        .chain(stages.iter().map(|s| s.rel_dir.clone()))
        .map(|m| format!("{m:?}"))
        .collect();
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("members") {
                format!("members = [{}]\n", members.join(", "))
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    files.insert(PathBuf::from("Cargo.toml"), manifest);
    files.insert(
        PathBuf::from("Cargo.lock"),
        fs::read_to_string(root.join("Cargo.lock")).unwrap(),
    );
    for dir in ["src", "crates", "book/src"] {
        for (path, text) in read_tree(&root.join(dir)).unwrap() {
            files.insert(Path::new(dir).join(path), text);
        }
    }
    for stage in stages {
        for (path, text) in stage.read_files().unwrap() {
            files.insert(Path::new(&stage.rel_dir).join(path), text);
        }
    }
    let copy = proof_dir().join("workspace");
    sync(&copy, &files);
    let _ = fs::remove_dir_all(copy.join(".workbook"));
    copy
}

/// Run the workbook binary on the copy.
fn workbook(copy: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--root")
        .arg(copy)
        .args(args)
        .env("CARGO_TARGET_DIR", proof_dir().join("target"))
        // No debug info: it is most of the time spent compiling and linking the many
        // small builds of this proof, and nobody debugs them.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Run `check` on the copy and assert that the stage builds and its tests fail,
/// with a failing test naming each of `named`.
fn assert_fails(copy: &Path, stage: &Unit, named: &[&str], what: &str) {
    let started = Instant::now();
    let output = workbook(copy, &["check", &stage.id]);
    let said = text(&output);
    let summary = &said[said.find(&format!("{} · ", stage.package)).unwrap_or(0)..];
    assert!(
        !said.contains("does not build"),
        "{what}: {} does not compile:\n{said}",
        stage.package
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{what}: {}'s tests should fail:\n{summary}",
        stage.package
    );
    // A failure whose stub names its part is traced to it: `→ part a, b: its stub panicked`.
    let named_by_stubs: Vec<&str> = summary
        .lines()
        .filter_map(|l| {
            l.split("→ part ")
                .nth(1)?
                .split(": its stub panicked")
                .next()
        })
        .filter(|names| !names.contains(':'))
        .flat_map(|names| names.split(", "))
        .collect();
    for name in named {
        assert!(
            named_by_stubs.contains(name),
            "{what}: no failing test of {} names exercise {name}:\n{summary}",
            stage.package
        );
    }
    eprintln!(
        "{what}: {} fails as it should ({:.1?})",
        stage.package,
        started.elapsed()
    );
}

#[test]
fn every_exercise_compiles_and_fails_its_stages_tests_until_written() {
    let started = Instant::now();
    let workspace = workspace();
    let marked = marked_stages(&workspace);
    let stages: Vec<&Unit> = marked.iter().map(|(s, _)| s).collect();
    let copy = copy_workspace(&workspace, &stages);
    let copy_workspace = Workspace { root: copy.clone() };

    for (stage, reference) in &marked {
        let copy_stage = copy_workspace.unit(&stage.id).unwrap();
        let exercises = parts::parts(stage, reference).unwrap();

        // The whole exercise: it compiles, and the tests fail. (With a single part, it is
        // also that part's own proof, below.)
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        let alone = names.len() == 1;
        let output = workbook(&copy, &["start", &stage.id]);
        assert!(output.status.success(), "{}", text(&output));
        assert_fails(
            &copy,
            &copy_stage,
            if alone { &names[..] } else { &[] },
            "the whole exercise",
        );
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
    eprintln!("exercise proof: {:.1?}", started.elapsed());
}
