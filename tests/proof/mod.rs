//! The plumbing of the exercise proofs (`tests/exercises.rs`, `tests/wrong_solutions.rs`):
//! a copy of the workspace under `target/tmp/exercise-proof/`, with a target directory of
//! its own beside it, where stages are turned into exercises or given wrong solutions
//! without touching the real sources or the real `target/debug`.
//!
//! Both proofs use the same copy, so that one reuses what the other built; a lock keeps
//! them from using it at the same time (`cargo test` runs one test binary after the other
//! anyway; a runner that runs them at once, such as nextest, waits here).

#![allow(dead_code)] // Each test binary that includes this module uses part of it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use workbook::parts;
use workbook::workspace::{Files, Unit, Workspace, read_tree};

pub fn workspace() -> Workspace {
    Workspace {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    }
}

/// The stages that have exercises, with their files.
pub fn marked_stages(workspace: &Workspace) -> Vec<(Unit, Files)> {
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

/// Where the copy and its target directory live.
pub fn proof_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exercise-proof")
}

/// Make `to` hold exactly `files`, rewriting only what differs (so that cargo's
/// fingerprints, which look at modification times, stay valid from one run to the next).
pub fn sync(to: &Path, files: &BTreeMap<PathBuf, String>) {
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

/// The copy, held for as long as this lives.
pub struct Copy {
    pub root: PathBuf,
    _lock: Flock<fs::File>,
}

/// A copy of the workspace with only `stages` as stage members.
pub fn copy_workspace(workspace: &Workspace, stages: &[&Unit]) -> Copy {
    fs::create_dir_all(proof_dir()).unwrap();
    let lock = fs::File::create(proof_dir().join("lock")).unwrap();
    let lock = Flock::lock(lock, FlockArg::LockExclusive)
        .unwrap_or_else(|(_, e)| panic!("lock the exercise proof's copy: {e}"));
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
    Copy {
        root: copy,
        _lock: lock,
    }
}

/// The environment of every cargo run in the copy.
fn in_copy(command: &mut Command) -> &mut Command {
    command
        .env("CARGO_TARGET_DIR", proof_dir().join("target"))
        // No debug info: it is most of the time spent compiling and linking the many
        // small builds of this proof, and nobody debugs them.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .env("RUST_BACKTRACE", "0")
        .env_remove("MINITALK_SERVER")
        .env_remove("MINITALK_CLIENT")
}

/// Run the workbook binary on the copy.
pub fn workbook(copy: &Path, args: &[&str]) -> Output {
    in_copy(
        Command::new(env!("CARGO_BIN_EXE_workbook"))
            .arg("--root")
            .arg(copy)
            .args(args),
    )
    .output()
    .unwrap()
}

/// Build a stage's programs and tests in the copy, without running them, so that a check
/// that follows measures the tests alone. Returns what cargo said if the build failed.
pub fn build(copy: &Path, stage: &Unit) -> Result<(), String> {
    let output = in_copy(
        Command::new(env!("CARGO"))
            .args(["test", "--no-run", "-q", "-p", &stage.package])
            .current_dir(copy),
    )
    .output()
    .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(text(&output))
    }
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// What `workbook check` said, how it ended and how long it took.
pub struct Checked {
    pub said: String,
    pub code: Option<i32>,
    pub took: Duration,
}

impl Checked {
    /// The summary, from its heading (`stage-03 · …`) on.
    pub fn summary(&self) -> &str {
        &self.said[self
            .said
            .find(" · ")
            .map_or(0, |at| self.said[..at].rfind('\n').map_or(0, |nl| nl + 1))..]
    }

    /// The summary's lines that trace a failing test to parts (`… → part a: …`,
    /// `… → one of the parts a, b: …`), with those parts.
    pub fn traces(&self) -> Vec<(String, Vec<String>)> {
        self.summary()
            .lines()
            .filter_map(|line| {
                let (_, trace) = line.split_once("→ ")?;
                let names = trace
                    .strip_prefix("part ")
                    .or_else(|| trace.strip_prefix("one of the parts "))?;
                let names = names.split(':').next()?;
                Some((
                    line.trim().to_owned(),
                    names.split(", ").map(str::to_owned).collect(),
                ))
            })
            .collect()
    }

    /// Whether a failing test is traced to the part `name`.
    pub fn names(&self, name: &str) -> bool {
        self.traces()
            .iter()
            .any(|(_, names)| names.iter().any(|n| n == name))
    }

    /// Whether a failing test is traced to the part `name` because its stub panicked.
    pub fn stub_named(&self, name: &str) -> bool {
        self.traces().iter().any(|(line, names)| {
            line.contains("its stub panicked") && names.iter().any(|n| n == name)
        })
    }
}

/// Build the stage in the copy, then time `workbook check` on it (the tests alone).
pub fn check(copy: &Path, stage: &Unit) -> Checked {
    if let Err(said) = build(copy, stage) {
        return Checked {
            said,
            code: None,
            took: Duration::ZERO,
        };
    }
    let started = Instant::now();
    let output = workbook(copy, &["check", &stage.id]);
    Checked {
        said: text(&output),
        code: output.status.code(),
        took: started.elapsed(),
    }
}

/// Run `check` on the copy and assert that the stage builds and its tests fail,
/// with a failing test naming each of `named`. Returns how long the tests took.
pub fn assert_fails(copy: &Path, stage: &Unit, named: &[&str], what: &str) -> Duration {
    let checked = check(copy, stage);
    assert!(
        checked.code.is_some() && !checked.said.contains("does not build"),
        "{what}: {} does not compile:\n{}",
        stage.package,
        checked.said
    );
    assert_eq!(
        checked.code,
        Some(1),
        "{what}: {}'s tests should fail:\n{}",
        stage.package,
        checked.summary()
    );
    // A failure whose stub names its part is traced to it: `→ part a, b: its stub panicked`.
    for name in named {
        assert!(
            checked.stub_named(name),
            "{what}: no failing test of {} names exercise {name}:\n{}",
            stage.package,
            checked.summary()
        );
    }
    eprintln!(
        "{what}: {} fails as it should, its tests in {:.1?}",
        stage.package, checked.took
    );
    checked.took
}
