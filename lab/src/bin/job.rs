//! lab-job: a job of an interactive shell, stopped and continued by job control.
//!
//! Run it from a shell, in a terminal:
//! - `lab-job read` reads a line from the terminal. The questions: you press Ctrl-Z; what
//!   does it receive, and what becomes of it? You type `bg`: it runs again, in the
//!   background, and goes on reading the terminal; what happens? You type `fg`?
//! - `stty tostop; lab-job write &` writes to the terminal from the background. What
//!   happens, and after `fg`?
//!
//! It catches the stop signals only to say that they came, then stops itself exactly as
//! their default action would (the way `vi` or `less` restore the terminal first).
//!
//! Usage: `lab-job read|write`

use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

use lab::{Line, die, usage};

/// The four job-control signals this program reports, with their names for the handler
/// (which may not allocate to make one).
const REPORTED: [(c_int, &str); 4] = [
    (libc::SIGTSTP, "SIGTSTP"),
    (libc::SIGTTIN, "SIGTTIN"),
    (libc::SIGTTOU, "SIGTTOU"),
    (libc::SIGCONT, "SIGCONT"),
];

fn name(signal: c_int) -> &'static str {
    REPORTED
        .iter()
        .find(|(n, _)| *n == signal)
        .map_or("?", |(_, name)| name)
}

/// Who holds the terminal: its foreground process group, and ours. `tcgetpgrp` and
/// `getpgrp` are async-signal-safe.
fn groups(line: Line) -> Line {
    // SAFETY: plain system calls on stdin, the terminal.
    let (foreground, mine) = unsafe { (libc::tcgetpgrp(0), libc::getpgrp()) };
    line.text("the terminal's foreground group is ")
        .num(foreground.into())
        .text(", mine is ")
        .num(mine.into())
}

// EXERCISE: job
// ANCHOR: stop
/// A stop signal (SIGTSTP from Ctrl-Z, SIGTTIN or SIGTTOU from touching the terminal in
/// the background): say so, then stop as the default action would. Blocked while its
/// handler runs, the signal is unblocked and raised again with the default action; the
/// process stops inside `raise`, and `raise` returns once it is continued. Then the
/// handler is put back for next time. Every call here is async-signal-safe.
extern "C" fn on_stop(signal: c_int) {
    let saved = Errno::last_raw();
    Line::new()
        .text("lab-job: ")
        .text(name(signal))
        .text(": stopping")
        .print();
    // SAFETY: sigaction, sigprocmask and raise are async-signal-safe; the sets are
    // initialised before use.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut ours: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, &default, &mut ours);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
        // Continued: SIGCONT's handler has run. Catch this signal again.
        libc::sigaction(signal, &ours, std::ptr::null_mut());
    }
    Errno::set_raw(saved);
}

/// SIGCONT, sent by `bg` or `fg`: say where the process now stands.
extern "C" fn on_continue(_: c_int) {
    let saved = Errno::last_raw();
    groups(Line::new().text("lab-job: SIGCONT: ")).print();
    Errno::set_raw(saved);
}
// ANCHOR_END: stop
// END EXERCISE

fn main() {
    let write = match lab::args().iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["read"] => false,
        ["write"] => true,
        _ => usage("lab-job read|write"),
    };
    for (signal, _) in REPORTED {
        let handler = if signal == libc::SIGCONT {
            on_continue
        } else {
            on_stop
        };
        // SA_RESTART: the read or write that a stop interrupted goes on after SIGCONT.
        let action = SigAction::new(
            SigHandler::Handler(handler),
            SaFlags::SA_RESTART,
            SigSet::empty(),
        );
        let signal = Signal::try_from(signal).expect("a standard signal");
        // SAFETY: the handlers call only async-signal-safe functions and restore errno.
        unsafe { sigaction(signal, &action) }.unwrap_or_else(|e| die("sigaction", e));
    }
    // The first line is written to the terminal: from the background with `stty tostop`,
    // that write is what raises SIGTTOU.
    // ANCHOR: main
    groups(
        Line::new()
            .text("lab-job: PID ")
            .num(std::process::id().into())
            .text(": "),
    )
    .print();
    if write {
        Line::new().text("lab-job: both lines written").print();
        return;
    }
    Line::new()
        .text("lab-job: reading a line from the terminal")
        .print();
    let mut buffer = [0u8; 256];
    // SAFETY: the pointer and length describe `buffer`.
    let n = unsafe { libc::read(0, buffer.as_mut_ptr().cast(), buffer.len()) };
    if n < 0 {
        die("read", Errno::last());
    }
    let line = String::from_utf8_lossy(&buffer[..n as usize]);
    println!("lab-job: read {:?}", line.trim_end());
    // ANCHOR_END: main
}
