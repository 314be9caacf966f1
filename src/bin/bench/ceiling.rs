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

use crate::pingpong::{HELPER, Wait};
use crate::process::Running;
use crate::progress::Progress;
use crate::size::grouped;
use crate::stats::{Summary, summarize};

/// One ping-pong variant, measured `runs` times.
pub struct CeilingRow {
    pub language: &'static str,
    pub wait: Wait,
    /// Round trips per second.
    pub result: Result<Summary, String>,
}

pub struct Ceiling {
    pub rows: Vec<CeilingRow>,
    /// Why there is no C row, if there is none.
    pub c_missing: Option<String>,
}

impl Ceiling {
    pub fn round_trips(&self, language: &str, wait: Wait) -> Option<Summary> {
        self.rows
            .iter()
            .find(|row| row.language == language && row.wait == wait)
            .and_then(|row| row.result.as_ref().ok().copied())
    }

    /// The ceiling every stage is compared with: our synchronous ping-pong, one bit per
    /// round trip, in bytes per second.
    pub fn bytes_per_second(&self) -> Option<f64> {
        self.round_trips("Rust", Wait::Sigtimedwait)
            .map(|s| s.median / 8.0)
    }
}

/// How long one ping-pong may take before it counts as hung.
const PINGPONG_TIMEOUT: Duration = Duration::from_secs(120);

/// Measure both variants in Rust and (if it compiled) in C, alternating.
pub fn measure(
    n: u64,
    runs: usize,
    c_program: Result<PathBuf, String>,
    progress: &Progress,
) -> Ceiling {
    let mut samples: Vec<(&'static str, Wait, Vec<f64>, Option<String>)> = Vec::new();
    for wait in Wait::ALL {
        samples.push(("Rust", wait, Vec::new(), None));
        if c_program.is_ok() {
            samples.push(("C", wait, Vec::new(), None));
        }
    }
    for run in 1..=runs {
        for (language, wait, rates, error) in &mut samples {
            if error.is_some() {
                continue;
            }
            let command = match *language {
                "C" => c_command(c_program.as_ref().expect("checked above"), *wait, n),
                _ => rust_command(*wait, n),
            };
            match run_pingpong(command, PINGPONG_TIMEOUT) {
                Ok(rate) => {
                    progress.note(&format!(
                        "ceiling {language} {} run {run}/{runs}: {} round trips/s",
                        wait.name(),
                        grouped(rate)
                    ));
                    rates.push(rate);
                }
                Err(why) => {
                    progress.note(&format!("ceiling {language} {} FAILED: {why}", wait.name()));
                    *error = Some(why);
                }
            }
        }
    }
    Ceiling {
        rows: samples
            .into_iter()
            .map(|(language, wait, rates, error)| CeilingRow {
                language,
                wait,
                result: match error {
                    Some(why) => Err(why),
                    None => summarize(&rates).ok_or_else(|| "not run".to_owned()),
                },
            })
            .collect(),
        c_missing: c_program.err(),
    }
}

/// Compile `bench/c/pingpong.c` with the machine's `cc` into `out_dir`.
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
    // Our own executable, started again as the single-threaded helper.
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
    let mut command = Command::new(exe);
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
