//! A stage's `stage.toml`: the one file that says what a stage is.
//!
//! Everything else that names a stage (its `Cargo.toml`, the book's `SUMMARY.md` and
//! introduction, the benchmark, the learner tool, the test kit) either reads this file or
//! is checked against it by the workspace's `tests/manifests.rs`.
//!
//! The signals lab (`lab/`, package `lab`) has one too. It is no stage: it names itself
//! with `id = "lab"` instead of a `number`, and each of its `[[exercise]]`s is one
//! experiment, with the chapter, program and test of its own (see [`Exercise`]).
//!
//! ```toml
//! number = 3
//! title = "every bit answered"            # the chapter is "Stage 03: every bit answered"
//! idea = "the server acknowledges every bit; no more sleeping"
//! chapter = "stages/03-acknowledged.md"   # relative to book/src
//!
//! [programs]
//! server = "stage03-server"
//! client = "stage03-client"
//! others = ["stage03-lost-wakeup"]
//!
//! [carried]                               # what this stage keeps from stage 02
//! same = ["src/queue.rs"]                 # identical, but for exercise markers
//! changed = ["src/bin/server.rs"]         # the same file, visibly changed
//!
//! [bench]                                 # how the benchmark runs it
//! label = "acknowledge every bit"
//! sizes = [100, 10_000, 100_000]
//! [[bench.mode]]                          # by default one: classic, `client PID MESSAGE`
//! name = "classic"
//! client_args = ["{target}", "{message}"]
//! ceiling = "kill"                        # the ping-pong it is compared with
//!
//! [[exercise]]
//! name = "wait"
//! what = "…"                              # what the part asks for (the stub's message)
//! section = "The client: block first, then send"
//! hints = ["a nudge", "…", "nearly the answer"]
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name of the manifest file, beside a stage's `Cargo.toml`.
pub const FILE: &str = "stage.toml";

/// What `stage.toml` says.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The stage's number: `stages/03-…`, package `stage-03`. Absent (read as 0) for a unit
    /// that is not a stage: that one has an [`id`](Manifest::id) of its own instead.
    #[serde(default)]
    pub number: u32,
    /// The name of a unit that is not a stage, `"lab"`: its directory and package, and
    /// what a learner types (`workbook start lab`). Exactly one of `number` and `id` is given.
    #[serde(default, rename = "id")]
    pub name: Option<String>,
    /// The chapter's title after `Stage 03: `.
    pub title: String,
    /// The one new idea, in a few words: the introduction's table and the package's
    /// description say it too.
    pub idea: String,
    /// The chapter, relative to `book/src/`.
    pub chapter: String,
    pub programs: Programs,
    /// What the stage keeps from the previous one, if it has one.
    pub carried: Option<Carried>,
    /// How the benchmark runs the stage, if it does.
    pub bench: Option<Bench>,
    /// The stage's exercise parts, in the advised order.
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// The stage's binaries, as `Cargo.toml` names them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programs {
    /// The minitalk server (none in stage 00).
    pub server: Option<String>,
    /// The minitalk client (none in stage 00).
    pub client: Option<String>,
    /// Every other binary of the stage.
    #[serde(default)]
    pub others: Vec<String>,
}

impl Programs {
    /// Every binary the stage has, server and client first.
    pub fn all(&self) -> Vec<&str> {
        self.server
            .iter()
            .chain(&self.client)
            .chain(&self.others)
            .map(String::as_str)
            .collect()
    }
}

/// What a stage keeps from the previous one. Repetition between consecutive stages is the
/// point of a staged workbook; this makes it visible: every source file that both stages
/// have is listed in one of the two lists.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    /// Files identical to the previous stage's, apart from exercise markers.
    #[serde(default)]
    pub same: Vec<String>,
    /// Files the previous stage has too, changed for this stage's idea.
    #[serde(default)]
    pub changed: Vec<String>,
}

