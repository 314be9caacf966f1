//! Whose child a process is, from `/proc/PID/status`: how a tool checks that the PID a
//! server printed belongs to the process the tool started (or to one that process
//! started, as a wrapper script does) before it signals that PID.

use nix::unistd::Pid;

/// The parent's PID (`PPid:`), or `None` if the process is gone.
pub fn parent(pid: Pid) -> Option<Pid> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("PPid:"))
        .and_then(|value| value.trim().parse().ok())
        .map(Pid::from_raw)
}

/// Whether `pid` is `ancestor` or one of its descendants. The walk stops at PID 1 (or
/// 0, outside our PID namespace): nothing is a descendant of those.
pub fn is_descendant_of(pid: Pid, ancestor: Pid) -> bool {
    let mut current = pid;
    for _ in 0..64 {
        if current == ancestor {
            return true;
        }
        match parent(current) {
            Some(next) if next.as_raw() > 1 => current = next,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_descends_from_itself_and_its_parent_not_from_a_child() {
        let me = nix::unistd::getpid();
        assert!(is_descendant_of(me, me));
        assert!(is_descendant_of(me, nix::unistd::getppid()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = Pid::from_raw(child.id() as i32);
        let (child_of_me, me_of_child) = (is_descendant_of(pid, me), is_descendant_of(me, pid));
        child.wait().unwrap();
        assert!(child_of_me && !me_of_child);
        assert!(!is_descendant_of(me, Pid::from_raw(1)));
    }
}
