//! The book is part of the product: this test builds it the way `mdbook build` does and
//! fails when a listing or a captured output would be missing or empty, when a marker
//! leaks into a page, or when a stage has no chapter.
//!
//! `mdbook build` itself only *logs* a missing include and exits 0, and a missing anchor
//! silently includes nothing: hence these checks.

use std::fs;
use std::path::{Path, PathBuf};

const BOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/book");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.md` file under `book/src`.
fn chapters() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(BOOK).join("src"), &mut found);
    found.sort();
    found
}

/// The `{{#include path}}` and `{{#include path:anchor}}` directives of a chapter.
fn includes(markdown: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("{{#include ") {
        let after = &rest[start + "{{#include ".len()..];
        let end = after.find("}}").expect("an include directive ends with }}");
        let target = after[..end].trim();
        let (path, anchor) = match target.rsplit_once(':') {
            Some((path, anchor)) if !anchor.contains('/') => (path, Some(anchor.to_owned())),
            _ => (target, None),
        };
        found.push((path.to_owned(), anchor));
        rest = &after[end..];
    }
    found
}

/// The lines of `text` between `ANCHOR: anchor` and `ANCHOR_END: anchor`, without any
/// anchor lines (as mdBook shows them).
fn anchored(text: &str, anchor: &str) -> Option<Vec<String>> {
    let is_marker = |line: &str, kind: &str| {
        line.trim_start()
            .strip_prefix("//")
            .map(str::trim)
            .and_then(|l| l.strip_prefix(kind))
            .is_some_and(|name| name.trim() == anchor)
    };
    let mut lines = text.lines();
    lines.find(|line| is_marker(line, "ANCHOR:"))?;
    let mut region = Vec::new();
    for line in lines {
        if is_marker(line, "ANCHOR_END:") {
            return Some(region);
        }
        if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            region.push(line.to_owned());
        }
    }
    None
}

