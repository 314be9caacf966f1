//! Is this PID a minitalk server? Checked by a client *before* its first signal.
//!
//! [`parse_pid`](crate::parse_pid) already refused what `kill(2)` would read as a group or
//! as "everyone". A positive PID can still be wrong, and a wrong PID is dangerous: the
//! default action of SIGUSR1 and SIGUSR2 is to *terminate* the process. A typo in the PID
//! would kill whatever unrelated program happens to have that number. So, in order:
//!
//! 1. the PID is below the system's `pid_max` (`/proc/sys/kernel/pid_max`, which is one
//!    more than the largest PID, proc(5)): from it on, no process can have it;
//! 2. the process exists: `kill(pid, 0)` sends nothing but runs the same checks as a real
//!    signal, and tells "no such process" (`ESRCH`) from "not yours" (`EPERM`);
//! 3. it is not a zombie (`State:` in `/proc/PID/status`): a zombie still passes step 2;
//! 4. it catches both SIGUSR1 and SIGUSR2 (`SigCgt`), or each one it does not catch is
//!    blocked by every one of its threads (`SigBlk` in `/proc/PID/task/*/status`):
//!    otherwise our first signal would kill it.
//!
//! A small window remains: the process could exit, and its PID be reused, between the
//! check and the first signal. Closing it needs a pidfd (`pidfd_open`,
//! `pidfd_send_signal`); for a human typing a PID the check is what matters.

use std::fmt;

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::exit::ExitCode;

/// Why a PID is not a safe target. Each reason has its own exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// Not below `/proc/sys/kernel/pid_max`: no process can have this PID.
    NotBelowPidMax { pid: Pid, pid_max: i32 },
    /// `kill(pid, 0)` said `ESRCH`.
    NoSuchProcess(Pid),
    /// `kill(pid, 0)` said `EPERM`: the process belongs to someone else.
    NotPermitted(Pid),
    /// The process neither catches nor blocks these signals: they would terminate it.
    NotAServer { pid: Pid, exposed: Vec<Signal> },
    /// `/proc/PID/status` could not be read, so the check above cannot be made.
    Unverifiable { pid: Pid, why: String },
}

impl TargetError {
    /// The documented exit code for this refusal.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            TargetError::NotBelowPidMax { .. } => ExitCode::Usage,
            TargetError::NoSuchProcess(_) => ExitCode::NoSuchProcess,
            TargetError::NotPermitted(_) => ExitCode::NotPermitted,
            TargetError::NotAServer { .. } | TargetError::Unverifiable { .. } => {
                ExitCode::NotAServer
            }
        }
    }
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::NotBelowPidMax { pid, pid_max } => write!(
                f,
                "refusing PID {pid}: PIDs on this system stop below pid_max ({pid_max}), no process can have it"
            ),
            TargetError::NoSuchProcess(pid) => {
                write!(f, "no process has PID {pid}: is the server running?")
            }
            TargetError::NotPermitted(pid) => write!(
                f,
                "PID {pid} belongs to another user: not permitted to signal it"
            ),
            TargetError::NotAServer { pid, exposed } => {
                let names: Vec<&str> = exposed.iter().map(|s| s.as_str()).collect();
                write!(
                    f,
                    "PID {pid} is not a minitalk server: it neither catches nor blocks {}, \
                     so our first signal would kill it",
                    names.join(" and ")
                )
            }
            TargetError::Unverifiable { pid, why } => write!(
                f,
                "cannot tell whether PID {pid} is a minitalk server ({why}): not signalling it"
            ),
        }
    }
}

impl std::error::Error for TargetError {}

// ANCHOR: check
/// Check, without sending any signal, that `pid` is a process we may signal and that
/// SIGUSR1 and SIGUSR2 will not terminate it.
pub fn check(pid: Pid) -> Result<(), TargetError> {
    // pid_max is one more than the largest PID the kernel hands out (proc(5)).
    if let Some(pid_max) = pid_max()
        && pid.as_raw() >= pid_max
    {
        return Err(TargetError::NotBelowPidMax { pid, pid_max });
    }
    // Signal 0: the kernel checks that the process exists and that we may signal it,
    // then delivers nothing.
    match kill(pid, None) {
        Ok(()) => {}
        Err(Errno::ESRCH) => return Err(TargetError::NoSuchProcess(pid)),
        Err(Errno::EPERM) => return Err(TargetError::NotPermitted(pid)),
        Err(other) => {
            return Err(TargetError::Unverifiable {
                pid,
                why: format!("kill(pid, 0): {other}"),
            });
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|error| {
        TargetError::Unverifiable {
            pid,
            why: format!("/proc/{pid}/status: {error}"),
        }
    })?;
    // A zombie (or a process being reaped) still answers `kill(pid, 0)` and keeps the
    // masks it had, but it will never take a signal: there is no server there.
    if let Some(state) = status
        .lines()
        .find_map(|line| line.strip_prefix("State:"))
        .map(str::trim_start)
        && (state.starts_with('Z') || state.starts_with('X'))
    {
        return Err(TargetError::NoSuchProcess(pid));
    }
    // A handler (SigCgt, process-wide) keeps the default action, termination, from
    // happening. Without one, only a block does, and a block is per thread: `SigBlk` in
    // /proc/PID/status is the main thread's. The kernel hands a process-directed signal to
    // any thread that does not block it, so every thread must block it.
    let caught = mask(&status, "SigCgt").ok_or_else(|| no_line(pid, "SigCgt"))?;
    let mut blocked_by_all = u64::MAX;
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).map_err(|error| {
        TargetError::Unverifiable {
            pid,
            why: format!("/proc/{pid}/task: {error}"),
        }
    })?;
    for task in tasks {
        let path = task
            .map_err(|error| TargetError::Unverifiable {
                pid,
                why: format!("/proc/{pid}/task: {error}"),
            })?
            .path()
            .join("status");
        // A thread that has just exited has no status any more, and blocks nothing.
        let Ok(task_status) = std::fs::read_to_string(&path) else {
            continue;
        };
        blocked_by_all &= mask(&task_status, "SigBlk").ok_or_else(|| no_line(pid, "SigBlk"))?;
    }
    let safe = caught | blocked_by_all;
    let exposed: Vec<Signal> = [Signal::SIGUSR1, Signal::SIGUSR2]
        .into_iter()
        .filter(|&signal| safe & bit(signal) == 0)
        .collect();
    if exposed.is_empty() {
        Ok(())
    } else {
        Err(TargetError::NotAServer { pid, exposed })
    }
}
// ANCHOR_END: check

