//! Every stage's `stage.toml` against everything else that names the stage: its directory,
//! its `Cargo.toml`, the book's `SUMMARY.md` and introduction, and the previous stage's
//! files. A stage is described once, in its manifest; this test fails, naming the file
//! and the fact, wherever another file says something else.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use minitalk_manifest::{Stage, stages};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn all_stages() -> Vec<Stage> {
    stages(Path::new(ROOT)).unwrap_or_else(|why| panic!("{why}"))
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_stage_directory_has_a_manifest_with_its_number() {
    let with_manifest: BTreeSet<String> = all_stages().into_iter().map(|s| s.dir_name).collect();
    for entry in fs::read_dir(Path::new(ROOT).join("stages")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            with_manifest.contains(&name),
            "stages/{name} has no {}",
            minitalk_manifest::FILE
        );
    }
    for stage in all_stages() {
        let prefix = &stage.dir_name[..2];
        assert_eq!(
            prefix,
            stage.manifest.id(),
            "stages/{}/stage.toml says number = {}",
            stage.dir_name,
            stage.manifest.number
        );
    }
}

#[test]
fn cargo_toml_names_the_package_its_description_and_the_manifests_binaries() {
    for stage in all_stages() {
        let path = stage.dir.join("Cargo.toml");
        let cargo: toml::Table = toml::from_str(&read(&path)).unwrap();
        let package = &cargo["package"];
        let shown = format!("stages/{}/Cargo.toml", stage.dir_name);
        assert_eq!(
            package["name"].as_str(),
            Some(stage.manifest.package().as_str()),
            "{shown}: the package name"
        );
        let description = format!(
            "minitalk, stage {}: {}",
            stage.manifest.id(),
            stage.manifest.idea
        );
        assert_eq!(
            package["description"].as_str(),
            Some(description.as_str()),
            "{shown}: the description is the manifest's idea"
        );
        let bins: BTreeSet<&str> = cargo["bin"]
            .as_array()
            .unwrap_or_else(|| panic!("{shown} has no [[bin]]"))
            .iter()
            .map(|bin| bin["name"].as_str().expect("a [[bin]] has a name"))
            .collect();
        let named: BTreeSet<&str> = stage.manifest.programs.all().into_iter().collect();
        assert_eq!(
            bins, named,
            "{shown}'s [[bin]] names against stage.toml's [programs]"
        );
    }
}

#[test]
fn the_books_summary_lists_each_chapter_under_its_title() {
    let summary = read(Path::new(ROOT).join("book/src/SUMMARY.md"));
    for stage in all_stages() {
        let line = format!(
            "- [{}]({})",
            stage.manifest.full_title(),
            stage.manifest.chapter
        );
        assert!(
            summary.lines().any(|l| l.trim() == line),
            "book/src/SUMMARY.md should have the line {line:?} (stages/{}/stage.toml)",
            stage.dir_name
        );
        let chapter = Path::new(ROOT)
            .join("book/src")
            .join(&stage.manifest.chapter);
        assert!(chapter.is_file(), "{} is missing", chapter.display());
        let heading = format!("# {}", stage.manifest.full_title());
        assert!(
            read(&chapter).lines().next() == Some(heading.as_str()),
            "{} should start with {heading:?}",
            chapter.display()
        );
    }
}

#[test]
fn the_introduction_lists_each_stage_with_its_idea() {
    let introduction = read(Path::new(ROOT).join("book/src/introduction.md"));
    for stage in all_stages() {
        let row = format!(
            "| `{}` | `stages/{}` | {} |",
            stage.manifest.package(),
            stage.dir_name,
            stage.manifest.idea
        );
        assert!(
            introduction.lines().any(|l| l.trim() == row),
            "book/src/introduction.md should have the row {row:?}"
        );
    }
}

/// The Rust sources of a stage (`src/**.rs`), relative to its directory.
fn sources(dir: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.join("src")];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.insert(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found
}

/// A source without its exercise marker lines: what a learner's copy and the next stage's
/// copy of a carried-over file have in common.
fn without_markers(text: &str) -> String {
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("// EXERCISE:") && !line.starts_with("// END EXERCISE")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn what_a_stage_carries_over_is_listed_and_true() {
    let stages = all_stages();
    for pair in stages.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let shown = format!("stages/{}/stage.toml [carried]", after.dir_name);
        let carried = after
            .manifest
            .carried
            .clone()
            .unwrap_or_else(|| panic!("{shown} is missing"));
        let both: BTreeSet<PathBuf> = sources(&before.dir)
            .intersection(&sources(&after.dir))
            .cloned()
            .collect();
        let listed: BTreeSet<PathBuf> = carried
            .same
            .iter()
            .chain(&carried.changed)
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            listed,
            both,
            "{shown}: `same` and `changed` together must list exactly the sources that \
             stages {} and {} both have",
            before.manifest.id(),
            after.manifest.id()
        );
        let text = |stage: &Stage, file: &str| without_markers(&read(stage.dir.join(file)));
        for file in &carried.same {
            assert!(
                text(before, file) == text(after, file),
                "{shown}: {file} is listed as the same as stage {}'s, but it differs \
                 (move it to `changed`, or make it the same again)",
                before.manifest.id()
            );
        }
        for file in &carried.changed {
            assert!(
                text(before, file) != text(after, file),
                "{shown}: {file} is listed as changed, but it is the same as stage {}'s \
                 (move it to `same`)",
                before.manifest.id()
            );
        }
    }
}
