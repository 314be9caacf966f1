//! Grading anyone's minitalk: run every applicable stage's checks against the given
//! server and client, and write what came out as a report a teacher can paste (markdown)
//! and as JUnit XML for CI.
//!
//! Each stage's checks are its integration tests, `cargo test -p stage-NN --test '*'`,
//! run with `MINITALK_SERVER` and `MINITALK_CLIENT` naming the programs: the kit then
//! judges only what the subject asks, and reports the workbook's own conventions as
//! notes and what does not apply as skipped (in files under `MINITALK_KIT_REPORT`, which
//! [`parse`] reads beside libtest's output). Each failure's diagnosis is the first lines
//! of its message.

pub mod parse;
pub mod report;
pub mod run;

use std::path::PathBuf;
use std::time::Duration;

/// What to grade, and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The workspace (the directory with the root `Cargo.toml`).
    pub root: PathBuf,
    pub server: PathBuf,
    pub client: PathBuf,
    /// The stage numbers to run, in order.
    pub stages: Vec<u32>,
    /// Where `report.md` and `junit.xml` go.
    pub out: PathBuf,
    /// How long the whole grading may take; stages not reached by then are reported as
    /// not run.
    pub time_limit: Duration,
}

/// The stages whose checks apply to another implementation: 01 to 07 (stage 00 tests
/// its own demonstrations, stage 08 talks over sockets).
pub const APPLICABLE: std::ops::RangeInclusive<u32> = 1..=7;

/// One check's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Failed, with the diagnosis (a line or two) and the whole message.
    Fail {
        diagnosis: String,
        output: String,
    },
    /// Did not apply, and why.
    Skipped(String),
}

/// One check (an integration test of a stage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The test file it is in (`delivery`), from cargo's `Running tests/delivery.rs`.
    pub file: String,
    /// The test's name (`usage_errors::dies_on_pid_zero`).
    pub name: String,
    pub verdict: Verdict,
    /// The workbook conventions the programs departed from, in this check.
    pub notes: Vec<String>,
}

/// What running one stage gave.
#[derive(Clone, Debug)]
pub struct StageResult {
    pub number: u32,
    pub checks: Vec<Check>,
    /// Why the stage's checks did not all run (a build failure, the time limit).
    pub incomplete: Option<String>,
    pub elapsed: Duration,
}

/// Run every stage of `options` and write the report. Returns the results.
pub fn grade(options: &Options) -> std::io::Result<Vec<StageResult>> {
    let results = run::run_stages(options)?;
    std::fs::create_dir_all(&options.out)?;
    std::fs::write(
        options.out.join("report.md"),
        report::markdown(options, &results),
    )?;
    std::fs::write(options.out.join("junit.xml"), report::junit(&results))?;
    Ok(results)
}