/// The hexadecimal mask on the `key:` line of a `/proc/PID/status` text.
fn mask(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
}

fn no_line(pid: Pid, key: &str) -> TargetError {
    TargetError::Unverifiable {
        pid,
        why: format!("no {key} line in /proc/{pid}/status"),
    }
}

/// Signal `n` is bit `n - 1` of the masks in `/proc/PID/status`.
fn bit(signal: Signal) -> u64 {
    1 << (signal as i32 - 1)
}

/// Why a server we were talking to does not answer, for a client's error message: gone
/// (no such process, or a zombie), or still there but silent. Sends nothing (signal 0).
pub fn why_silent(server: Pid) -> &'static str {
    let zombie = std::fs::read_to_string(format!("/proc/{server}/status"))
        .ok()
        .and_then(|status| {
            let state = status
                .lines()
                .find_map(|line| line.strip_prefix("State:"))?;
            Some(state.trim_start().starts_with(['Z', 'X']))
        })
        .unwrap_or(false);
    match kill(server, None) {
        Err(Errno::ESRCH) => "the server is gone",
        _ if zombie => "the server is gone",
        _ => "the server is still there but not answering (stopped, or not a minitalk server)",
    }
}

/// This system's `pid_max`, one more than the largest PID it hands out (proc(5)), or
/// `None` if it cannot be read.
pub fn pid_max() -> Option<i32> {
    std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, sigaction};

    #[test]
    fn pids_from_pid_max_on_are_refused_without_a_syscall() {
        let max = pid_max().expect("Linux has /proc/sys/kernel/pid_max");
        // pid_max itself is not a PID: the largest is pid_max - 1 (proc(5)).
        for pid in [max, max + 1] {
            let error = check(Pid::from_raw(pid)).unwrap_err();
            assert_eq!(error.exit_code(), ExitCode::Usage, "PID {pid}: {error}");
            assert!(error.to_string().contains("pid_max"), "{error}");
        }
    }

    #[test]
    fn pid_1_is_not_ours_or_not_a_server() {
        // As a normal user, EPERM; as root (a container), init does not catch SIGUSR1.
        // Either way it is refused, and nothing is sent.
        let error = check(Pid::from_raw(1)).unwrap_err();
        assert!(
            matches!(
                error,
                TargetError::NotPermitted(_) | TargetError::NotAServer { .. }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_process_that_catches_both_signals_passes() {
        // Handlers are process-wide (SigCgt), so install harmless ones in this test
        // process and ask about it. No test here sends itself these signals.
        extern "C" fn ignore(_: nix::libc::c_int) {}
        let action = SigAction::new(
            SigHandler::Handler(ignore),
            SaFlags::empty(),
            SigSet::empty(),
        );
        for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
            // SAFETY: the handler does nothing at all, which is async-signal-safe.
            unsafe { sigaction(signal, &action) }.unwrap();
        }
        assert_eq!(check(nix::unistd::getpid()), Ok(()));
    }

    #[test]
    fn a_zombie_is_no_process() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = Pid::from_raw(child.id() as i32);
        // Not reaped yet: it stays a zombie until `wait`. Poll /proc until it is one.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
            if status.lines().any(|line| line.starts_with("State:\tZ")) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "never a zombie");
            // A short sleep between two reads: spinning would take the CPU from the child.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let result = check(pid);
        child.wait().unwrap();
        assert_eq!(result, Err(TargetError::NoSuchProcess(pid)));
    }

    #[test]
    fn a_plain_process_is_not_a_server() {
        let mut child = std::process::Command::new("sleep")
            .arg("1000")
            .spawn()
            .unwrap();
        let pid = Pid::from_raw(child.id() as i32);
        let result = check(pid);
        child.kill().unwrap();
        child.wait().unwrap();
        let error = result.unwrap_err();
        assert_eq!(error.exit_code(), ExitCode::NotAServer);
        assert!(error.to_string().contains("SIGUSR1 and SIGUSR2"), "{error}");
    }
}
