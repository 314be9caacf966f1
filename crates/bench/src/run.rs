//! Running the stages: which measurements to make, and making them.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::message::message;
use crate::progress::Progress;
use crate::stages::{CONCURRENT_CLIENTS, CONCURRENT_SIZE, Mode, Stage};
use crate::stats::{Summary, summarize};
use crate::transfer::{self, Memory};

/// One line of the results: a stage, in one mode, at one size, with one or more clients.
pub struct Row {
    pub stage: &'static Stage,
    /// `None` when the stage is not available at all.
    pub mode: Option<&'static Mode>,
    pub size: usize,
    pub clients: usize,
    pub outcome: Outcome,
}

pub enum Outcome {
    /// Bytes per second over all runs (all clients together), and the server's memory
    /// in the run where it grew most.
    Measured {
        rate: Summary,
        memory: Option<Memory>,
    },
    /// Runs went wrong: a message was not delivered exactly, or a program failed.
    /// `reason` is the first failure's; no rate is kept, not even of the runs that
    /// went right.
    Failed {
        reason: String,
        failed: usize,
        runs: usize,
    },
    /// The stage's binaries are not there (not built, or the stage not written yet).
    NotAvailable(String),
}

impl Row {
    pub fn rate(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Measured { rate, .. } => Some(rate.median),
            _ => None,
        }
    }
}

/// What to run, from the command line.
pub struct Selection {
    /// Stages asked for with `--stage` (empty: all).
    pub stages: Vec<String>,
    /// Sizes asked for with `--size` (empty: each stage's own).
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub timeout: Duration,
    pub concurrency: bool,
}

/// One measurement to make (`runs` times).
pub struct Job {
    pub stage: &'static Stage,
    pub mode: &'static Mode,
    pub size: usize,
    pub clients: usize,
}

/// The stages selected with `--stage` (all of them by default).
pub fn selected_stages(stages: &'static [Stage], selection: &Selection) -> Vec<&'static Stage> {
    stages
        .iter()
        .filter(|stage| {
            selection.stages.is_empty()
                || selection
                    .stages
                    .iter()
                    .any(|s| crate::stages::matches(stage, s))
        })
        .collect()
}

/// `None` if both programs are there, or the reason the stage cannot run.
pub fn missing(bin_dir: &Path, stage: &Stage) -> Option<String> {
    let absent: Vec<&str> = [stage.server.as_str(), stage.client.as_str()]
        .into_iter()
        .filter(|name| !bin_dir.join(name).is_file())
        .collect();
    (!absent.is_empty()).then(|| format!("not built: {}", absent.join(", ")))
}

/// The single-client jobs and the concurrent ones, for the available stages.
pub fn plan(selection: &Selection, stages: &[&'static Stage]) -> (Vec<Job>, Vec<Job>) {
    let mut single = Vec::new();
    let mut concurrent = Vec::new();
    for &stage in stages {
        for mode in &stage.bench.modes {
            let sizes = match selection.sizes.is_empty() {
                true => stage.sizes(mode),
                false => &selection.sizes[..],
            };
            for &size in sizes {
                single.push(Job {
                    stage,
                    mode,
                    size,
                    clients: 1,
                });
            }
            if stage.bench.concurrency && mode.concurrency && selection.concurrency {
                let sizes = match selection.sizes.is_empty() {
                    true => &[CONCURRENT_SIZE][..],
                    false => &selection.sizes[..],
                };
                for &size in sizes {
                    concurrent.push(Job {
                        stage,
                        mode,
                        size,
                        clients: CONCURRENT_CLIENTS,
                    });
                }
            }
        }
    }
    (single, concurrent)
}

/// Linux refuses a single command-line argument of 32 pages (128 kB) or more
/// (`MAX_ARG_STRLEN`): `exec` fails with E2BIG, "Argument list too long".
const LONGEST_ARGUMENT: usize = 32 * 4096 - 1;

/// A failed run that took longer than this (a timeout, most likely) ends the row: the
/// next run would only fail as slowly. Quicker failures are run again, so that the row
/// can say how often a stage fails, not just that it did.
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);

/// Make one measurement `runs` times.
pub fn measure(job: &Job, bin_dir: &Path, selection: &Selection, progress: &mut Progress) -> Row {
    if !job.mode.stdin && job.size > LONGEST_ARGUMENT {
        progress.skip(selection.runs);
        return Row {
            outcome: Outcome::NotAvailable(
                "too long for one command-line argument (Linux allows 128 kB)".to_owned(),
            ),
            ..row(job)
        };
    }
    let mut rates = Vec::new();
    let mut worst_memory: Option<Memory> = None;
    let mut failures: Vec<String> = Vec::new();
    let mut runs = 0;
    for run in 1..=selection.runs {
        runs = run;
        let started = Instant::now();
        // A fresh message every run and for every client: nothing can pass by replaying.
        let messages: Vec<Vec<u8>> = (0..job.clients)
            .map(|client| message(job.size, seed(job, run, client)))
            .collect();
        let label = progress.label(job, run, selection.runs);
        progress.start(&label);
        let result = transfer::run(
            bin_dir,
            job.stage,
            job.mode,
            &messages,
            selection.timeout,
            job.stage.bench.memory && job.clients == 1,
        );
        match result {
            Ok(measured) => {
                let rate = (job.size * job.clients) as f64 / measured.seconds;
                progress.done(rate, measured.seconds);
                rates.push(rate);
                if let Some(memory) = measured.memory
                    && worst_memory.is_none_or(|worst| memory.growth() > worst.growth())
                {
                    worst_memory = Some(memory);
                }
            }
            Err(reason) => {
                progress.failed(&reason);
                failures.push(reason);
                if started.elapsed() > GIVE_UP_AFTER {
                    progress.skip(selection.runs - run);
                    break;
                }
            }
        }
    }
    if let Some(first) = failures.first() {
        return Row {
            outcome: Outcome::Failed {
                reason: first.clone(),
                failed: failures.len(),
                runs,
            },
            ..row(job)
        };
    }
    Row {
        outcome: Outcome::Measured {
            rate: summarize(&rates).expect("at least one run"),
            memory: worst_memory,
        },
        ..row(job)
    }
}

/// A row for `job`, its outcome still to be filled in.
fn row(job: &Job) -> Row {
    Row {
        stage: job.stage,
        mode: Some(job.mode),
        size: job.size,
        clients: job.clients,
        outcome: Outcome::NotAvailable(String::new()),
    }
}

/// A row for a stage that cannot run.
pub fn not_available(stage: &'static Stage, why: String) -> Row {
    Row {
        stage,
        mode: None,
        size: 0,
        clients: 1,
        outcome: Outcome::NotAvailable(why),
    }
}

fn seed(job: &Job, run: usize, client: usize) -> u64 {
    let stage = u64::from(job.stage.number);
    (stage << 48) ^ ((job.size as u64) << 16) ^ ((run as u64) << 8) ^ client as u64
}
