//! One measured transfer: start a stage's server, read its first line, start its
//! client(s), and time until the server has printed every message, checked byte for byte.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use minitalk_kit::harness::server::started_pid_in_first_line;
use minitalk_kit::procfs;

use crate::check::{Expectation, LineStyle, Verdict};
use crate::process::Running;
use crate::stages::{Mode, Stage, Transport};

/// How long a server may take to print its first line.
const STARTUP: Duration = Duration::from_secs(10);
/// Once every client has exited, how long the server still has to print the rest.
/// (The sleep-paced stages' clients exit right after their last signal, before the
/// server has printed; a lost bit means the message never completes.)
const GRACE: Duration = Duration::from_secs(3);
/// Stands for the client's name in a failure reason.
const CLIENT: &str = "<client>";
/// How often the wait for the server's output also looks at the clients.
const SLICE: Duration = Duration::from_millis(50);

/// What one transfer measured.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    /// From starting the client(s) to the server's last byte.
    pub seconds: f64,
    pub memory: Option<Memory>,
}

/// The server's memory, in kB, from `/proc/PID/status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Resident size once the server had printed its first line.
    pub idle_rss: u64,
    /// Its high-water mark at that point (start-up included).
    pub idle_hwm: u64,
    /// The high-water mark once the message had been printed.
    pub peak_hwm: u64,
}

impl Memory {
    /// How much the transfer added to the server's footprint, in kB: the peak against
    /// the idle resident size (the stricter of the two idle figures).
    pub fn growth(&self) -> u64 {
        self.peak_hwm.saturating_sub(self.idle_rss)
    }
}

/// Send `messages` (one client each, all started at once) to a fresh server of `stage`.
/// `Err` says what went wrong: a wrong delivery is never a time.
pub fn run(
    bin_dir: &Path,
    stage: &Stage,
    mode: &Mode,
    messages: &[Vec<u8>],
    timeout: Duration,
    want_memory: bool,
) -> Result<Measured, String> {
    let server_path = bin_dir.join(&stage.server);
    let mut server_command = Command::new(&server_path);
    server_command.args(&stage.bench.server_args);
    let server = Running::spawn(server_command, None)
        .map_err(|e| format!("cannot start {}: {e}", server_path.display()))?;
    let first_line = server
        .stdout
        .first_line(Instant::now() + STARTUP)
        .map_err(|_| {
            format!(
                "{} printed no first line within {STARTUP:?} ({})",
                stage.server,
                server.stderr_line()
            )
        })?;
    let first_line = String::from_utf8_lossy(&first_line).into_owned();
    let target = target(stage, &server, &first_line)?;
    let start_of_messages = first_line_end(&server.stdout.bytes());

    let idle = match want_memory {
        true => Some(memory(&server)?),
        false => None,
    };

    let style = match stage.bench.transport {
        Transport::Signals => LineStyle::Exact,
        Transport::Tcp => LineStyle::Chat,
    };
    let mut expectation = Expectation::new(messages, style);

    // ANCHOR: timed
    let start = Instant::now();
    let mut clients = Vec::new();
    for message in messages {
        let command = client_command(bin_dir, stage, mode, &target, message);
        let stdin = mode.stdin.then(|| message.clone());
        let client = Running::spawn(command, stdin)
            .map_err(|e| format!("cannot start {}: {e}", stage.client))?;
        clients.push(client);
    }
    let finished = wait_for_messages(&server, &mut clients, &mut expectation, start, timeout)
        .map_err(|why| why.replace(CLIENT, &stage.client))?;
    let seconds = finished.duration_since(start).as_secs_f64();
    // ANCHOR_END: timed

    let memory = match idle {
        Some((idle_rss, idle_hwm)) => Some(Memory {
            idle_rss,
            idle_hwm,
            peak_hwm: memory(&server)?.1,
        }),
        None => None,
    };

    // The clients must agree that it worked (from stage 03 on, a client exits 0 only
    // once the server has confirmed).
    for client in &mut clients {
        match client.wait_exit(Instant::now() + STARTUP + GRACE) {
            Some(status) if status.success() => {}
            Some(status) => {
                return Err(format!(
                    "{} {status}: {}",
                    stage.client,
                    client.stderr_line()
                ));
            }
            None => return Err(format!("{} did not exit after delivery", stage.client)),
        }
    }
    // A late duplicate would show up now.
    let output = server.stdout.bytes();
    if let Verdict::Wrong(why) = expectation.check(&output[start_of_messages..]) {
        return Err(why);
    }
    Ok(Measured { seconds, memory })
    // `server` and `clients` are dropped here: killed by PID and reaped.
}