#[test]
fn every_include_names_an_existing_non_empty_file_or_anchor() {
    let mut problems = Vec::new();
    for chapter in chapters() {
        let markdown = fs::read_to_string(&chapter).unwrap();
        let name = chapter.strip_prefix(BOOK).unwrap().display().to_string();
        for (path, anchor) in includes(&markdown) {
            let file = chapter.parent().unwrap().join(&path);
            let Ok(text) = fs::read_to_string(&file) else {
                problems.push(format!("{name}: {path} does not exist"));
                continue;
            };
            match anchor {
                None if text.trim().is_empty() => {
                    problems.push(format!("{name}: {path} is empty"));
                }
                None if text.contains("ANCHOR:") => problems.push(format!(
                    "{name}: {path} is included whole, so its ANCHOR lines would show"
                )),
                None => {}
                Some(anchor) => match anchored(&text, &anchor) {
                    None => problems.push(format!("{name}: {path} has no anchor {anchor:?}")),
                    Some(region) if region.iter().all(|l| l.trim().is_empty()) => {
                        problems.push(format!("{name}: anchor {anchor:?} in {path} is empty"));
                    }
                    Some(region) => {
                        if let Some(marker) = region.iter().find(|l| l.contains("EXERCISE")) {
                            problems.push(format!(
                                "{name}: anchor {anchor:?} in {path} would show the exercise marker {marker:?}"
                            ));
                        }
                    }
                },
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_stage_has_a_chapter_in_the_summary() {
    let summary = fs::read_to_string(Path::new(BOOK).join("src/SUMMARY.md")).unwrap();
    let mut problems = Vec::new();
    for stage in fs::read_dir(Path::new(ROOT).join("stages"))
        .unwrap()
        .flatten()
    {
        if !stage.path().join("Cargo.toml").exists() {
            continue;
        }
        let dir = stage.file_name().to_string_lossy().into_owned();
        let chapter = format!("stages/{dir}.md");
        if !Path::new(BOOK).join("src").join(&chapter).exists() {
            problems.push(format!("stage {dir} has no chapter book/src/{chapter}"));
        } else if !summary.contains(&format!("({chapter})")) {
            problems.push(format!("book/src/{chapter} is not in SUMMARY.md"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The chapters `SUMMARY.md` links to (relative to `book/src`): the pages of the book.
/// Other `.md` files are fragments that chapters include.
fn summary_chapters() -> Vec<String> {
    let summary = fs::read_to_string(Path::new(BOOK).join("src/SUMMARY.md")).unwrap();
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(link, _)| link.to_owned()))
        .filter(|link| link.ends_with(".md"))
        .collect()
}

#[test]
fn the_book_builds_and_no_page_shows_a_directive_a_marker_or_an_empty_listing() {
    // A directory of this run's own: two runs at once must not share one.
    let build = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("book-{}", std::process::id()));
    let _ = fs::remove_dir_all(&build);
    let mut book = mdbook_driver::MDBook::load(BOOK).expect("load the book");
    book.config.build.build_dir = build.clone();
    book.build().expect("build the book");

    let mut problems = Vec::new();
    for relative in summary_chapters() {
        let page = build.join(Path::new(&relative).with_extension("html"));
        let Ok(html) = fs::read_to_string(&page) else {
            problems.push(format!("{relative} was not rendered"));
            continue;
        };
        let main = html
            .split_once("<main>")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map_or(html.as_str(), |(main, _)| main);
        if main.contains("{{#") {
            problems.push(format!(
                "{relative}: the page shows an unexpanded {{{{#…}}}}"
            ));
        }
        // Markers are source comments: they must never reach a listing. (Prose may name
        // them, in inline code; listings are the <pre> blocks.)
        for listing in main.split("<pre>").skip(1) {
            let listing = listing.split("</pre>").next().unwrap_or_default();
            for marker in ["ANCHOR:", "ANCHOR_END:", "EXERCISE:", "END EXERCISE"] {
                if listing.contains(marker) {
                    problems.push(format!("{relative}: a listing shows {marker:?}"));
                }
            }
            if listing.contains("\"></code>") {
                problems.push(format!("{relative}: a listing is empty"));
            }
        }
    }
    let _ = fs::remove_dir_all(&build);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// --- transcripts ------------------------------------------------------------------------
//
// A transcript (`book/src/output/NAME.txt`) is what the capture scripts (`stages/*/capture.sh`,
// on `book/capture-lib.sh`) saw when they ran the real programs. The library runs each
// command from the text it shows, and records the commands it ran in `book/commands/NAME.txt`.

const OUTPUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/book/src/output");
const RECORDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/book/commands");

/// The `.txt` files of a directory, by name.
fn text_files(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{dir}: {error}"))
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// The commands a transcript shows: its `$ ` lines, without the prompt.
fn shown_commands(transcript: &str) -> Vec<String> {
    transcript
        .lines()
        .filter_map(|line| line.strip_prefix("$ "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_transcript_shows_exactly_the_commands_its_capture_script_ran() {
    let mut problems = Vec::new();
    for name in text_files(OUTPUT) {
        let transcript = fs::read_to_string(Path::new(OUTPUT).join(&name)).unwrap();
        let Ok(record) = fs::read_to_string(Path::new(RECORDS).join(&name)) else {
            problems.push(format!(
                "output/{name} has no record in book/commands/: it was not made by a capture script \
                 (stages/*/capture.sh on book/capture-lib.sh)"
            ));
            continue;
        };
        let ran: Vec<&str> = record.lines().collect();
        let shown = shown_commands(&transcript);
        if shown != ran {
            problems.push(format!(
                "output/{name} shows other commands than its capture ran:\n  shown: {shown:?}\n  ran:   {ran:?}"
            ));
        }
    }
    for name in text_files(RECORDS) {
        if !Path::new(OUTPUT).join(&name).exists() {
            problems.push(format!(
                "book/commands/{name} records a transcript that is gone"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What a page asks a learner to type, in order: the `$ ` lines of its ```console blocks
/// and of the transcripts it includes, each with where it comes from.
fn page_commands(chapter: &Path) -> Vec<(String, String)> {
    let markdown = fs::read_to_string(chapter).unwrap();
    let mut commands = Vec::new();
    let mut in_console = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_console = !in_console && trimmed == "```console";
            continue;
        }
        if let Some(target) = trimmed
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
            .filter(|target| target.contains("output/"))
        {
            let file = chapter.parent().unwrap().join(target.trim());
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let transcript = fs::read_to_string(&file).unwrap_or_default();
            for command in shown_commands(&transcript) {
                commands.push((format!("output/{name}"), command));
            }
        } else if in_console && let Some(command) = trimmed.strip_prefix("$ ") {
            commands.push(("a console block".to_owned(), command.to_owned()));
        }
    }
    commands
}

/// The words of a command after any leading `VAR=value` assignments.
fn program_words(command: &str) -> Vec<&str> {
    command
        .split_whitespace()
        .skip_while(|word| {
            word.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            })
        })
        .collect()
}

#[test]
fn every_page_s_commands_run_as_shown_from_the_repository_root_in_order() {
    let mut problems = Vec::new();
    for relative in summary_chapters() {
        let chapter = Path::new(BOOK).join("src").join(&relative);
        // (package, release?) built so far on this page, files written so far.
        let mut built: Vec<(String, bool)> = Vec::new();
        let mut written: Vec<String> = Vec::new();
        let mut on_path = false;
        for (source, command) in page_commands(&chapter) {
            let at = format!("{relative}, {source}: `{command}`");
            let words = program_words(&command);
            if command.starts_with("cargo build") {
                let release = command.contains("--release");
                for pair in command.split(" -p ").skip(1) {
                    let package = pair.split_whitespace().next().unwrap_or_default();
                    built.push((package.to_owned(), release));
                }
            }
            if command.contains("export PATH=") {
                on_path = true;
            }
            // Programs under target/: built on this page, before this command.
            for word in command
                .split(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '|' || c == ';')
            {
                let Some((profile, binary)) = word
                    .strip_prefix("target/debug/")
                    .map(|b| (false, b))
                    .or_else(|| word.strip_prefix("target/release/").map(|b| (true, b)))
                else {
                    continue;
                };
                let package = match binary.strip_prefix("stage").and_then(|b| b.get(..2)) {
                    Some(number) => format!("stage-{number}"),
                    // The signals lab's programs, `lab-rt-queue` and the others.
                    None if binary.starts_with("lab-") => "lab".to_owned(),
                    None => "stage-07".to_owned(), // `server`, `client`
                };
                if !built.contains(&(package.clone(), profile)) {
                    let how = if profile {
                        "cargo build --release"
                    } else {
                        "cargo build"
                    };
                    problems.push(format!(
                        "{at}: no `{how} -p {package}` before it on the page"
                    ));
                }
            }
            // The final programs are not on a learner's PATH.
            if !on_path && matches!(words.first(), Some(&("server" | "client"))) {
                problems.push(format!("{at}: a bare `{}` is on nobody's PATH", words[0]));
            }
            // pid_max differs between machines (32768, 4194304, ...): never typed in.
            for pid_max in ["32768", "4194304"] {
                if command
                    .split(|c: char| !c.is_ascii_digit())
                    .any(|n| n == pid_max)
                {
                    problems.push(format!("{at}: a hard-coded pid_max ({pid_max})"));
                }
            }
            // Scratch files: written before they are read.
            for (index, word) in command.split_whitespace().enumerate() {
                let word = word.trim_matches(|c| c == '"' || c == '\'' || c == ';');
                let is_file = word.starts_with("/tmp/")
                    || [".log", ".out", ".txt"]
                        .iter()
                        .any(|ext| word.ends_with(ext));
                if !is_file {
                    continue;
                }
                let previous = command
                    .split_whitespace()
                    .nth(index.wrapping_sub(1))
                    .unwrap_or("");
                if previous == ">" || previous == ">>" {
                    written.push(word.to_owned());
                } else if !written.iter().any(|file| file == word) {
                    problems.push(format!(
                        "{at}: reads {word}, which nothing on the page wrote"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_transcript_with_a_program_in_the_foreground_says_which_terminal_is_which() {
    let mut problems = Vec::new();
    for name in text_files(OUTPUT) {
        let transcript = fs::read_to_string(Path::new(OUTPUT).join(&name)).unwrap();
        let commands = shown_commands(&transcript);
        // A server, or any program reading what is typed, started without `&` and followed
        // by more commands: those are typed elsewhere.
        let foreground = commands.iter().position(|command| {
            let command = command.split("  #").next().unwrap_or_default().trim_end();
            let program = program_words(command).first().copied().unwrap_or_default();
            (program.ends_with("-server")
                || program.ends_with("/server")
                || program.ends_with("-receiver"))
                && !command.ends_with('&')
                && !command.contains("--help")
                && !command.contains(';')
        });
        if let Some(first) = foreground
            && first + 1 < commands.len()
            && !transcript
                .lines()
                .any(|line| line.starts_with("# terminal 2"))
        {
            problems.push(format!(
                "output/{name}: `{}` keeps its terminal, but the commands after it are not labelled \
                 with the terminal they are typed in",
                commands[first]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_transcript_is_shown_by_a_page() {
    let mut included = String::new();
    for chapter in chapters() {
        included.push_str(&fs::read_to_string(chapter).unwrap());
    }
    let unused: Vec<String> = text_files(OUTPUT)
        .into_iter()
        .filter(|name| !included.contains(&format!("output/{name}")))
        .collect();
    assert!(
        unused.is_empty(),
        "transcripts no page includes: {unused:?}"
    );
}

#[test]
fn each_chapter_shows_its_exercises_hints_as_the_manifest_gives_them() {
    // The hints live in stage.toml (the learner tool gives them one at a time); the
    // chapter shows them all, collapsed. They must be the same words.
    let mut problems = Vec::new();
    // The stages and the lab; each of the lab's experiments has a chapter of its own.
    for stage in minitalk_manifest::units(Path::new(ROOT)).unwrap() {
        for exercise in &stage.manifest.exercises {
            let shown = stage.manifest.chapter_of(exercise);
            let chapter = Path::new(BOOK).join("src").join(shown);
            let text = fs::read_to_string(&chapter).unwrap();
            if !text.contains(&format!(
                "<summary>Hints for <code>{}</code>",
                exercise.name
            )) {
                problems.push(format!(
                    "{shown}: no collapsed hints for {:?}",
                    exercise.name
                ));
            }
            for (index, hint) in exercise.hints.iter().enumerate() {
                if !text.contains(&format!("{}. {hint}", index + 1)) {
                    problems.push(format!(
                        "{shown}: hint {} of {:?} is not shown as stage.toml has it",
                        index + 1,
                        exercise.name
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
