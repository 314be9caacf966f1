//! Progress on stderr: the whole benchmark takes minutes, so say what it is doing.
//! (stdout is kept for the tables, so that `bench > results.md` works.)

use std::io::Write;
use std::time::Instant;

use crate::run::Job;
use crate::size::{format_rate, format_size};

pub struct Progress {
    started: Instant,
    done: usize,
    total: usize,
}

impl Progress {
    /// `total`: how many timed steps (runs) are planned.
    pub fn new(total: usize) -> Progress {
        Progress {
            started: Instant::now(),
            done: 0,
            total,
        }
    }

    /// Another step the plan did not count (a failed measurement skips its other runs).
    pub fn skip(&mut self, steps: usize) {
        self.total = self.total.saturating_sub(steps);
    }

    pub fn label(&self, job: &Job, run: usize, runs: usize) -> String {
        let clients = match job.clients {
            1 => String::new(),
            n => format!(" x{n} clients"),
        };
        format!(
            "stage-{} {} {}{clients}, run {run}/{runs}",
            job.stage.id,
            job.mode.name,
            format_size(job.size)
        )
    }

    /// Announce a step (the line is finished by `done` or `failed`).
    pub fn start(&mut self, what: &str) {
        self.done += 1;
        let elapsed = self.started.elapsed().as_secs();
        eprint!(
            "[{:>3}/{} {:>2}:{:02}] {what} … ",
            self.done,
            self.total,
            elapsed / 60,
            elapsed % 60
        );
        let _ = std::io::stderr().flush();
    }

    pub fn done(&self, rate: f64, seconds: f64) {
        eprintln!("{} in {seconds:.2} s", format_rate(rate));
    }

    pub fn failed(&self, reason: &str) {
        eprintln!("FAILED: {reason}");
    }

    /// A line of its own (build steps, the ceiling, stages not available).
    pub fn note(&self, text: &str) {
        eprintln!("bench: {text}");
    }
}
