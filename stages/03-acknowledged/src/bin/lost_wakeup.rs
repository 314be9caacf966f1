//! stage03-lost-wakeup: the check-then-sleep race, made to happen on purpose.
//!
//! Usage: `stage03-lost-wakeup pause|sigsuspend`
//!
//! Both forms wait for one SIGUSR1 the way a client waits for an acknowledgement: a
//! handler counts the signal, the main code checks the count and sleeps if it is zero.
//! Between the check and the sleep the program reads one line from stdin. In a real
//! program that gap is a few instructions wide and a signal lands in it only now and
//! then; here it stays open until you press Enter, so you can send the signal into it
//! (`kill -USR1 PID`) and see what each form does with it:
//!
//! - `pause`: the handler runs in the gap, the count is checked already, and `pause()`
//!   sleeps waiting for a signal that has come and gone. Only a second signal wakes it.
//! - `sigsuspend`: SIGUSR1 is blocked during the check and the gap, so it stays pending;
//!   `sigsuspend` unblocks it and sleeps in one atomic step, and returns at once.

use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};

use minitalk_common::cli::{self, Help};
use nix::libc::c_int;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::{getpid, pause};

/// How many times the handler has run.
static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: c_int) {
    HANDLED.fetch_add(1, Ordering::SeqCst);
}

/// The gap between checking and sleeping, held open until a line arrives on stdin.
fn gap() {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
}

fn main() {
    let help = Help::new(
        "stage03-lost-wakeup",
        "pause|sigsuspend",
        "Waits for one SIGUSR1 with pause() (which loses the wake-up when the signal comes\n\
         between the check and the sleep) or sigsuspend() (which does not). Between the two\n\
         it reads a line from stdin: send SIGUSR1 then, and press Enter.",
    );
    let mode = match &cli::args(&help)[..] {
        [mode] if mode == "pause" || mode == "sigsuspend" => mode.to_string_lossy().into_owned(),
        _ => cli::usage_error(&help, "expected pause or sigsuspend"),
    };
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only increments an atomic.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.expect("install the handler");
    println!("PID {}: waiting for SIGUSR1 with {mode}", getpid());

    if mode == "pause" {
        // ANCHOR: racy
        if HANDLED.load(Ordering::SeqCst) == 0 {
            println!("no signal yet; going to sleep (press Enter)");
            gap(); // <- a signal handled here is never seen by the check above
            pause(); // sleeps until the *next* handled signal
        }
        // ANCHOR_END: racy
    } else {
        // ANCHOR: correct
        let usr1 = SigSet::from(Signal::SIGUSR1);
        usr1.thread_block().expect("block SIGUSR1"); // before the check
        if HANDLED.load(Ordering::SeqCst) == 0 {
            println!("no signal yet; going to sleep (press Enter)");
            gap(); // <- a signal sent here stays pending: blocked, not handled
            let _ = SigSet::empty().suspend(); // unblock and sleep, atomically
        }
        // ANCHOR_END: correct
    }
    let handled = HANDLED.load(Ordering::SeqCst);
    println!("{mode} returned after {handled} signal(s)");
}