/// How the benchmark runs a stage.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bench {
    /// A few words for the benchmark's tables.
    pub label: String,
    /// Message sizes in bytes that are run by default.
    pub sizes: Vec<usize>,
    /// How the client reaches the server.
    #[serde(default)]
    pub transport: Transport,
    /// Arguments for the server.
    #[serde(default)]
    pub server_args: Vec<String>,
    /// The client's modes; by default one, `classic`: `client {target} {message}`.
    #[serde(default = "classic_mode", rename = "mode")]
    pub modes: Vec<Mode>,
    /// Whether to also run several clients at once.
    #[serde(default)]
    pub concurrency: bool,
    /// Whether to report the server's memory.
    #[serde(default)]
    pub memory: bool,
}

/// How a stage's server announces itself, and so what its client is given.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// The first line holds the server's PID; every line after it is a message.
    #[default]
    Signals,
    /// The first line holds the `host:port` the server listens on.
    Tcp,
}

/// One way of running a stage's client.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mode {
    pub name: String,
    /// `{target}` becomes the server's PID (or address), `{message}` the message.
    pub client_args: Vec<String>,
    /// Whether the message goes to the client's stdin.
    #[serde(default)]
    pub stdin: bool,
    /// Sizes for this mode only, instead of the stage's `sizes`.
    pub sizes: Option<Vec<usize>>,
    /// Whether this mode runs several clients at once too, when the stage does
    /// (`[bench] concurrency`); `false` for a mode that is only there for comparison.
    #[serde(default = "yes")]
    pub concurrency: bool,
    /// The ping-pong this mode is compared with: the one that does what the mode does
    /// per signal (how it sends, where the two processes run, how many signals travel
    /// at once).
    #[serde(default)]
    pub ceiling: Ceiling,
    /// Bits of message one round trip of that ping-pong stands for: 1 when a signal
    /// carries one bit, 64 when it carries a `sigqueue` value.
    #[serde(default = "one_bit")]
    pub bits: u32,
}

/// The benchmark's ping-pong variants a stage's mode can be compared with.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Ceiling {
    /// `kill(2)`, one signal in flight, the processes wherever the scheduler puts them.
    #[default]
    Kill,
    /// `kill(2)`, one signal in flight, both processes on one CPU.
    KillOneCpu,
    /// `sigqueue(3)` with a value, one signal in flight.
    Sigqueue,
    /// `sigqueue(3)` with a value, one signal in flight, both processes on one CPU.
    SigqueueOneCpu,
    /// `sigqueue(3)` with a value, two signals in flight (one SIGUSR1, one SIGUSR2).
    SigqueueTwoInFlight,
    /// Not a signal protocol: no ping-pong to compare with.
    None,
}

fn one_bit() -> u32 {
    1
}

fn yes() -> bool {
    true
}

fn classic_mode() -> Vec<Mode> {
    vec![Mode {
        name: "classic".into(),
        client_args: vec!["{target}".into(), "{message}".into()],
        stdin: false,
        sizes: None,
        concurrency: true,
        ceiling: Ceiling::Kill,
        bits: 1,
    }]
}

/// One exercise part.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// As in the source's `// EXERCISE: name` markers.
    pub name: String,
    /// What the part asks for: the message of its stub.
    pub what: String,
    /// The heading of the chapter's section that teaches it.
    #[serde(default)]
    pub section: String,
    /// From a nudge to nearly the answer.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The chapter that teaches this part, relative to `book/src/`, when it is not the
    /// unit's own (each experiment of the lab has a chapter of its own).
    #[serde(default)]
    pub chapter: Option<String>,
    /// The program this part belongs to (each experiment of the lab is one program).
    #[serde(default)]
    pub program: Option<String>,
    /// The test target (`tests/NAME.rs`) that checks this part alone.
    #[serde(default)]
    pub test: Option<String>,
}

