//! What Linux's `/proc/PID/status` says about a process's signals: how tests observe
//! pending and blocked signals without asking the process (which may be stopped).

use std::fs;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

/// A set of signals as `/proc/PID/status` prints it: a hexadecimal mask in which bit
/// `n - 1` stands for signal `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalMask(pub u64);

impl SignalMask {
    pub fn contains(self, signal: Signal) -> bool {
        self.0 & (1 << (signal as i32 - 1)) != 0
    }

    /// How many signals the mask holds.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The signals, in words: `SIGUSR1 and SIGUSR2`.
    pub fn names(self) -> String {
        let names: Vec<String> = (1..=64)
            .filter(|n| self.0 & (1 << (n - 1)) != 0)
            .map(|n| {
                Signal::try_from(n)
                    .map_or_else(|_| format!("signal {n}"), |s| s.as_str().to_owned())
            })
            .collect();
        if names.is_empty() {
            "no signal".to_owned()
        } else {
            names.join(" and ")
        }
    }
}

/// One `Key:\tvalue` line of `/proc/PID/status`, or `None` if the process is gone.
pub fn status_field(pid: Pid, key: &str) -> Option<String> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name == key).then(|| value.trim().to_owned())
    })
}

fn mask(pid: Pid, key: &str) -> Option<SignalMask> {
    let hex = status_field(pid, key)?;
    u64::from_str_radix(&hex, 16).ok().map(SignalMask)
}

/// Signals pending for the whole process (`ShdPnd`: where `kill(2)` puts them) or for its
/// main thread (`SigPnd`).
pub fn pending(pid: Pid) -> Option<SignalMask> {
    Some(SignalMask(mask(pid, "ShdPnd")?.0 | mask(pid, "SigPnd")?.0))
}

/// Signals the process blocks (`SigBlk`).
pub fn blocked(pid: Pid) -> Option<SignalMask> {
    mask(pid, "SigBlk")
}

/// Signals the process has a handler for (`SigCgt`).
pub fn caught(pid: Pid) -> Option<SignalMask> {
    mask(pid, "SigCgt")
}

/// A size field of `/proc/PID/status` in kB (`VmHWM`, the peak resident memory; `VmSize`,
/// the virtual memory; …), or `None` if the process is gone or has no such field.
pub fn kb(pid: Pid, key: &str) -> Option<u64> {
    status_field(pid, key)?
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// The high-water mark of `pid`'s resident memory (`VmHWM`), in kB: the most RAM it has
/// ever held at once. A server that receives a megabyte into one buffer grows it by about
/// a megabyte; one that copies the message, or reallocates as it grows, by a multiple.
pub fn peak_rss_kb(pid: Pid) -> Option<u64> {
    kb(pid, "VmHWM")
}

/// The high-water mark of `pid`'s virtual memory (`VmPeak`), in kB: its largest address
/// space so far. Unlike resident memory, it grows as soon as memory is reserved, before a
/// single page is touched: a `Vec::with_capacity(4 GiB)` shows here at once.
pub fn peak_virtual_kb(pid: Pid) -> Option<u64> {
    kb(pid, "VmPeak")
}

/// The kernel's `pid_max` (`/proc/sys/kernel/pid_max`): PIDs go up to one below it.
pub fn pid_max() -> i32 {
    fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .expect("Linux has /proc/sys/kernel/pid_max")
}

/// The one-letter state: `R` running, `S` sleeping, `T` stopped, `Z` zombie, …
pub fn state(pid: Pid) -> Option<char> {
    status_field(pid, "State")?.chars().next()
}

/// The parent's PID, and whether a process descends from another: how the kit validates
/// a PID that a program printed before it signals it. (One home for both, shared with the
/// tracer: `minitalk_common::lineage`.)
pub use minitalk_common::lineage::{is_descendant_of, parent};

/// Send `signal` to `pid` if it is `ancestor` or one of its descendants; `false` (and
/// nothing sent) otherwise, or if it is gone.
///
/// A check in `/proc` followed by `kill(pid, …)` leaves a window: the process may end
/// and be reaped by its parent (a shell reaps its jobs) between the two, and its PID be
/// given to someone else's process. So the process is first pinned with a pidfd
/// (`pidfd_open(2)`): whatever happens to the PID after that, the pidfd names the
/// process that had it, and `pidfd_send_signal(2)` reaches that one or, if it has ended,
/// nobody. The check, made after the pidfd is open, is then about that process.
pub fn signal_if_descendant(pid: Pid, ancestor: Pid, signal: Signal) -> bool {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    use nix::libc;

    if pid.as_raw() <= 1 {
        return false;
    }
    // SAFETY: pidfd_open takes a PID and flags and returns a new file descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    if fd < 0 {
        return false;
    }
    // SAFETY: `fd` was just returned by pidfd_open, and nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    if !is_descendant_of(pid, ancestor) {
        return false;
    }
    // SAFETY: a valid pidfd, a signal number, no siginfo (the kernel fills in one as for
    // kill(2)), no flags.
    let sent = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            fd.as_raw_fd(),
            signal as libc::c_int,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    sent == 0
}

