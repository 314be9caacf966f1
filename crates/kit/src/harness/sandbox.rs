//! Running a client on a PID that must be refused, where a buggy client can do no harm.
//!
//! A client that passes `0` or `-1` to `kill(2)` signals its whole process group, or
//! every process it may signal: in a test, that is the test runner itself. So a client
//! gets such PIDs only inside a fresh PID namespace (`unshare --pid`), in a new session
//! (`setsid`), beside a *canary*: a `sleep` in the same process group with no handler,
//! which SIGUSR1 or SIGUSR2 would kill. After the client exits, the canary's survival is
//! the proof that no signal went anywhere.
//!
//! Inside the namespace `-1` reaches only the namespace's processes, `0` only the new
//! process group, and a group ID like `-7` only a group of the namespace. Pass
//! [`CANARY`] as an argument to aim the client at the canary itself.

use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::process::die_with_the_test;
use super::procfs::SignalMask;

use super::programs::Programs;
use super::refusal::{check_refusal_of, departs_from_refusal};
use super::report;
use crate::deadlines::{DEADLINE, STARTUP};

/// What happened to a client that was given a PID to refuse.
#[derive(Debug)]
pub struct Refusal {
    /// The client's own exit status, stdout and stderr.
    pub output: Output,
    /// Whether the canary beside it was still alive, stopped as the sandbox left it,
    /// with nothing pending, after the client exited.
    pub canary_survived: bool,
    /// The signals that were pending for the canary (what the client sent it, or sent
    /// to a group or to every process, which the canary is part of).
    pub canary_got: SignalMask,
    /// Whether the client was still running after [`BOUND`] and the sandbox killed it.
    pub hung: bool,
}

/// How long a client may take to refuse its command line before the sandbox kills it:
/// refusing is immediate; a client still running after this waits for something that
/// will not come (an answer from "PID 0", say).
pub const BOUND: Duration = Duration::from_secs(5);

/// An argument that the sandbox replaces with the canary's PID, to prove that a client
/// which refuses its command line sends nothing even to a PID that exists.
pub const CANARY: &str = "@canary";

// The script runs as PID 1 of the new namespace, with its own /proc; PID 1 is immune to
// any signal it has no handler for. `$1` is the client, the rest its arguments. The
// canary is stopped first: a stopped process acts on no signal but SIGKILL and SIGCONT,
// so what reaches it stays pending, and the report can say what it was. `kill(2)` marks a
// signal pending before it returns, so once the client has exited, any signal it sent is
// visible here. The client runs in the background so that the script can kill it after
// the bound (it polls: `sleep` may itself be killed by the client's signals, which only
// ends one pause early). The report goes to fd 3 because the script's stdout and stderr
// are the client's: `STATUS ALIVE HUNG PENDING`.
const SCRIPT: &str = r#"
client=$1; shift
sleep 1000 &
canary=$!
kill -STOP "$canary"
while ! grep -qs '^State:[[:space:]]*T' "/proc/$canary/status"; do sleep 0.01; done
n=$#
for arg; do
  [ "$arg" = "@canary" ] && arg=$canary
  set -- "$@" "$arg"
done
shift "$n"
"$client" "$@" &
pid=$!
running() { [ -r "/proc/$pid/status" ] && ! grep -qs '^State:[[:space:]]*Z' "/proc/$pid/status"; }
tries=0
while running && [ "$tries" -lt "$BOUND_TRIES" ]; do sleep 0.05; tries=$((tries + 1)); done
hung=no
if running; then hung=yes; kill -KILL "$pid"; fi
wait "$pid"
status=$?
pending=$(sed -n 's/^\(SigPnd\|ShdPnd\):[[:space:]]*//p' "/proc/$canary/status" 2>/dev/null | tr '\n' ' ')
alive=no
if grep -qs '^State:[[:space:]]*T' "/proc/$canary/status" \
   && ! echo "$pending" | grep -q '[1-9a-f]'; then
  alive=yes
fi
kill -KILL "$canary" 2>/dev/null
echo "$status $alive $hung $pending" >&3
"#;