impl Manifest {
    /// Parse the text of a `stage.toml`.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        match (table.contains_key("number"), table.contains_key("id")) {
            (true, true) => {
                return Err("give `number` (a stage) or `id` (the lab), not both".into());
            }
            (false, false) => return Err("missing `number` (a stage) or `id` (the lab)".into()),
            _ => {}
        }
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Whether this is a stage (it has a number), rather than the lab.
    pub fn is_stage(&self) -> bool {
        self.name.is_none()
    }

    /// Read `dir/stage.toml`.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(FILE);
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Manifest::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// What a learner types: the two-digit number, `03`, or the lab's `lab`.
    pub fn id(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("{:02}", self.number),
        }
    }

    /// The package name: `stage-03`, or `lab`.
    pub fn package(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("stage-{:02}", self.number),
        }
    }

    /// The chapter's full title: `Stage 03: every bit answered`, or the lab's own title.
    pub fn full_title(&self) -> String {
        match &self.name {
            Some(_) => self.title.clone(),
            None => format!("Stage {:02}: {}", self.number, self.title),
        }
    }

    /// The package's description in its `Cargo.toml`: `minitalk, stage 03: <idea>`, or
    /// `minitalk, the signals lab: <idea>`.
    pub fn description(&self) -> String {
        match &self.name {
            Some(_) => format!("minitalk, {}: {}", lower_first(&self.title), self.idea),
            None => format!("minitalk, stage {:02}: {}", self.number, self.idea),
        }
    }

    /// The exercise part called `name`.
    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    /// The chapter that teaches `exercise`: its own, or the unit's.
    pub fn chapter_of<'a>(&'a self, exercise: &'a Exercise) -> &'a str {
        exercise.chapter.as_deref().unwrap_or(&self.chapter)
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// One stage directory and its manifest.
#[derive(Clone, Debug)]
pub struct Stage {
    /// `…/stages/03-acknowledged`
    pub dir: PathBuf,
    /// `03-acknowledged`
    pub dir_name: String,
    pub manifest: Manifest,
}

/// Every stage under `root/stages/` that has a `stage.toml`, in order of number.
pub fn stages(root: &Path) -> Result<Vec<Stage>, String> {
    let dir = root.join("stages");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut stages = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e: io::Error| e.to_string())?;
        if !entry.path().join(FILE).is_file() {
            continue;
        }
        stages.push(Stage {
            manifest: Manifest::read(&entry.path())?,
            dir_name: entry.file_name().to_string_lossy().into_owned(),
            dir: entry.path(),
        });
    }
    stages.sort_by_key(|s| s.manifest.number);
    Ok(stages)
}

/// The directory of the signals lab, beside `stages/`.
pub const LAB_DIR: &str = "lab";

/// The signals lab, `root/lab/`, if it has a `stage.toml`.
pub fn lab(root: &Path) -> Result<Option<Stage>, String> {
    let dir = root.join(LAB_DIR);
    if !dir.join(FILE).is_file() {
        return Ok(None);
    }
    let manifest = Manifest::read(&dir)?;
    if manifest.is_stage() {
        return Err(format!(
            "{}/{FILE} should say id = \"{LAB_DIR}\"",
            dir.display()
        ));
    }
    Ok(Some(Stage {
        manifest,
        dir_name: LAB_DIR.to_owned(),
        dir,
    }))
}