/// The PIDs of `pid`'s children (all threads), from `/proc/PID/task/*/children`.
pub fn children(pid: Pid) -> Vec<Pid> {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for task in tasks.flatten() {
        let list = fs::read_to_string(task.path().join("children")).unwrap_or_default();
        found.extend(
            list.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .map(Pid::from_raw),
        );
    }
    found
}

/// Re-check `condition` until it returns `Some`, at most `timeout`; panics naming `what`.
///
/// `/proc` sends no notification when a process changes, so this polls. Each poll is a
/// cheap read, and the loop ends soon after the condition holds: it waits for an event,
/// it does not sleep for a guessed time. Between two reads it sleeps, 1 ms at first,
/// twice as long each time up to [`POLL_MAX`]: a condition that holds at once costs
/// nothing, and a long wait costs a few reads a second, not a busy core (on two cores, a
/// spinning waiter would steal the CPU from the very processes it waits for).
pub fn poll<T>(timeout: Duration, what: &str, mut condition: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    let mut pause = POLL_FIRST;
    loop {
        if let Some(found) = condition() {
            return found;
        }
        let now = Instant::now();
        assert!(now < deadline, "waited {timeout:?} for {what} in vain");
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(POLL_MAX);
    }
}

/// The first pause of [`poll`] between two reads.
pub const POLL_FIRST: Duration = Duration::from_millis(1);

/// The longest pause of [`poll`] between two reads: how late, at worst, it sees an event.
pub const POLL_MAX: Duration = Duration::from_millis(20);

/// How much `pid` has run so far, summed over its threads: its context switches, and
/// whether any thread is runnable now (`R`: running, or waiting for a CPU). `None` once
/// the process is gone.
///
/// Two readings with the same count, none runnable, mean that the process has not run
/// at all in between: it sleeps, waiting for something that has not come.
pub fn activity(pid: Pid) -> Option<(u64, bool)> {
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let (mut switches, mut runnable) = (0, false);
    for task in tasks.flatten() {
        let Ok(status) = fs::read_to_string(task.path().join("status")) else {
            continue;
        };
        for line in status.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key {
                "State" => runnable |= value.trim_start().starts_with('R'),
                "voluntary_ctxt_switches" | "nonvoluntary_ctxt_switches" => {
                    switches += value.trim().parse::<u64>().unwrap_or(0)
                }
                _ => {}
            }
        }
    }
    Some((switches, runnable))
}

