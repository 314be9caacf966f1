//! Running each stage's checks with `cargo test`, against the programs to grade, within
//! the time limit, with a progress display.

use std::io::{BufRead, BufReader};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::{Options, StageResult, parse};

/// Run the checks of every stage of `options`, one stage after the other.
pub fn run_stages(options: &Options) -> std::io::Result<Vec<StageResult>> {
    let deadline = Instant::now() + options.time_limit;
    let bar = ProgressBar::new(options.stages.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} [{bar:20}] {pos}/{len} stages  {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut results = Vec::new();
    for &number in &options.stages {
        let result = if Instant::now() >= deadline {
            StageResult {
                number,
                checks: Vec::new(),
                incomplete: Some(format!(
                    "not run: the time limit ({:?}) was reached",
                    options.time_limit
                )),
                elapsed: Duration::ZERO,
            }
        } else {
            run_stage(options, number, deadline, &bar)?
        };
        let failed = result
            .checks
            .iter()
            .filter(|c| matches!(c.verdict, crate::Verdict::Fail { .. }))
            .count();
        bar.println(format!(
            "stage {number:02}: {} checks, {failed} failed{} ({:.0?})",
            result.checks.len(),
            result
                .incomplete
                .as_deref()
                .map(|why| format!("; {why}"))
                .unwrap_or_default(),
            result.elapsed
        ));
        bar.inc(1);
        results.push(result);
    }
    bar.finish_and_clear();
    Ok(results)
}

/// Run `cargo test -p stage-NN --test '*'` with the programs to grade, killing it (its
/// whole process group) at `deadline`.
fn run_stage(
    options: &Options,
    number: u32,
    deadline: Instant,
    bar: &ProgressBar,
) -> std::io::Result<StageResult> {
    let started = Instant::now();
    let events_dir = options.out.join(format!("kit-stage-{number:02}"));
    let _ = std::fs::remove_dir_all(&events_dir);
    std::fs::create_dir_all(&events_dir)?;
    // stdout and stderr in one pipe, so that cargo's `Running tests/x.rs` lines (stderr)
    // come before the results of that file (stdout).
    let (reader, writer) = nix::unistd::pipe()?;
    let writer_too: OwnedFd = writer.try_clone()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .args(["test", "-p", &format!("stage-{number:02}"), "--test", "*"])
        .args(["--no-fail-fast", "--color", "never"])
        .current_dir(&options.root)
        .env("MINITALK_SERVER", &options.server)
        .env("MINITALK_CLIENT", &options.client)
        .env("MINITALK_KIT_REPORT", &events_dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::from(writer_too))
        .process_group(0)
        .spawn()?;
    let group = Pid::from_raw(child.id() as i32);
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(std::fs::File::from(reader)).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut output = String::new();
    let mut done = 0;
    let mut timed_out = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(line) => {
                if line.starts_with("test ") && line.contains(" ... ") {
                    done += 1;
                    bar.set_message(format!("stage {number:02}: {done} checks done"));
                }
                output.push_str(&line);
                output.push('\n');
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) if left.is_zero() => {
                timed_out = true;
                let _ = killpg(group, Signal::SIGKILL);
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    let status = child.wait()?;
    let mut events = String::new();
    for entry in std::fs::read_dir(&events_dir)?.flatten() {
        events.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    let checks = parse::checks(&output, &events);
    // A test binary killed by a signal (one that a server sent it, say) leaves every
    // later test of it without a verdict.
    let killed: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("process didn't exit successfully") && l.contains("signal:"))
        .collect();
    let incomplete = if !killed.is_empty() {
        Some(format!("a test binary was killed: {}", killed.join("; ")))
    } else if timed_out {
        Some(format!(
            "stopped: the time limit ({:?}) was reached",
            options.time_limit
        ))
    } else if !status.success() && checks.is_empty() {
        let errors: Vec<&str> = output
            .lines()
            .filter(|l| l.starts_with("error"))
            .take(3)
            .collect();
        Some(format!("the checks did not run: {}", errors.join("; ")))
    } else {
        None
    };
    Ok(StageResult {
        number,
        checks,
        incomplete,
        elapsed: started.elapsed(),
    })
}