/// Every unit a learner can work on: the stages in order, then the lab.
pub fn units(root: &Path) -> Result<Vec<Stage>, String> {
    let mut units = stages(root)?;
    units.extend(lab(root)?);
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_whole_manifest() {
        let manifest = Manifest::parse(
            r#"
            number = 7
            title = "the final `server` and `client`"
            idea = "the final programs"
            chapter = "stages/07-final.md"
            [programs]
            server = "server"
            client = "client"
            [carried]
            same = ["src/signals.rs"]
            [bench]
            label = "final"
            sizes = [100, 1024]
            [[bench.mode]]
            name = "payload"
            client_args = ["--payload", "{target}", "-"]
            stdin = true
            [[exercise]]
            name = "parse"
            what = "parse the command line"
            hints = ["one", "two"]
            "#,
        )
        .unwrap();
        assert_eq!(manifest.id(), "07");
        assert_eq!(manifest.package(), "stage-07");
        assert_eq!(manifest.programs.all(), ["server", "client"]);
        let bench = manifest.bench.unwrap();
        assert_eq!(bench.transport, Transport::Signals);
        assert_eq!(bench.modes[0].name, "payload");
        assert_eq!(manifest.exercises[0].hints.len(), 2);
    }

    #[test]
    fn a_bench_without_modes_runs_the_classic_command_line() {
        let bench: Bench = toml::from_str("label = 'x'\nsizes = [1]").unwrap();
        assert_eq!(bench.modes.len(), 1);
        assert_eq!(bench.modes[0].client_args, ["{target}", "{message}"]);
        assert_eq!(bench.modes[0].ceiling, Ceiling::Kill);
        assert_eq!(bench.modes[0].bits, 1);
    }

    #[test]
    fn a_mode_names_its_ceiling_in_kebab_case() {
        let mode: Mode = toml::from_str(
            "name = 'p'\nclient_args = []\nceiling = 'sigqueue-two-in-flight'\nbits = 64",
        )
        .unwrap();
        assert_eq!(mode.ceiling, Ceiling::SigqueueTwoInFlight);
        assert_eq!(mode.bits, 64);
        assert!(toml::from_str::<Mode>("name = 'p'\nclient_args = []\nceiling = 'x'").is_err());
    }

    #[test]
    fn the_lab_has_an_id_instead_of_a_number() {
        let manifest = Manifest::parse(
            r#"
            id = "lab"
            title = "The signals lab"
            idea = "experiments"
            chapter = "lab/index.md"
            [programs]
            others = ["lab-rt-queue"]
            [[exercise]]
            name = "rt-queue"
            what = "send and take"
            chapter = "lab/rt-queue.md"
            program = "lab-rt-queue"
            test = "rt_queue"
            "#,
        )
        .unwrap();
        assert!(!manifest.is_stage());
        assert_eq!(manifest.id(), "lab");
        assert_eq!(manifest.package(), "lab");
        assert_eq!(manifest.full_title(), "The signals lab");
        assert_eq!(
            manifest.description(),
            "minitalk, the signals lab: experiments"
        );
        let exercise = &manifest.exercises[0];
        assert_eq!(manifest.chapter_of(exercise), "lab/rt-queue.md");
        assert_eq!(exercise.program.as_deref(), Some("lab-rt-queue"));
    }

    #[test]
    fn a_unit_has_a_number_or_an_id_but_not_both() {
        let both = "number = 1\nid = 'lab'\ntitle = 't'\nidea = 'i'\nchapter = 'c'\n[programs]\n";
        assert!(Manifest::parse(both).unwrap_err().contains("not both"));
        let neither = "title = 't'\nidea = 'i'\nchapter = 'c'\n[programs]\n";
        assert!(
            Manifest::parse(neither)
                .unwrap_err()
                .contains("missing `number`")
        );
        let stage =
            Manifest::parse("number = 3\ntitle = 't'\nidea = 'i'\nchapter = 'c'\n[programs]\n")
                .unwrap();
        assert!(stage.is_stage());
        assert_eq!(stage.description(), "minitalk, stage 03: i");
        assert_eq!(
            stage.chapter_of(&Exercise {
                name: "x".into(),
                what: "w".into(),
                section: String::new(),
                hints: Vec::new(),
                chapter: None,
                program: None,
                test: None,
            }),
            "c"
        );
    }

    #[test]
    fn an_unknown_field_is_an_error_that_names_it() {
        let error = Manifest::parse(
            "number = 1\ntitle = 't'\nidea = 'i'\nchapter = 'c'\ncolour = 'red'\n[programs]\n",
        )
        .unwrap_err();
        assert!(error.contains("colour"), "{error}");
    }
}
