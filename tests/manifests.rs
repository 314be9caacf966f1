//! Every stage's `stage.toml` against everything else that names the stage: its directory,
//! its `Cargo.toml`, the book's `SUMMARY.md` and introduction, and the previous stage's
//! files. A stage is described once, in its manifest; this test fails, naming the file
//! and the fact, wherever another file says something else. The signals lab (`lab/`) is
//! checked the same way, and each of its experiments against its program, test and chapter.
//! Last, the README's layout table and DEVELOPERS.md against the tree: every crate, every
//! script, the lab, CI.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use minitalk_manifest::{Stage, stages, units};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn all_stages() -> Vec<Stage> {
    stages(Path::new(ROOT)).unwrap_or_else(|why| panic!("{why}"))
}

/// The stages, then the lab.
fn all_units() -> Vec<Stage> {
    units(Path::new(ROOT)).unwrap_or_else(|why| panic!("{why}"))
}

fn the_lab() -> Stage {
    minitalk_manifest::lab(Path::new(ROOT))
        .unwrap_or_else(|why| panic!("{why}"))
        .expect("lab/stage.toml is missing")
}

/// `stages/03-acknowledged` or `lab`: where a unit lives, for messages.
fn rel_dir(unit: &Stage) -> String {
    unit.dir
        .strip_prefix(ROOT)
        .unwrap_or(&unit.dir)
        .display()
        .to_string()
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

/// The `[[bin]]` entries of a unit's `Cargo.toml`: name and path.
fn bins(unit: &Stage) -> Vec<(String, String)> {
    let shown = format!("{}/Cargo.toml", rel_dir(unit));
    let cargo: toml::Table = toml::from_str(&read(unit.dir.join("Cargo.toml"))).unwrap();
    cargo
        .get("bin")
        .and_then(|bins| bins.as_array())
        .unwrap_or_else(|| panic!("{shown} has no [[bin]]"))
        .iter()
        .map(|bin| {
            let field = |key: &str| {
                bin[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("a [[bin]] of {shown} has no {key}"))
                    .to_owned()
            };
            (field("name"), field("path"))
        })
        .collect()
}

#[test]
fn cargo_toml_names_the_package_its_description_and_the_manifests_binaries() {
    for unit in all_units() {
        let path = unit.dir.join("Cargo.toml");
        let cargo: toml::Table = toml::from_str(&read(&path)).unwrap();
        let package = &cargo["package"];
        let shown = format!("{}/Cargo.toml", rel_dir(&unit));
        assert_eq!(
            package["name"].as_str(),
            Some(unit.manifest.package().as_str()),
            "{shown}: the package name"
        );
        let description = unit.manifest.description();
        assert_eq!(
            package["description"].as_str(),
            Some(description.as_str()),
            "{shown}: the description is the manifest's idea"
        );
        let bins: BTreeSet<String> = bins(&unit).into_iter().map(|(name, _)| name).collect();
        let named: BTreeSet<String> = unit
            .manifest
            .programs
            .all()
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            bins, named,
            "{shown}'s [[bin]] names against stage.toml's [programs]"
        );
    }
}

#[test]
fn the_books_summary_lists_each_chapter_under_its_title() {
    let summary = read(Path::new(ROOT).join("book/src/SUMMARY.md"));
    for unit in all_units() {
        let line = format!(
            "- [{}]({})",
            unit.manifest.full_title(),
            unit.manifest.chapter
        );
        assert!(
            summary.lines().any(|l| l.trim() == line),
            "book/src/SUMMARY.md should have the line {line:?} ({}/stage.toml)",
            rel_dir(&unit)
        );
        let chapter = Path::new(ROOT)
            .join("book/src")
            .join(&unit.manifest.chapter);
        assert!(chapter.is_file(), "{} is missing", chapter.display());
        let heading = format!("# {}", unit.manifest.full_title());
        assert!(
            read(&chapter).lines().next() == Some(heading.as_str()),
            "{} should start with {heading:?}",
            chapter.display()
        );
    }
}

#[test]
fn the_lab_is_a_workspace_member_named_lab() {
    let lab = the_lab();
    assert_eq!(lab.manifest.id(), "lab");
    let cargo: toml::Table = toml::from_str(&read(Path::new(ROOT).join("Cargo.toml"))).unwrap();
    let members: Vec<&str> = cargo["workspace"]["members"]
        .as_array()
        .expect("[workspace] members")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert!(
        members.contains(&minitalk_manifest::LAB_DIR),
        "Cargo.toml's [workspace] members should hold \"lab\", or `cargo test --workspace` skips it: {members:?}"
    );
}

/// The `(title, target)` of every link line of `SUMMARY.md`.
fn summary_links() -> Vec<(String, String)> {
    read(Path::new(ROOT).join("book/src/SUMMARY.md"))
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("- [")?;
            let (title, rest) = rest.split_once("](")?;
            Some((title.to_owned(), rest.strip_suffix(')')?.to_owned()))
        })
        .collect()
}

