//! `grade`: run the stages' checks against anyone's minitalk and write `report.md` and
//! `junit.xml`. The work is `minitalk-grade`'s (`crates/grade`); this command names the
//! programs, the stages and where the report goes.

use std::path::PathBuf;
use std::time::Duration;

use minitalk_grade::{APPLICABLE, Options, Verdict, report};

use super::{CommandResult, Workbook};

/// What to grade.
#[derive(clap::Args)]
pub struct Args {
    /// The server to grade (any language)
    #[arg(long, value_name = "PATH")]
    server: PathBuf,
    /// The client to grade
    #[arg(long, value_name = "PATH")]
    client: PathBuf,
    /// The stages whose checks to run: `01-07`, `3`, `1,3,5`
    #[arg(long, default_value = "01-07", value_parser = stages)]
    stages: Stages,
    /// Where report.md and junit.xml go
    #[arg(long, value_name = "DIR", default_value = "target/grade")]
    out: PathBuf,
    /// How long the whole grading may take; stages not reached by then are reported as
    /// not run
    #[arg(long, value_name = "N", default_value_t = 30)]
    minutes: u64,
}

impl Workbook {
    /// Grade, print the summary, and return the exit code: 0 when every check passed, 1
    /// when one failed or did not run.
    pub fn grade(&self, args: Args) -> CommandResult {
        // The checks run in each stage's directory: every path must be absolute.
        let here = std::env::current_dir().map_err(|e| format!("grade: {e}"))?;
        let absolute = |path: &PathBuf| {
            std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let options = Options {
            root: self.workspace.root.clone(),
            server: absolute(&args.server)?,
            client: absolute(&args.client)?,
            stages: args.stages.0,
            out: here.join(&args.out),
            time_limit: Duration::from_secs(args.minutes * 60),
        };
        eprintln!(
            "grading {} and {} with the checks of stages {:?} (at most {} min)",
            args.server.display(),
            args.client.display(),
            options.stages,
            args.minutes
        );
        let results = minitalk_grade::grade(&options).map_err(|e| format!("grade: {e}"))?;
        for result in &results {
            println!("{}", report::summary_line(result));
        }
        println!(
            "report: {}\njunit:  {}",
            args.out.join("report.md").display(),
            args.out.join("junit.xml").display()
        );
        let all_pass = results.iter().all(|r| {
            r.incomplete.is_none()
                && r.checks
                    .iter()
                    .all(|c| !matches!(c.verdict, Verdict::Fail { .. }))
        });
        Ok(if all_pass { 0 } else { 1 })
    }
}

/// Stage numbers, in the order to run them.
#[derive(Clone, Debug)]
pub struct Stages(Vec<u32>);

/// `01-07`, `3`, or `1,3,5`: the stage numbers, each one that has checks for another
/// implementation.
fn stages(text: &str) -> Result<Stages, String> {
    let number = |s: &str| -> Result<u32, String> {
        let n: u32 = s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a stage number"))?;
        if APPLICABLE.contains(&n) {
            Ok(n)
        } else {
            Err(format!(
                "stage {n} has no checks for another implementation (only {:02} to {:02})",
                APPLICABLE.start(),
                APPLICABLE.end()
            ))
        }
    };
    let mut stages = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((from, to)) => stages.extend(number(from)?..=number(to)?),
            None => stages.push(number(part)?),
        }
    }
    Ok(Stages(stages))
}
