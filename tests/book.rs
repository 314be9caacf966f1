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
