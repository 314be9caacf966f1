//! lab-eintr: what a handler does to the system call it interrupts.
//!
//! The question: this program sleeps in a system call (a `read(2)` from its stdin, an empty
//! pipe; or `poll(2)` on it; or `nanosleep(2)`) when SIGUSR1 arrives and its handler runs.
//! When the handler returns, does the call go on waiting, or fail with EINTR? Does it
//! depend on `SA_RESTART`? On the call?
//!
//! Usage: `lab-eintr read|poll|sleep [--restart]`

use std::mem::MaybeUninit;

use lab::{Line, die, usage};
use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::getpid;

const USAGE: &str = "lab-eintr read|poll|sleep [--restart]";

/// The handler only says that it ran: `write(2)` is async-signal-safe.
extern "C" fn on_signal(_: c_int) {
    // Saved and restored: write(2) may set errno, and the code this interrupted may have
    // just seen a call fail and not yet read errno.
    let saved = Errno::last_raw();
    Line::new().text("handler: SIGUSR1").print();
    Errno::set_raw(saved);
}

fn main() {
    let args = lab::args();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let (call, restart) = match words[..] {
        [call] => (call, false),
        [call, "--restart"] => (call, true),
        _ => usage(USAGE),
    };
    if !matches!(call, "read" | "poll" | "sleep") {
        usage(USAGE);
    }
    // EXERCISE: eintr
    // ANCHOR: install
    let flags = if restart {
        SaFlags::SA_RESTART
    } else {
        SaFlags::empty()
    };
    let action = SigAction::new(SigHandler::Handler(on_signal), flags, SigSet::empty());
    // SAFETY: the handler calls write(2) only and restores errno.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.unwrap_or_else(|e| die("sigaction", e));
    // ANCHOR_END: install
    // END EXERCISE
    let with = if restart { "with" } else { "without" };
    let name = if call == "sleep" { "nanosleep" } else { call };
    println!(
        "PID {}: SIGUSR1 handler installed {with} SA_RESTART; now in {name}(2)",
        getpid()
    );
    match call {
        "read" => read_stdin(),
        "poll" => poll_stdin(),
        _ => sleep_ten_seconds(),
    }
}

// ANCHOR: calls
/// `read(2)` straight from the kernel: `std::io::Read` would hide nothing here, but
/// `read_exact`, `read_to_end` and `BufRead::lines` retry EINTR for you.
fn read_stdin() {
    let mut buffer = [0u8; 64];
    // SAFETY: the pointer and length describe `buffer`.
    let n = unsafe { libc::read(0, buffer.as_mut_ptr().cast(), buffer.len()) };
    match n {
        -1 => println!("read failed: {}", Errno::last()),
        n => println!(
            "read returned {n} bytes: {:?}",
            String::from_utf8_lossy(&buffer[..n as usize])
        ),
    }
}

/// `poll(2)` is on signal(7)'s list of calls that are never restarted, SA_RESTART or not.
fn poll_stdin() {
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd; -1 means no timeout.
    match unsafe { libc::poll(&mut fd, 1, -1) } {
        -1 => println!("poll failed: {}", Errno::last()),
        n => println!("poll returned {n}: stdin is readable"),
    }
}

/// `nanosleep(2)` is never restarted either: it fails with EINTR and says how much of the
/// time was left (`std::thread::sleep` sleeps again for it, so you never see this).
fn sleep_ten_seconds() {
    let asked = libc::timespec {
        tv_sec: 10,
        tv_nsec: 0,
    };
    let mut left = MaybeUninit::<libc::timespec>::zeroed();
    // SAFETY: both pointers point at timespecs.
    if unsafe { libc::nanosleep(&asked, left.as_mut_ptr()) } == -1 {
        // SAFETY: zeroed, then filled in by the kernel on EINTR.
        let left = unsafe { left.assume_init() };
        println!(
            "nanosleep failed: {}, {}.{:02} s of 10 s left",
            Errno::last(),
            left.tv_sec,
            left.tv_nsec / 10_000_000
        );
    } else {
        println!("nanosleep slept its 10 s");
    }
}
// ANCHOR_END: calls
