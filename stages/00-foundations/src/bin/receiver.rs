//! stage00-receiver: count how many times SIGUSR1 and SIGUSR2 are *handled*, in the spirit
//! of `sig_receiver` from The Linux Programming Interface.
//!
//! Usage: `stage00-receiver` counts until stdin closes, then prints the counts.
//! `stage00-receiver --block` blocks both signals until a line (or end of file) arrives on
//! stdin, shows which are pending, unblocks them, and prints the counts.
//! Exit codes: 0 done, 2 usage error.

use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering};

use minitalk_common::ExitCode;
use minitalk_common::cli::{self, Help};
use nix::libc::{self, c_int};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::getpid;

// EXERCISE: handler
// ANCHOR: handler
static USR1_HANDLED: AtomicU64 = AtomicU64::new(0);
static USR2_HANDLED: AtomicU64 = AtomicU64::new(0);

/// Count one delivery. An atomic increment is async-signal-safe: no lock, no allocation.
extern "C" fn count(signal: c_int) {
    let counter = if signal == Signal::SIGUSR1 as c_int {
        &USR1_HANDLED
    } else {
        &USR2_HANDLED
    };
    counter.fetch_add(1, Ordering::Relaxed);
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {
    let help = Help::new(
        "stage00-receiver",
        "[--block]",
        "Counts how many times SIGUSR1 and SIGUSR2 are handled, until stdin ends. With\n\
         --block, blocks both until a line arrives on stdin, shows which are pending,\n\
         then unblocks them.",
    )
    .exit_codes(&[ExitCode::Ok, ExitCode::Usage]);
    let block = match &cli::args(&help)[..] {
        [] => false,
        [flag] if flag == "--block" => true,
        [other] => cli::usage_error(&help, format!("unknown option {other:?}")),
        _ => cli::usage_error(&help, "expected nothing, or --block"),
    };
    let usr_signals: SigSet = [Signal::SIGUSR1, Signal::SIGUSR2].into_iter().collect();
    let action = SigAction::new(
        SigHandler::Handler(count),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
        // SAFETY: `count` only increments an atomic.
        unsafe { sigaction(signal, &action) }.expect("install the counting handler");
    }
    println!("receiver: pid={}", getpid());

    let stdin = std::io::stdin();
    if block {
        // EXERCISE: block
        // ANCHOR: block
        usr_signals
            .thread_block()
            .expect("block SIGUSR1 and SIGUSR2");
        println!("blocking SIGUSR1 and SIGUSR2 until a line arrives on stdin");
        let _ = stdin.lock().read_line(&mut String::new());
        println!("pending: {}", names(&pending()));
        // Unblocking delivers each pending signal once, before thread_unblock returns.
        usr_signals
            .thread_unblock()
            .expect("unblock SIGUSR1 and SIGUSR2");
        // ANCHOR_END: block
        // END EXERCISE
    } else {
        println!("counting SIGUSR1 and SIGUSR2 until stdin closes");
        // Handlers run while we wait here; SA_RESTART resumes the interrupted read.
        for _ in stdin.lock().lines() {}
    }
    println!(
        "SIGUSR1 handled {} times",
        USR1_HANDLED.load(Ordering::Relaxed)
    );
    println!(
        "SIGUSR2 handled {} times",
        USR2_HANDLED.load(Ordering::Relaxed)
    );
}

/// The signals pending for this process and thread, from `sigpending(2)`.
fn pending() -> SigSet {
    let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigpending fills the set it is given; we check its return value.
    let set = unsafe {
        assert_eq!(libc::sigpending(set.as_mut_ptr()), 0, "sigpending failed");
        set.assume_init()
    };
    // SAFETY: the kernel filled in a valid sigset_t.
    unsafe { SigSet::from_sigset_t_unchecked(set) }
}

fn names(set: &SigSet) -> String {
    let names: Vec<String> = set.iter().map(|signal| signal.to_string()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(" ")
    }
}
