//! The command line of `minitalk-trace` and of `workbook trace`: one definition, used by both.
//!
//! ```text
//! minitalk-trace 01 "hi" --delay-us 0 --svg 01.svg
//! cargo run -p workbook -- trace --server ./server --client ./client "hello" --timeline -
//! ```

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::run::Error;
use crate::svg::Window;
use crate::{Outputs, Plan, Program, Protocol, Scheduling, Stray, stage};

/// Run a minitalk server and client (a stage's, or any pair) and show every signal they
/// send each other, as the kernel saw it: a summary, a text timeline, an SVG timeline.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage (01 to 07), then the messages (one client each; default "hi"). With
    /// --server and --client, only the messages.
    #[arg(value_name = "STAGE | MESSAGE")]
    words: Vec<OsString>,

    /// The server to run instead of a stage's (any minitalk, C included)
    #[arg(long, requires = "client")]
    server: Option<PathBuf>,
    /// The client to run instead of a stage's
    #[arg(long, requires = "server")]
    client: Option<PathBuf>,
    /// Decode the signals as stage NN does (with --server/--client; default: one bit per
    /// signal, SIGUSR1 = 0, SIGUSR2 = 1, then a 0 byte)
    #[arg(long, value_name = "NN")]
    protocol: Option<String>,

    /// MINITALK_DELAY_US for the clients: the pause after each signal (stages 01, 02)
    #[arg(long, value_name = "MICROSECONDS")]
    delay_us: Option<u64>,
    /// MINITALK_TIMEOUT_MS for the server and the clients
    #[arg(long, value_name = "MS")]
    timeout_ms: Option<u64>,
    /// Stage 07's payload mode: a chunk of the frame per signal, two in flight (63 bits
    /// each), or one (64 bits) with --client-arg --one-in-flight; the trace says which
    #[arg(long)]
    payload: bool,
    /// The message is this file's contents, given to the client on stdin with `-` as its
    /// argument (stages 05 to 07; an argument cannot exceed 128 KiB)
    #[arg(long, value_name = "FILE")]
    message_file: Option<PathBuf>,
    /// An extra argument for every client, before `<pid> <message>` (repeatable)
    #[arg(long, value_name = "ARG", allow_hyphen_values = true)]
    client_arg: Vec<OsString>,

    /// A stray sender: a shell that sends SIGUSR1 and SIGUSR2 to the server, N rounds
    /// 10 ms apart, while the clients run
    #[arg(long, value_name = "N")]
    stray: Option<u32>,
    /// A stray sender that signals the server once, before the clients start
    #[arg(long, conflicts_with = "stray")]
    stray_before: bool,
    /// Stop the server (SIGSTOP) after the clients have sent N bits: a timeout shows
    #[arg(long, value_name = "N")]
    stop_server_at: Option<u64>,
    /// Run every process on one CPU
    #[arg(long)]
    one_cpu: bool,
    /// One CPU, the clients real-time: a client that never waits sends everything
    /// before the server can take anything
    #[arg(long, conflicts_with = "one_cpu")]
    client_first: bool,
    /// Give up when the clients have not finished after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    deadline: u64,

    /// Write the text timeline, one line per signal, to FILE (- for stdout)
    #[arg(long, value_name = "FILE")]
    timeline: Option<PathBuf>,
    /// Write the SVG timeline to FILE
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// The bits (or payload chunks) the SVG shows: FROM..TO
    #[arg(long, value_name = "FROM..TO", default_value = "0..64", value_parser = range)]
    bits: (u64, u64),
    /// The SVG's title
    #[arg(long)]
    title: Option<String>,
    /// Record the events themselves (the kernel's lines) to FILE, to replay later
    #[arg(long, value_name = "FILE")]
    raw: Option<PathBuf>,
    /// Do not run anything: read a recording made with --raw
    #[arg(long, value_name = "FILE", conflicts_with_all = ["server", "raw"])]
    replay: Option<PathBuf>,
}

fn range(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("{text:?} is not FROM..TO"))?;
    let a: u64 = a.parse().map_err(|_| format!("{a:?} is not a number"))?;
    let b: u64 = b.parse().map_err(|_| format!("{b:?} is not a number"))?;
    if a >= b {
        return Err(format!("{a}..{b} is empty"));
    }
    Ok((a, b))
}