#[test]
fn each_experiment_of_the_lab_has_its_program_its_test_and_its_chapter() {
    let lab = the_lab();
    let links = summary_links();
    let sources: std::collections::BTreeMap<String, String> = bins(&lab).into_iter().collect();
    let mut problems = Vec::new();
    let mut programs_seen = BTreeSet::new();
    let mut tests_seen = BTreeSet::new();
    for exercise in &lab.manifest.exercises {
        let name = &exercise.name;
        let (Some(program), Some(test), Some(chapter)) =
            (&exercise.program, &exercise.test, &exercise.chapter)
        else {
            problems.push(format!(
                "experiment {name:?} needs a program, a test and a chapter"
            ));
            continue;
        };
        programs_seen.insert(program.clone());
        tests_seen.insert(test.clone());
        match sources.get(program) {
            None => problems.push(format!("experiment {name:?}: no [[bin]] {program:?}")),
            Some(path) => {
                let marker = format!("// EXERCISE: {name}");
                if !read(lab.dir.join(path)).lines().any(|l| l.trim() == marker) {
                    problems.push(format!("experiment {name:?}: lab/{path} has no {marker:?}"));
                }
            }
        }
        if !lab.dir.join("tests").join(format!("{test}.rs")).is_file() {
            problems.push(format!(
                "experiment {name:?}: lab/tests/{test}.rs is missing"
            ));
        }
        let Some((title, _)) = links.iter().find(|(_, target)| target == chapter) else {
            problems.push(format!(
                "experiment {name:?}: SUMMARY.md does not list {chapter}"
            ));
            continue;
        };
        let Ok(text) = fs::read_to_string(Path::new(ROOT).join("book/src").join(chapter)) else {
            problems.push(format!(
                "experiment {name:?}: book/src/{chapter} is missing"
            ));
            continue;
        };
        if text.lines().next() != Some(format!("# {title}").as_str()) {
            problems.push(format!(
                "book/src/{chapter} should start with \"# {title}\""
            ));
        }
        let section = format!("## {}", exercise.section);
        if !text.lines().any(|l| l.trim_end() == section) {
            problems.push(format!(
                "experiment {name:?}: book/src/{chapter} has no heading {section:?}"
            ));
        }
        if exercise.what.is_empty() || exercise.hints.len() < 2 {
            problems.push(format!(
                "experiment {name:?} needs `what` and at least two hints"
            ));
        }
    }
    let programs: BTreeSet<String> = lab.manifest.programs.others.iter().cloned().collect();
    if programs != programs_seen {
        problems.push(format!(
            "every program of the lab is one experiment: [programs] {programs:?}, experiments' programs {programs_seen:?}"
        ));
    }
    let tests: BTreeSet<String> = fs::read_dir(lab.dir.join("tests"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            (path.extension()? == "rs").then_some(stem)
        })
        .collect();
    if tests != tests_seen {
        problems.push(format!(
            "every test file of lab/tests/ is one experiment's: files {tests:?}, experiments' tests {tests_seen:?}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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

/// The first column of the README's layout table: `crates/kit/`, `lab/`, `.ci/run`, ….
fn readme_layout_rows() -> Vec<String> {
    let readme = read(Path::new(ROOT).join("README.md"));
    let section = readme
        .split("\n## Layout\n")
        .nth(1)
        .expect("README.md has a `## Layout` section");
    section
        .lines()
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(path, _)| path.to_owned()))
        .collect()
}

#[test]
fn the_readme_layout_and_the_developers_guide_name_every_part_of_the_tree() {
    let root = Path::new(ROOT);
    let rows = readme_layout_rows();
    let guide = read(root.join("DEVELOPERS.md"));
    let names_in = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("cannot read {dir}/: {e}"))
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    // Every crate, every script, and the top-level parts: a row in the README's table, and
    // a word in the developers' guide.
    let mut parts: Vec<(String, String)> = names_in("crates")
        .into_iter()
        .map(|name| (format!("crates/{name}/"), format!("`crates/{name}`")))
        .collect();
    parts.extend(
        names_in("scripts")
            .into_iter()
            .map(|name| (format!("scripts/{name}"), format!("scripts/{name}"))),
    );
    for part in ["lab/", "src/", "tests/", "book/", ".ci/run"] {
        parts.push((part.to_owned(), part.trim_end_matches('/').to_owned()));
    }
    let mut problems = Vec::new();
    for (row, mention) in &parts {
        if !rows.contains(row) {
            problems.push(format!("README.md's layout table has no row `{row}`"));
        }
        if !guide.contains(mention.as_str()) {
            problems.push(format!("DEVELOPERS.md never names {mention}"));
        }
    }
    // And every row names something that is there (`stages/NN-name/` stands for each stage).
    for row in &rows {
        if !row.contains("NN") && !root.join(row).exists() {
            problems.push(format!(
                "README.md's layout table names `{row}`, which is not in the tree"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
