//! Signal names as `kill -l` prints them, real-time signals included (nix's `Signal`
//! knows only the standard ones).

use nix::libc::{self, c_int};
use nix::sys::signal::Signal;

/// `SIGUSR1`, `SIGRTMIN`, `SIGRTMIN+3`, or `signal 99`.
pub fn signal_name(number: c_int) -> String {
    let (min, max) = (libc::SIGRTMIN(), libc::SIGRTMAX());
    match number {
        n if n == min => "SIGRTMIN".to_owned(),
        n if n > min && n <= max => format!("SIGRTMIN+{}", n - min),
        n => Signal::try_from(n).map_or_else(|_| format!("signal {n}"), |s| s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_standard_and_real_time_signals() {
        assert_eq!(signal_name(10), "SIGUSR1");
        assert_eq!(signal_name(libc::SIGRTMIN()), "SIGRTMIN");
        assert_eq!(signal_name(libc::SIGRTMIN() + 2), "SIGRTMIN+2");
        assert_eq!(signal_name(0), "signal 0");
    }
}