/// Set by SIGINT and SIGTERM: the run then stops in order and removes its trace instance.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: nix::libc::c_int) {
    // Only an atomic store: async-signal-safe. The run's loop looks at it.
    STOP.store(true, Ordering::Relaxed);
}

/// Trace as `args` say, print the outcome, and return the exit code: 0 traced, 1 the run
/// failed or tracing is not possible here (2, a usage error, exits at once). `root` is the
/// workbook's workspace, if the caller knows it (otherwise the one around the current
/// directory).
pub fn main(args: Args, root: Option<&std::path::Path>) -> i32 {
    match trace(args, root) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("minitalk-trace: {message}");
            1
        }
    }
}

fn usage(message: &str) -> ! {
    eprintln!("minitalk-trace: {message}");
    std::process::exit(2);
}

fn trace(args: Args, root: Option<&std::path::Path>) -> Result<(), String> {
    let mut words = args.words.clone();
    let (stage_number, server, client) = match (&args.server, &args.client) {
        (Some(server), Some(client)) => {
            let number = args
                .protocol
                .as_ref()
                .map(|p| stage::number(p).unwrap_or_else(|| usage(&format!("no stage {p:?}"))));
            (number, Some(server.clone()), Some(client.clone()))
        }
        _ if args.replay.is_some() => {
            let number = args
                .protocol
                .as_deref()
                .or(words.first().and_then(|w| w.to_str()))
                .and_then(stage::number);
            if args.protocol.is_none() && number.is_some() {
                words.remove(0);
            }
            (number, None, None)
        }
        _ => {
            if words.is_empty() {
                usage("name a stage (01 to 07), or --server and --client");
            }
            let first = words.remove(0);
            let number = first
                .to_str()
                .and_then(stage::number)
                .unwrap_or_else(|| usage(&format!("{first:?} is not a stage number")));
            (Some(number), None, None)
        }
    };
    let protocol = match stage_number {
        Some(n) => Protocol::of_stage(n, args.payload)
            .ok_or_else(|| format!("stage {n:02} has no signal protocol to decode"))?,
        None => Protocol::unknown(),
    };

    let window = Window::new(args.bits.0, args.bits.1);
    let mut outputs = Outputs {
        window: args.svg.as_ref().map(|_| window),
        ..Outputs::default()
    };
    if let Some(path) = &args.timeline {
        outputs.timeline = Some(if path.as_os_str() == "-" {
            Box::new(std::io::stdout())
        } else {
            Box::new(BufWriter::new(create(path)?))
        });
    }
    if let Some(path) = &args.raw {
        outputs.raw = Some(Box::new(BufWriter::new(create(path)?)));
    }

    let (summary, window, cast, header) = if let Some(path) = &args.replay {
        let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (summary, window, cast, _) = crate::replay(BufReader::new(file), protocol, outputs)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        (
            summary,
            window,
            cast,
            format!("replay of {}", path.display()),
        )
    } else {
        let (server, client) = match (server, client) {
            (Some(s), Some(c)) => (s, c),
            _ => {
                let root = match root {
                    Some(root) => root.to_path_buf(),
                    None => stage::workspace(&std::env::current_dir().unwrap_or_default())
                        .ok_or("no workbook workspace around the current directory")?,
                };
                let (_, manifest) = stage::find(&root, stage_number.unwrap_or(0))?;
                stage::build(&root, &manifest)?
            }
        };
        let plan = plan(&args, server, client, words);
        install_stop_handlers();
        let report = crate::run(&plan, protocol, outputs, &STOP).map_err(|e| match e {
            Error::Unavailable(why) => why.to_string(),
            Error::Failed(why) => why,
        })?;
        let mut header = format!("{} events read", report.events);
        if report.overruns > 0 {
            header.push_str(&format!(
                "; the trace buffer dropped {} events{} (the reader fell behind: the counts \
                 below are too low, and bit positions, resends and refusals decoded after \
                 the first gap can be wrong)",
                report.overruns,
                report.first_gap.map_or(String::new(), |at| format!(
                    ", the first ones {} after the first signal",
                    crate::describe::duration(at.as_nanos() as u64)
                ))
            ));
        }
        if let Some(why) = &report.stopped {
            header.push_str(&format!("; stopped early: {why}"));
        }
        for (i, (status, _, stderr)) in report.clients.iter().enumerate() {
            let status = status.map_or("still running".into(), |s| s.to_string());
            let said = String::from_utf8_lossy(stderr);
            let said = said.lines().last().unwrap_or("");
            header.push_str(&format!(
                "\nclient {}: {status}{}",
                i + 1,
                if said.is_empty() {
                    String::new()
                } else {
                    format!(" ({said})")
                }
            ));
        }
        let printed = String::from_utf8_lossy(&report.server_stdout);
        for line in printed.lines().take(5) {
            let shown: String = line.chars().take(100).collect();
            header.push_str(&format!("\nserver printed: {shown:?}"));
        }
        (report.summary, report.window, report.cast, header)
    };

    let mut out = std::io::stdout().lock();
    let lanes: Vec<String> = cast
        .lanes
        .iter()
        .map(|l| format!("{} (PID {})", l.name(), l.pid))
        .collect();
    let _ = writeln!(
        out,
        "{}\n{}\n{}",
        lanes.join(", "),
        header,
        summary.render(&cast)
    );
    if let (Some(path), Some(window)) = (&args.svg, window) {
        let title = args.title.clone().unwrap_or_else(|| match stage_number {
            Some(n) => format!("stage {n:02}: bits {}..{}", args.bits.0, args.bits.1),
            None => format!("bits {}..{}", args.bits.0, args.bits.1),
        });
        let picture = crate::svg::render(&window, &cast, &title, protocol.sleeps());
        std::fs::write(path, picture)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let _ = writeln!(
            out,
            "SVG timeline of {} signals: {}",
            window.signals().len(),
            path.display()
        );
    }
    Ok(())
}

