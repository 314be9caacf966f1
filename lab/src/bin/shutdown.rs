//! lab-shutdown: SIGTERM and SIGINT turned into an orderly stop.
//!
//! The program copies messages (lines) from stdin to stdout, as a server passes on what
//! its clients send. The question: SIGTERM arrives while half a message has been copied.
//! With the default action, what is left on stdout? And with a program that asks the
//! kernel to *tell* it about SIGTERM (a signalfd in its `poll` loop) instead of dying?
//!
//! Usage: `lab-shutdown [--naive]` (`--naive` leaves SIGTERM and SIGINT at their default).

use std::io::Write;
use std::os::fd::AsFd;

use lab::{die, usage};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::SignalFd;
use nix::unistd::read;

fn main() {
    let naive = match lab::args().iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => false,
        ["--naive"] => true,
        _ => usage("lab-shutdown [--naive]"),
    };
    if naive {
        naive_copy();
    } else {
        orderly_copy();
    }
}

/// Copy stdin to stdout and nothing else: SIGTERM kills it wherever it is.
fn naive_copy() {
    let mut buffer = [0u8; 4096];
    let mut out = std::io::stdout();
    while let Ok(n) = read(std::io::stdin(), &mut buffer)
        && n > 0
    {
        let _ = out.write_all(&buffer[..n]).and_then(|()| out.flush());
    }
}

// EXERCISE: shutdown
// ANCHOR: orderly
/// Copy stdin to stdout, a message (line) at a time, until end of file or SIGTERM/SIGINT.
/// A stop request that comes between messages stops at once; one that comes in the middle
/// of a message lets that message finish, then stops, taking nothing more.
///
/// Why not a handler that sets a flag, checked before each read? A signal that lands
/// after the check and before the read leaves the program asleep in `read` with the flag
/// set: the lost wake-up of stage 03. Blocked and read from a signalfd that `poll` watches
/// beside stdin, the request cannot slip between the two.
fn orderly_copy() {
    let stop_signals: SigSet = [Signal::SIGTERM, Signal::SIGINT].into_iter().collect();
    stop_signals
        .thread_block()
        .unwrap_or_else(|e| die("block", e));
    let signals = SignalFd::new(&stop_signals).unwrap_or_else(|e| die("signalfd", e));
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    let mut messages = 0;
    let mut in_message = false; // bytes of a message copied, its newline not yet
    let mut stop: Option<Signal> = None;
    'copy: loop {
        let mut fds = [
            PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
            PollFd::new(signals.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Err(Errno::EINTR) => continue,
            Err(error) => die("poll", error),
            Ok(_) => {}
        }
        let readable = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
        if readable(&fds[1])
            && let Ok(Some(info)) = signals.read_signal()
        {
            let signal = Signal::try_from(info.ssi_signo as i32).unwrap_or(Signal::SIGTERM);
            stop = Some(signal);
            if !in_message {
                break 'copy;
            }
            eprintln!(
                "lab-shutdown: {signal} from PID {}: finishing the message in flight",
                info.ssi_pid
            );
        }
        if readable(&fds[0]) {
            let mut buffer = [0u8; 4096];
            let n = read(&stdin, &mut buffer).unwrap_or_else(|e| die("read", e));
            if n == 0 {
                break 'copy;
            }
            // Copy up to the end of a message; once stopping, not a byte after it.
            let mut rest = &buffer[..n];
            while !rest.is_empty() {
                let end = rest.iter().position(|&b| b == b'\n');
                let (part, after) = rest.split_at(end.map_or(rest.len(), |at| at + 1));
                let _ = out.write_all(part).and_then(|()| out.flush());
                in_message = end.is_none();
                if end.is_some() {
                    messages += 1;
                    if stop.is_some() {
                        break 'copy;
                    }
                }
                rest = after;
            }
        }
    }
    let why = stop.map_or("end of input".to_owned(), |s| s.to_string());
    eprintln!("lab-shutdown: stopped by {why} after {messages} whole message(s)");
}
// ANCHOR_END: orderly
// END EXERCISE
