//! Two toy stages (90 and 91) written into a copy of the workspace: each builds in a
//! second and fails or passes as a test needs, so the tool's `check`, `watch` and the
//! flow around them can be tested through the real binary without the minute a real
//! stage's failing tests take.

use std::fs;
use std::path::Path;

/// The toy's library, as the reference has it.
pub const LIB: &str = r#"//! A toy stage for the workbook's own tests.

// EXERCISE: double
/// Twice `n`.
pub fn double(n: u32) -> u32 {
    n * 2
}
// END EXERCISE

// EXERCISE: greet
/// What the toy says.
pub fn greeting() -> String {
    "hello".to_owned()
}
// END EXERCISE
"#;

const TESTS: &str = r#"use std::sync::mpsc;

use stage_toyNN as stage_toy;
use std::time::Duration;

#[test]
fn doubles_in_time() {
    let (answer, answers) = mpsc::channel();
    std::thread::spawn(move || answer.send(stage_toy::double(21)));
    let got = answers
        .recv_timeout(Duration::from_secs(2))
        .expect("double(21) did not answer within 2 s");
    assert_eq!(got, 42);
}

#[test]
fn greets() {
    assert_eq!(stage_toy::greeting(), "hello");
}
"#;

/// Write toy stage `number` (90 or 91) into the workspace at `root`.
pub fn write(root: &Path, number: u32) {
    let dir = root.join(format!("stages/{number}-toy"));
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::create_dir_all(dir.join("tests")).unwrap();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"stage-{number}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\nname = \"stage_toy{number}\"\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join("stage.toml"),
        format!(
            r#"number = {number}
title = "a toy"
idea = "nothing"
chapter = "stages/{number}-toy.md"

[programs]

[[exercise]]
name = "double"
what = "return twice n"
section = "Doubling"
hints = ["a nudge", "the answer: n * 2"]

[[exercise]]
name = "greet"
what = "say hello"
section = "Greeting"
hints = ["a nudge", "the answer: \"hello\""]
"#
        ),
    )
    .unwrap();
    fs::write(dir.join("src/lib.rs"), LIB).unwrap();
    fs::write(
        dir.join("tests/toy.rs"),
        TESTS.replace("stage_toyNN", &format!("stage_toy{number}")),
    )
    .unwrap();
}