/// Whether this machine can make a PID namespace (it needs root, or user namespaces).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("unshare")
            .args(["--pid", "--fork", "--kill-child", "--mount-proc", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// Run `client <args…>` in a fresh PID namespace beside a canary, or return `None` when
/// namespaces are not available here.
pub fn run_client<I, S>(programs: &Programs, args: I) -> Option<Refusal>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    if !available() {
        return None;
    }
    let client = programs.client_command();
    let report = tempfile_path();
    let mut command = Command::new("unshare");
    die_with_the_test(&mut command);
    command
        .args(["--pid", "--fork", "--kill-child", "--mount-proc"])
        .args(["setsid", "sh", "-c"])
        .arg(format!("exec 3>'{}'\n{SCRIPT}", report.display()))
        .arg("sandbox")
        .arg(client.get_program())
        .args(args)
        .envs(
            client
                .get_envs()
                .filter_map(|(key, value)| value.map(|value| (key, value))),
        );
    command.env("BOUND_TRIES", (BOUND.as_millis() / 50).to_string());
    let output = assert_cmd::Command::from_std(command)
        .timeout(BOUND + STARTUP)
        .output()
        .expect("run the client in a PID namespace");
    let report_text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    let fields: Vec<&str> = report_text.split_whitespace().collect();
    let [status, alive, hung, pending @ ..] = &fields[..] else {
        panic!(
            "the sandbox did not report (it timed out or failed): {:?}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    // The shell says 128 + N for a child killed by signal N.
    let code: i32 = status.parse().expect("a numeric exit status");
    let raw = if code > 128 { code - 128 } else { code << 8 };
    let canary_got = pending
        .iter()
        .filter_map(|mask| u64::from_str_radix(mask, 16).ok())
        .fold(0, |all, mask| all | mask);
    Some(Refusal {
        output: Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(raw),
            ..output
        },
        canary_survived: *alive == "yes",
        canary_got: SignalMask(canary_got),
        hung: *hung == "yes",
    })
}

fn tempfile_path() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "minitalk-sandbox-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Whether `text`, given as a PID, is anything but plain positive decimal digits.
fn not_one_process(text: &str) -> bool {
    text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.bytes().all(|b| b == b'0')
}

/// Assert that the client refuses `args` as a usage error (see [`check_usage_error`]).
pub fn expect_usage_error(programs: &Programs, args: &[&str], reason: &str) {
    if let Err(problem) = check_usage_error(programs, args, reason) {
        panic!("{problem}");
    }
}

/// Check every case of `cases` (arguments, and the reason ours give), each in a sandbox
/// of its own, and fail once with every case that went wrong: a defect behind the first
/// case is reported too.
pub fn expect_usage_errors(programs: &Programs, cases: &[(&[&str], &str)]) {
    let problems: Vec<String> = cases
        .iter()
        .filter_map(|(args, reason)| check_usage_error(programs, args, reason).err())
        .collect();
    match problems.len() {
        0 => {}
        1 => panic!("{}", problems[0]),
        // One line, every case in it: the first line of a failure is its diagnosis.
        n => panic!(
            "{n} of {} command lines were not refused as they should be: {}",
            cases.len(),
            problems
                .iter()
                .enumerate()
                // A case's diagnosis and its details stay apart: "…at once; its stdout: …".
                .map(|(i, problem)| format!("({}) {}", i + 1, problem.replace('\n', "; ")))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Whether the client refuses `args` as a usage error: no signal sent (the canary beside
/// it, or the canary it was aimed at with [`CANARY`], is unharmed), and an exit within
/// [`BOUND`] with a failure status; then, for the workbook's own clients, exit code 2,
/// exactly one line on stderr containing `reason`, and nothing on stdout. For another
/// implementation those are the workbook's conventions, not the subject's: a departure is
/// a note (see [`report::note`]), and only what the subject asks fails.
///
/// Without PID namespaces on this machine, a client under test via `MINITALK_CLIENT` is
/// not run at all (a buggy one could signal the test runner): the case is skipped with a
/// message. The workbook's own clients then run directly, without a canary.
pub fn check_usage_error(programs: &Programs, args: &[&str], reason: &str) -> Result<(), String> {
    // As a reader would write the command line: the canary's PID, not its placeholder.
    let shown: Vec<&str> = args
        .iter()
        .map(|&arg| {
            if arg == CANARY {
                "<the canary's PID>"
            } else {
                arg
            }
        })
        .collect();
    let client = format!("the client given {shown:?}");
    let output = match run_client(programs, args) {
        Some(refusal) => {
            if !refusal.canary_survived {
                return Err(format!(
                    "{client} sent {} to {} (caught in the sandbox{}): a PID like that must be \
                     refused before kill(2) is called",
                    describe_signals(refusal.canary_got),
                    whom(args),
                    if refusal.hung {
                        ", and it was still running after 5s"
                    } else {
                        ""
                    },
                ));
            }
            if refusal.hung {
                return Err(format!(
                    "{client} was still running after {BOUND:?} (the sandbox killed it), with no \
                     signal sent: a bad command line must be refused at once\nits stdout: {:?}",
                    String::from_utf8_lossy(&refusal.output.stdout)
                ));
            }
            refusal.output
        }
        None if programs.external_client() => {
            report::skip(format!(
                "usage error {args:?}: PID namespaces are not available here, and a client under \
                 test is never given a bad PID outside one"
            ));
            return Ok(());
        }
        None if args.contains(&CANARY) => {
            report::skip(format!(
                "usage error {args:?}: it needs a canary in a PID namespace"
            ));
            return Ok(());
        }
        // Even our own client gets no PID that kill(2) would read as a group outside a
        // namespace: if its parsing ever regressed, the test would signal our session.
        None if args.first().is_some_and(|pid| not_one_process(pid)) => {
            report::skip(format!(
                "usage error {args:?}: PID namespaces are not available here, and no client is \
                 given such a PID outside one"
            ));
            return Ok(());
        }
        None => {
            let mut command = programs.client_command();
            command.args(args);
            assert_cmd::Command::from_std(command)
                .timeout(DEADLINE)
                .output()
                .expect("run the client")
        }
    };
    if programs.external_client() {
        if let Some(signal) = output.status.signal() {
            return Err(format!("{client} was killed by signal {signal} (a crash?)"));
        }
        if output.status.success() {
            report::note(format!(
                "{client} exited 0: a script cannot tell that it refused the command line"
            ));
        }
        if let Some(convention) = departs_from_refusal(&output, 2) {
            report::note(format!("{client}: {convention}"));
        }
        return Ok(());
    }
    check_refusal_of(
        programs,
        &format!("{client} (a usage error)"),
        &output,
        2,
        reason,
    )
}

/// The signals in `mask`, as words (`SIGUSR1 and SIGUSR2`).
fn describe_signals(mask: SignalMask) -> String {
    if mask.is_empty() {
        "a signal".to_owned()
    } else {
        mask.names()
    }
}

/// Whom `kill(2)` reaches with the PID that `args` begin with, read as C's `atoi` would.
fn whom(args: &[&str]) -> String {
    let Some(&pid) = args.first() else {
        return "the sandbox's processes".to_owned();
    };
    if pid == CANARY {
        return "the process it was aimed at (the canary, which is no server)".to_owned();
    }
    let digits: String = pid
        .chars()
        .enumerate()
        .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '-'))
        .map(|(_, c)| c)
        .collect();
    let read_as = |n: &str| {
        if n == pid {
            String::new()
        } else {
            format!(", as atoi reads {pid:?}")
        }
    };
    match digits.parse::<i64>() {
        Ok(-1) => "every process it may signal (PID -1)".to_owned(),
        Ok(0) | Err(_) => format!("its own process group (PID 0{})", read_as("0")),
        Ok(n) if n < 0 => format!("process group {} (PID {n})", -n),
        Ok(n) => format!("PID {n}{}", read_as(&n.to_string())),
    }
}
