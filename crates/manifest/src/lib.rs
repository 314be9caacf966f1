//! A stage's `stage.toml`: the one file that says what a stage is.
//!
//! Everything else that names a stage (its `Cargo.toml`, the book's `SUMMARY.md` and
//! introduction, the benchmark, the learner tool, the test kit) either reads this file or
//! is checked against it by the workspace's `tests/manifests.rs`.
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
    /// The stage's number: `stages/03-…`, package `stage-03`.
    pub number: u32,
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
}

impl Manifest {
    /// Parse the text of a `stage.toml`.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Read `dir/stage.toml`.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(FILE);
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Manifest::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The two-digit number, as a learner types it: `03`.
    pub fn id(&self) -> String {
        format!("{:02}", self.number)
    }

    /// The package name: `stage-03`.
    pub fn package(&self) -> String {
        format!("stage-{:02}", self.number)
    }

    /// The chapter's full title: `Stage 03: every bit answered`.
    pub fn full_title(&self) -> String {
        format!("Stage {:02}: {}", self.number, self.title)
    }

    /// The exercise part called `name`.
    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }
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
    fn an_unknown_field_is_an_error_that_names_it() {
        let error = Manifest::parse(
            "number = 1\ntitle = 't'\nidea = 'i'\nchapter = 'c'\ncolour = 'red'\n[programs]\n",
        )
        .unwrap_err();
        assert!(error.contains("colour"), "{error}");
    }
}
