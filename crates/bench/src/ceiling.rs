//! The ceilings: how many signal round trips two processes manage per second, in each of
//! the ways the stages use signals.
//!
//! A protocol that sends one bit per signal and waits for an answer after each one pays
//! for a full round trip per bit, so `round trips per second / 8` bytes per second is the
//! most it can ever reach on this machine; one that carries 64 bits in a `sigqueue` value
//! can reach 8 bytes per round trip. Each stage's mode names in its `stage.toml` the
//! ping-pong that does what it does per signal (`kill` or `sigqueue`, one CPU or
//! wherever the scheduler puts the processes, one signal in flight or two), and is
//! compared with that one.
//!
//! The same ping-pong written in C runs in the same benchmark, alternating with ours, so
//! that the two can be compared under the same conditions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use minitalk_kit::affinity::pin_to_shared_cpu;

use crate::pingpong::{HELPER, Way};
use crate::process::Running;
use crate::progress::Progress;
use crate::size::grouped;
use crate::stages::Ceiling as Kind;
use crate::stats::{Summary, summarize};

/// One ping-pong: how the two sides send and wait, and whether both are pinned to one
/// CPU (as `taskset -c N` would). Unpinned, the scheduler places them, and a wake-up
/// usually crosses to the other CPU; pinned, every wake-up is a context switch on the
/// same one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    pub way: Way,
    pub one_cpu: bool,
}

/// Every variant measured, in the order of the table.
pub const VARIANTS: [Variant; 7] = [
    Variant::new(Way::Sigtimedwait, false),
    Variant::new(Way::Sigsuspend, false),
    Variant::new(Way::Sigtimedwait, true),
    Variant::new(Way::Sigqueue, false),
    Variant::new(Way::Sigqueue, true),
    Variant::new(Way::TwoInFlight, false),
    Variant::new(Way::TwoInFlight, true),
];

impl Variant {
    const fn new(way: Way, one_cpu: bool) -> Variant {
        Variant { way, one_cpu }
    }

    /// The variant a stage's mode is compared with (`ceiling` in its `stage.toml`).
    pub fn of(kind: Kind) -> Option<Variant> {
        Some(match kind {
            Kind::Kill => Variant::new(Way::Sigtimedwait, false),
            Kind::KillOneCpu => Variant::new(Way::Sigtimedwait, true),
            Kind::Sigqueue => Variant::new(Way::Sigqueue, false),
            Kind::SigqueueOneCpu => Variant::new(Way::Sigqueue, true),
            Kind::SigqueueTwoInFlight => Variant::new(Way::TwoInFlight, false),
            Kind::None => return None,
        })
    }

    /// For the tables.
    pub fn describe(self) -> String {
        let way = match self.way {
            Way::Sigtimedwait => "kill, taken with sigtimedwait",
            Way::Sigsuspend => "kill, handler + sigsuspend",
            Way::Sigqueue => "sigqueue with a value",
            Way::TwoInFlight => "sigqueue, two in flight",
        };
        match self.one_cpu {
            true => format!("{way}, one CPU"),
            false => way.to_owned(),
        }
    }

    /// For the CSV: `sigqueue one-cpu`.
    pub fn name(self) -> String {
        match self.one_cpu {
            true => format!("{} one-cpu", self.way.name()),
            false => self.way.name().to_owned(),
        }
    }
}

/// One ping-pong variant in one language and the rates it reached.
pub struct CeilingRow {
    pub language: &'static str,
    pub variant: Variant,
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
    /// Every variant in Rust, and in C if it compiled (`c_program`).
    pub fn new(c_program: Result<PathBuf, String>) -> Ceiling {
        let mut rows = Vec::new();
        for variant in VARIANTS {
            for language in ["Rust", "C"] {
                if language == "Rust" || c_program.is_ok() {
                    rows.push(CeilingRow {
                        language,
                        variant,
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
                let way = row.variant.way;
                let mut command = match (row.language, &self.c_program) {
                    ("C", Ok(program)) => c_command(program, way, n),
                    _ => rust_command(way, n),
                };
                if row.variant.one_cpu {
                    // The forked child inherits the pinning: both ends share one CPU.
                    pin_to_shared_cpu(&mut command);
                }
                match run_pingpong(command, PINGPONG_TIMEOUT) {
                    Ok(rate) => {
                        progress.note(&format!(
                            "ceiling {} {}, run {run}/{runs}: {} round trips/s",
                            row.language,
                            row.variant.describe(),
                            grouped(rate)
                        ));
                        row.rates.push(rate);
                    }
                    Err(why) => {
                        progress.note(&format!(
                            "ceiling {} {} FAILED: {why}",
                            row.language,
                            row.variant.describe()
                        ));
                        row.error = Some(why);
                    }
                }
            }
        }
    }

    pub fn row(&self, language: &str, variant: Variant) -> Option<&CeilingRow> {
        self.rows
            .iter()
            .find(|row| row.language == language && row.variant == variant)
    }

    pub fn round_trips(&self, language: &str, variant: Variant) -> Option<Summary> {
        self.row(language, variant)
            .and_then(|row| row.result().ok())
    }

    /// A ceiling in bytes per second: our ping-pong of that `kind`, each round trip
    /// standing for `bits` bits of message.
    pub fn bytes_per_second(&self, kind: Kind, bits: u32) -> Option<f64> {
        let variant = Variant::of(kind)?;
        self.round_trips("Rust", variant)
            .map(|s| s.median * f64::from(bits) / 8.0)
    }

    /// The classic ceiling the chart draws: `kill`, one bit per round trip, unpinned.
    pub fn classic(&self) -> Option<f64> {
        self.bytes_per_second(Kind::Kill, 1)
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
fn rust_command(way: Way, n: u64) -> Command {
    // Our own executable, started again as the single-threaded helper. Through
    // /proc/self/exe, not its path: the build step may have replaced the file on disk
    // since we started, and the helper must be the same program as we are.
    let mut command = Command::new("/proc/self/exe");
    command.args([HELPER, way.name(), &n.to_string()]);
    command
}

/// The command that runs the C ping-pong compiled at `program`.
fn c_command(program: &Path, way: Way, n: u64) -> Command {
    let mut command = Command::new(program);
    command.args([way.name(), &n.to_string()]);
    command
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A ceiling as if our ping-pong of `kind` had measured `round_trips` per second.
    pub fn measured(kind: Kind, round_trips: f64) -> Ceiling {
        let mut ceiling = Ceiling::new(Err("not compiled".to_owned()));
        let variant = Variant::of(kind).unwrap();
        for row in &mut ceiling.rows {
            if row.variant == variant {
                row.rates.push(round_trips);
            }
        }
        ceiling
    }

    #[test]
    fn reads_the_result_line() {
        assert_eq!(
            parse_result("round_trips_per_second 132724.5\n"),
            Some(132724.5)
        );
        assert_eq!(parse_result("something else\n"), None);
    }
}
