//! The ceiling: how many SIGUSR1 round trips two processes manage per second.
//!
//! A protocol that sends one bit per signal and waits for an answer after each one pays
//! for a full round trip per bit, so `round trips per second / 8` bytes per second is the
//! most it can ever reach on this machine. Every stage's speed is compared with that.
//!
//! The same ping-pong written in C runs in the same benchmark, alternating with ours, so
//! that the two can be compared under the same conditions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use minitalk_kit::affinity::pin_to_shared_cpu;

use crate::pingpong::{HELPER, Wait};
use crate::process::Running;
use crate::progress::Progress;
use crate::size::grouped;
use crate::stats::{Summary, summarize};

/// The variants measured: how each side waits, and whether both processes are pinned
/// to one CPU. Unpinned is how the stages run (the scheduler places them); pinned shows
/// how much cheaper a wake-up on the same CPU is than one that crosses to the other.
pub const VARIANTS: [(Wait, bool); 3] = [
    (Wait::Sigtimedwait, false),
    (Wait::Sigsuspend, false),
    (Wait::Sigtimedwait, true),
];

/// One ping-pong variant and the rates it reached.
pub struct CeilingRow {
    pub language: &'static str,
    pub wait: Wait,
    pub pinned: bool,
    /// Round trips per second, one per run.
    rates: Vec<f64>,
    error: Option<String>,
}

impl CeilingRow {
    /// Round trips per second over all runs, or why there are none.
    pub fn result(&self) -> Result<Summary, String> {
        match &self.error {
            Some(why) => Err(why.clone()),
            None => summarize(&self.rates).ok_or_else(|| "not run".to_owned()),
        }
    }
}

pub struct Ceiling {
    pub rows: Vec<CeilingRow>,
    c_program: Result<PathBuf, String>,
}

/// How long one ping-pong may take before it counts as hung.
const PINGPONG_TIMEOUT: Duration = Duration::from_secs(120);

impl Ceiling {
    /// Both variants in Rust, and in C if it compiled (`c_program`).
    pub fn new(c_program: Result<PathBuf, String>) -> Ceiling {
        let mut rows = Vec::new();
        for (wait, pinned) in VARIANTS {
            for language in ["Rust", "C"] {
                if language == "Rust" || c_program.is_ok() {
                    rows.push(CeilingRow {
                        language,
                        wait,
                        pinned,
                        rates: Vec::new(),
                        error: None,
                    });
                }
            }
        }
        Ceiling { rows, c_program }
    }

    /// Why there is no C row, if there is none.
    pub fn c_missing(&self) -> Option<&str> {
        self.c_program.as_ref().err().map(String::as_str)
    }

    /// Run every variant `runs` times, alternating between them so that a busy moment
    /// of the machine hits them all alike. The benchmark calls this before the stages
    /// and again after them: the ceiling then stands for the whole run.
    pub fn measure(&mut self, n: u64, runs: usize, progress: &Progress) {
        for run in 1..=runs {
            for row in &mut self.rows {
                if row.error.is_some() {
                    continue;
                }
                let mut command = match (row.language, &self.c_program) {
                    ("C", Ok(program)) => c_command(program, row.wait, n),
                    _ => rust_command(row.wait, n),
                };
                if row.pinned {
                    // The forked child inherits the pinning: both ends share one CPU.
                    pin_to_shared_cpu(&mut command);
                }
                match run_pingpong(command, PINGPONG_TIMEOUT) {
                    Ok(rate) => {
                        progress.note(&format!(
                            "ceiling {} {}{}, run {run}/{runs}: {} round trips/s",
                            row.language,
                            row.wait.name(),
                            if row.pinned { " (one CPU)" } else { "" },
                            grouped(rate)
                        ));
                        row.rates.push(rate);
                    }
                    Err(why) => {
                        progress.note(&format!(
                            "ceiling {} {} FAILED: {why}",
                            row.language,
                            row.wait.name()
                        ));
                        row.error = Some(why);
                    }
                }
            }
        }
    }

    pub fn row(&self, language: &str, wait: Wait, pinned: bool) -> Option<&CeilingRow> {
        self.rows
            .iter()
            .find(|row| row.language == language && row.wait == wait && row.pinned == pinned)
    }

    pub fn round_trips(&self, language: &str, wait: Wait, pinned: bool) -> Option<Summary> {
        self.row(language, wait, pinned)
            .and_then(|row| row.result().ok())
    }

    /// The ceiling every stage is compared with: our synchronous ping-pong, one bit per
    /// round trip, in bytes per second.
    pub fn bytes_per_second(&self) -> Option<f64> {
        self.round_trips("Rust", Wait::Sigtimedwait, false)
            .map(|s| s.median / 8.0)
    }
}

/// Compile `crates/bench/c/pingpong.c` with the machine's `cc` into `out_dir`.
pub fn compile_c(source: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let program = out_dir.join("bench-pingpong-c");
    let output = Command::new("cc")
        .args(["-O2", "-Wall", "-o"])
        .arg(&program)
        .arg(source)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no C compiler (cc) on this machine".to_owned(),
            _ => format!("cannot run cc: {e}"),
        })?;
    if !output.status.success() {
        return Err(format!(
            "cc failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(program)
}

/// Run a ping-pong program (our helper or the C one) and read its one line of result.
fn run_pingpong(mut command: Command, timeout: Duration) -> Result<f64, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    command.env_remove("MINITALK_DELAY_US");
    let mut running =
        Running::spawn(command, None).map_err(|e| format!("cannot start {program}: {e}"))?;
    let status = running
        .wait_exit(Instant::now() + timeout)
        .ok_or_else(|| format!("{program} did not finish within {timeout:?}"))?;
    let stdout = running.stdout.text();
    if !status.success() {
        return Err(format!(
            "{program} failed ({status}): {}",
            running.stderr.text().trim()
        ));
    }
    parse_result(&stdout).ok_or_else(|| format!("{program} printed {stdout:?}"))
}

/// `round_trips_per_second 132724.5` → 132724.5
fn parse_result(stdout: &str) -> Option<f64> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("round_trips_per_second "))
        .and_then(|value| value.trim().parse().ok())
}

/// The command that runs our own ping-pong in a fresh helper process.
fn rust_command(wait: Wait, n: u64) -> Command {
    // Our own executable, started again as the single-threaded helper. Through
    // /proc/self/exe, not its path: the build step may have replaced the file on disk
    // since we started, and the helper must be the same program as we are.
    let mut command = Command::new("/proc/self/exe");
    command.args([HELPER, wait.name(), &n.to_string()]);
    command
}

/// The command that runs the C ping-pong compiled at `program`.
fn c_command(program: &Path, wait: Wait, n: u64) -> Command {
    let mut command = Command::new(program);
    command.args([wait.name(), &n.to_string()]);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_result_line() {
        assert_eq!(
            parse_result("round_trips_per_second 132724.5\n"),
            Some(132724.5)
        );
        assert_eq!(parse_result("something else\n"), None);
    }
}