/// How long `pid`'s threads have waited for a CPU so far, all told: the second field of
/// `/proc/PID/task/TID/schedstat` (runnable, not running). It grows as fast as the
/// clock while a process is starved of a CPU. `None` once the process is gone.
pub fn waited_for_a_cpu(pid: Pid) -> Option<Duration> {
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let nanoseconds: u64 = tasks
        .flatten()
        .filter_map(|task| fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum();
    Some(Duration::from_nanos(nanoseconds))
}

/// Wait until `pid` is in `state` (see [`state`]). Fails at once if the process has died
/// (it is a zombie, or gone): it will never be in any other state again.
pub fn wait_for_state(pid: Pid, wanted: char, timeout: Duration) {
    poll(
        timeout,
        &format!("PID {pid} to be in state {wanted}"),
        || {
            let now = state(pid);
            if wanted != 'Z' && matches!(now, None | Some('Z')) {
                panic!("PID {pid} died while the test waited for it to be in state {wanted}");
            }
            (now? == wanted).then_some(())
        },
    )
}

/// Wait until `signal` is pending for `pid`: sent, and not yet taken. For a process
/// stopped with SIGSTOP, or one that blocks `signal`, that is where a signal sent to it
/// stays, and where a second one of the same number is lost: standard signals do not
/// queue.
pub fn wait_until_pending(pid: Pid, signal: Signal, timeout: Duration) {
    poll(
        timeout,
        &format!("{signal} to be pending for PID {pid}"),
        || pending(pid)?.contains(signal).then_some(()),
    )
}

/// Wait until `signal` is no longer pending for `pid`: the process has taken it (a
/// handler ran, or `sigwaitinfo` or a `signalfd` read it). Only then can another signal
/// of that number reach it instead of being discarded.
pub fn wait_until_taken(pid: Pid, signal: Signal, timeout: Duration) {
    poll(
        timeout,
        &format!("{signal} to be no longer pending for PID {pid}"),
        || (!pending(pid)?.contains(signal)).then_some(()),
    )
}

/// The system call `pid` is blocked in, from `/proc/PID/syscall`: its number and its
/// arguments. `None` if the process is running (the file says `running`), is not in a
/// system call, or is gone.
pub fn syscall(pid: Pid) -> Option<(i64, Vec<u64>)> {
    let line = fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    let mut fields = line.split_whitespace();
    let number: i64 = fields.next()?.parse().ok()?;
    if number < 0 {
        return None;
    }
    let arguments = fields
        .take(6)
        .filter_map(|field| u64::from_str_radix(field.strip_prefix("0x")?, 16).ok())
        .collect();
    Some((number, arguments))
}

/// What file descriptor `fd` of `pid` is (the target of `/proc/PID/fd/FD`), such as
/// `anon_inode:[signalfd]`.
pub fn fd_target(pid: Pid, fd: u64) -> Option<String> {
    let target = fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok()?;
    Some(target.to_string_lossy().into_owned())
}

/// Wait until `pid` sleeps in `read(2)` on a `signalfd`: a program built like stages 06
/// and 07 is then waiting for a signal (after sending what it had to send).
pub fn wait_reading_signalfd(pid: Pid, timeout: Duration) {
    poll(
        timeout,
        &format!("PID {pid} to sleep reading its signalfd"),
        || {
            let (number, arguments) = syscall(pid)?;
            (number == nix::libc::SYS_read
                && fd_target(pid, *arguments.first()?)? == "anon_inode:[signalfd]"
                && state(pid)? == 'S')
                .then_some(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_use_bit_n_minus_1_for_signal_n() {
        let usr1_and_usr2 = SignalMask((1 << 9) | (1 << 11));
        assert!(usr1_and_usr2.contains(Signal::SIGUSR1));
        assert!(usr1_and_usr2.contains(Signal::SIGUSR2));
        assert!(!usr1_and_usr2.contains(Signal::SIGTERM));
        assert_eq!(usr1_and_usr2.len(), 2);
    }

    #[test]
    fn reads_this_process() {
        let me = nix::unistd::getpid();
        assert!(state(me).is_some());
        assert!(kb(me, "VmHWM").is_some_and(|peak| peak > 0));
        assert!(peak_rss_kb(me).is_some_and(|peak| peak > 0));
        assert!(peak_virtual_kb(me).is_some_and(|peak| peak >= peak_rss_kb(me).unwrap()));
        assert!(pending(me).is_some());
        assert!(is_descendant_of(me, me));
        assert!(is_descendant_of(me, nix::unistd::getppid()));
    }

    #[test]
    fn only_a_descendant_is_signalled() {
        // Killed and reaped when the handle drops, should an assertion fail first.
        let mut command = std::process::Command::new("sleep");
        command.arg("30");
        let child = crate::Process::spawn(command);
        let pid = child.pid();
        let me = nix::unistd::getpid();
        // Our child is no descendant of init's lineage as seen from PID 1 (the walk stops
        // below it), nor are PIDs 0 and 1 anyone's: refused, nothing sent.
        assert!(!signal_if_descendant(
            pid,
            Pid::from_raw(1),
            Signal::SIGTERM
        ));
        assert!(!signal_if_descendant(Pid::from_raw(0), me, Signal::SIGTERM));
        assert!(!signal_if_descendant(Pid::from_raw(1), me, Signal::SIGTERM));
        assert!(signal_if_descendant(pid, me, Signal::SIGKILL));
        let status = child.wait(crate::DEADLINE);
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(Signal::SIGKILL as i32),
            "a refused SIGTERM was sent"
        );
    }
}
