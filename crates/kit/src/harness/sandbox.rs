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
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use super::programs::Programs;
use super::refusal::expect_refusal_of;
use crate::deadlines::DEADLINE;

/// What happened to a client that was given a PID to refuse.
#[derive(Debug)]
pub struct Refusal {
    /// The client's own exit status, stdout and stderr.
    pub output: Output,
    /// Whether the canary beside it was still alive after it exited.
    pub canary_survived: bool,
}

/// An argument that the sandbox replaces with the canary's PID, to prove that a client
/// which refuses its command line sends nothing even to a PID that exists.
pub const CANARY: &str = "@canary";

// The script runs as PID 1 of the new namespace, with its own /proc. `$1` is the client,
// the rest its arguments. The canary counts as unharmed only if it still exists, is not a
// zombie and has nothing pending: `kill(2)` marks a signal pending before it returns, so
// once the client has exited, any signal it sent is visible here. The report goes to fd 3
// because the script's stdout and stderr are the client's.
const SCRIPT: &str = r#"
client=$1; shift
sleep 1000 &
canary=$!
n=$#
for arg; do
  [ "$arg" = "@canary" ] && arg=$canary
  set -- "$@" "$arg"
done
shift "$n"
"$client" "$@"
status=$?
alive=no
if [ -r "/proc/$canary/status" ] \
   && ! grep -q '^State:[[:space:]]*Z' "/proc/$canary/status" \
   && ! grep -Eq '^(SigPnd|ShdPnd):[[:space:]]*0*[1-9a-f]' "/proc/$canary/status"; then
  alive=yes
fi
kill -KILL "$canary" 2>/dev/null
echo "$status $alive" >&3
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
    let output = assert_cmd::Command::from_std(command)
        .timeout(DEADLINE)
        .output()
        .expect("run the client in a PID namespace");
    let report_text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    let mut fields = report_text.split_whitespace();
    let (Some(status), Some(alive)) = (fields.next(), fields.next()) else {
        panic!(
            "the sandbox did not report (it timed out or failed): {:?}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let code: i32 = status.parse().expect("a numeric exit status");
    Some(Refusal {
        output: Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(code << 8),
            ..output
        },
        canary_survived: alive == "yes",
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

/// Assert that the client refuses `args` as a usage error: exit code 2, exactly one line
/// on stderr containing `reason`, nothing on stdout, and no signal sent (the canary beside
/// it, or the canary it was aimed at with [`CANARY`], is unharmed). `reason` is checked
/// for the workbook's own clients only.
///
/// Without PID namespaces on this machine, a client under test via `MINITALK_CLIENT` is
/// not run at all (a buggy one could signal the test runner): the case is skipped with a
/// message. The workbook's own clients then run directly, without a canary.
pub fn expect_usage_error(programs: &Programs, args: &[&str], reason: &str) {
    let output = match run_client(programs, args) {
        Some(refusal) => {
            assert!(
                refusal.canary_survived,
                "the client given {args:?} sent a signal: the canary process was hit.\n\
                 A PID like 0 or -1 must be refused before kill(2) is called.\n\
                 client stderr: {:?}",
                String::from_utf8_lossy(&refusal.output.stderr)
            );
            refusal.output
        }
        None if programs.external_client() => {
            eprintln!(
                "SKIPPED usage error {args:?}: PID namespaces are not available here, and \
                 a client under test is never given a bad PID outside one"
            );
            return;
        }
        None if args.contains(&CANARY) => {
            eprintln!("SKIPPED usage error {args:?}: it needs a canary in a PID namespace");
            return;
        }
        // Even our own client gets no PID that kill(2) would read as a group outside a
        // namespace: if its parsing ever regressed, the test would signal our session.
        None if args.first().is_some_and(|pid| not_one_process(pid)) => {
            eprintln!(
                "SKIPPED usage error {args:?}: PID namespaces are not available here, and no \
                 client is given such a PID outside one"
            );
            return;
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
    let client = format!("the client given {args:?} (a usage error)");
    expect_refusal_of(programs, &client, &output, 2, reason);
}
