//! Stage 00: small programs that make the book's claims about processes and signals
//! executable. Each binary proves one thing; `tests/` asserts what the kernel guarantees.

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

// EXERCISE: describe
// ANCHOR: describe
/// How a child ended, in the words a shell would use.
pub fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(pid, code) => format!("child {pid} exited with code {code}"),
        WaitStatus::Signaled(pid, signal, core) => format!(
            "child {pid} was killed by signal {} ({signal}){}",
            signal as i32,
            if core { ", core dumped" } else { "" }
        ),
        other => format!("child changed state: {other:?}"),
    }
}
// ANCHOR_END: describe
// END EXERCISE

/// Parse a signal name as `kill -l` spells it, with or without `SIG`: `USR1`, `SIGUSR2`.
pub fn parse_signal(name: &str) -> Option<Signal> {
    let upper = name.to_ascii_uppercase();
    let full = if upper.starts_with("SIG") {
        upper
    } else {
        format!("SIG{upper}")
    };
    full.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::Pid;

    #[test]
    fn describes_exits_and_deaths() {
        let pid = Pid::from_raw(42);
        assert_eq!(
            describe(WaitStatus::Exited(pid, 3)),
            "child 42 exited with code 3"
        );
        assert_eq!(
            describe(WaitStatus::Signaled(pid, Signal::SIGUSR1, false)),
            "child 42 was killed by signal 10 (SIGUSR1)"
        );
    }

    #[test]
    fn parses_signal_names_like_kill_does() {
        assert_eq!(parse_signal("USR1"), Some(Signal::SIGUSR1));
        assert_eq!(parse_signal("sigusr2"), Some(Signal::SIGUSR2));
        assert_eq!(parse_signal("NOPE"), None);
    }
}