/// Wait until the server has printed every message (returns the moment it had), or say
/// why it never will. ([`CLIENT`] in the reason stands for the client's name.)
fn wait_for_messages(
    server: &Running,
    clients: &mut [Running],
    expectation: &mut Expectation,
    start: Instant,
    timeout: Duration,
) -> Result<Instant, String> {
    let deadline = start + timeout;
    let mut clients_gone: Option<Instant> = None;
    let mut skip = None;
    loop {
        let slice_end = deadline.min(Instant::now() + SLICE);
        let outcome = server.stdout.wait_until(slice_end, |bytes, closed| {
            let skip = *skip.get_or_insert_with(|| first_line_end(bytes));
            match expectation.check(&bytes[skip..]) {
                Verdict::Done => Some(Ok(Instant::now())),
                Verdict::Wrong(why) => Some(Err(why)),
                Verdict::Waiting if closed => Some(Err("the server exited".to_owned())),
                Verdict::Waiting => None,
            }
        });
        match outcome {
            Ok(result) => return result,
            Err(_) if Instant::now() >= deadline => {
                return Err(format!(
                    "timed out after {timeout:?}, {} bytes still missing",
                    expectation.bytes_missing()
                ));
            }
            Err(_) => {}
        }
        // Nothing new in this slice: are the clients still at work? A client that
        // failed is the answer at once; one that succeeded leaves the server a moment to
        // print what it received (a sleep-paced client does not wait for the server).
        let mut running = 0;
        for client in clients.iter_mut() {
            match client.exited() {
                None => running += 1,
                Some(status) if !status.success() => {
                    return Err(format!("{CLIENT} {status}: {}", client.stderr_line()));
                }
                Some(_) => {}
            }
        }
        if running == 0 {
            let gone = *clients_gone.get_or_insert_with(Instant::now);
            if gone.elapsed() >= GRACE {
                return Err(format!(
                    "{CLIENT} exited 0, but {} bytes never arrived",
                    expectation.bytes_missing()
                ));
            }
        }
    }
}

fn first_line_end(bytes: &[u8]) -> usize {
    bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1)
}

/// What the client is told to reach, from the server's first line: its PID (checked to
/// be the process we started: we never signal a stranger), or its address.
fn target(stage: &Stage, server: &Running, first_line: &str) -> Result<String, String> {
    match stage.bench.transport {
        Transport::Signals => {
            let pid = started_pid_in_first_line(first_line, server.pid())?;
            Ok(pid.to_string())
        }
        Transport::Tcp => first_address(first_line)
            .map(|address| address.to_string())
            .ok_or_else(|| format!("no host:port in the first line {first_line:?}")),
    }
}

fn client_command(
    bin_dir: &Path,
    stage: &Stage,
    mode: &Mode,
    target: &str,
    message: &[u8],
) -> Command {
    let mut command = Command::new(bin_dir.join(&stage.client));
    for arg in &mode.client_args {
        match arg.as_str() {
            "{target}" => command.arg(target),
            // Raw bytes: an argument need not be UTF-8.
            "{message}" => command.arg(OsString::from_vec(message.to_vec())),
            other => command.arg(other),
        };
    }
    command
}

/// `(VmRSS, VmHWM)` of the server, in kB.
fn memory(server: &Running) -> Result<(u64, u64), String> {
    let field = |key| {
        procfs::status_field(server.pid(), key)
            .and_then(|value| value.trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("cannot read {key} of the server"))
    };
    Ok((field("VmRSS")?, field("VmHWM")?))
}

/// The first word that is a socket address: `listening on 127.0.0.1:4000` → 127.0.0.1:4000.
pub fn first_address(text: &str) -> Option<SocketAddr> {
    text.split_whitespace()
        .map(|word| word.trim_end_matches(['.', ',', ';']))
        .find_map(|word| word.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_address_in_first_lines() {
        assert_eq!(
            first_address("listening on 127.0.0.1:4000").map(|a| a.to_string()),
            Some("127.0.0.1:4000".to_owned())
        );
        assert_eq!(
            first_address("server at [::1]:80.").map(|a| a.to_string()),
            Some("[::1]:80".to_owned())
        );
        assert_eq!(first_address("PID 4000"), None);
    }
}
