//! What `/proc/PID/status` and `/proc/PID/stat` say about a process: its signal masks,
//! its process group, session and terminal. This is what `ps` reads.

use std::fs;

use nix::libc::c_int;
use nix::unistd::Pid;

/// One `Key:\tvalue` line of `/proc/PID/status` (`/proc/self/status` for `None`).
pub fn status_field(pid: Option<Pid>, key: &str) -> Option<String> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = fs::read_to_string(path).ok()?;
    status.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name == key).then(|| value.trim().to_owned())
    })
}

/// A signal set as `/proc` prints it (`SigBlk`, `SigIgn`, `SigCgt`, `SigPnd`, `ShdPnd`):
/// hexadecimal, bit `n - 1` for signal `n`.
pub fn mask(pid: Option<Pid>, key: &str) -> Option<u64> {
    u64::from_str_radix(&status_field(pid, key)?, 16).ok()
}

/// Whether `signal` is in the set `key` of `pid`.
pub fn has(pid: Option<Pid>, key: &str, signal: c_int) -> bool {
    mask(pid, key).is_some_and(|m| m & (1 << (signal - 1)) != 0)
}

/// The fields of `/proc/PID/stat` that `ps -o pid,pgid,sid,tpgid,stat` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    pub state: char,
    pub ppid: i32,
    pub pgid: i32,
    pub sid: i32,
    /// The controlling terminal's device number; 0 for none.
    pub tty: i32,
    /// The foreground process group of the controlling terminal; -1 for none.
    pub tpgid: i32,
}

/// `/proc/PID/stat`, or `None` if the process is gone.
pub fn stat(pid: Pid) -> Option<Stat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: the fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let number = |at: usize| fields.get(at)?.parse().ok();
    Some(Stat {
        pid: pid.as_raw(),
        state: fields.first()?.chars().next()?,
        ppid: number(1)?,
        pgid: number(2)?,
        sid: number(3)?,
        tty: number(4)?,
        tpgid: number(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = nix::unistd::getpid();
        let stat = stat(me).unwrap();
        assert_eq!(stat.pgid, nix::unistd::getpgrp().as_raw());
        assert_eq!(stat.ppid, nix::unistd::getppid().as_raw());
        assert!(mask(None, "SigBlk").is_some());
    }
}