fn create(path: &PathBuf) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn plan(args: &Args, server: PathBuf, client: PathBuf, words: Vec<OsString>) -> Plan {
    let mut server = Program::new(server);
    let mut client = Program::new(client);
    if let Some(us) = args.delay_us {
        client = client.env("MINITALK_DELAY_US", us.to_string());
    }
    if let Some(ms) = args.timeout_ms {
        client = client.env("MINITALK_TIMEOUT_MS", ms.to_string());
        server = server.env("MINITALK_TIMEOUT_MS", ms.to_string());
    }
    if args.payload {
        client = client.arg("--payload");
    }
    for arg in &args.client_arg {
        client = client.arg(arg.clone());
    }
    let mut messages: Vec<Vec<u8>> = words
        .into_iter()
        .map(std::os::unix::ffi::OsStringExt::into_vec)
        .collect();
    if let Some(path) = &args.message_file {
        match std::fs::read(path) {
            Ok(bytes) => messages = vec![bytes],
            Err(e) => usage(&format!("cannot read {}: {e}", path.display())),
        }
    }
    if messages.is_empty() {
        messages.push(b"hi".to_vec());
    }
    Plan {
        server,
        client,
        stdin: args.message_file.is_some(),
        messages,
        stray: match (args.stray, args.stray_before) {
            (Some(n), _) => Some(Stray::During(n)),
            (None, true) => Some(Stray::Before),
            _ => None,
        },
        scheduling: if args.client_first {
            Scheduling::ClientFirst
        } else if args.one_cpu {
            Scheduling::OneCpu
        } else {
            Scheduling::Free
        },
        deadline: Duration::from_secs(args.deadline),
        stop_server_at: args.stop_server_at,
    }
}

/// SIGINT (Ctrl-C) and SIGTERM end the run in order instead of killing us mid-way:
/// the instance is removed, what was recorded is summarised.
fn install_stop_handlers() {
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
    // No SA_RESTART: the wait in the run's loop returns at once.
    let action = SigAction::new(
        SigHandler::Handler(on_stop),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: `on_stop` only stores an atomic.
        let _ = unsafe { sigaction(signal, &action) };
    }
}
