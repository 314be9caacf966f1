//! lab-handler-flags: two flags of `sigaction(2)` that change what happens to a signal
//! that comes while, or after, its handler runs.
//!
//! The questions:
//! - `resethand`: the handler is installed with `SA_RESETHAND`, and the program raises
//!   SIGUSR1 twice. What happens the second time?
//! - `defer` and `nodefer`: the handler raises SIGUSR1 once more from inside itself. Does
//!   that second run start inside the first (nested), or after it? And with `SA_NODEFER`?
//!
//! Usage: `lab-handler-flags resethand|defer|nodefer`

use std::sync::atomic::{AtomicI64, Ordering};

use lab::{Line, die, usage};
use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, raise, sigaction};

/// How many runs of the handler have started, and how many are running now.
static STARTED: AtomicI64 = AtomicI64::new(0);
static DEPTH: AtomicI64 = AtomicI64::new(0);
/// Whether the first run raises the signal again (1) or not (0).
static RAISE_INSIDE: AtomicI64 = AtomicI64::new(0);

// EXERCISE: handler-flags
// ANCHOR: handler
/// Say when a run starts and ends, and how deeply runs are nested. The first run raises
/// SIGUSR1 once more: `raise(3)`, like `write(2)`, is async-signal-safe.
extern "C" fn on_signal(_: c_int) {
    let saved = Errno::last_raw();
    let run = STARTED.fetch_add(1, Ordering::SeqCst) + 1;
    let depth = DEPTH.fetch_add(1, Ordering::SeqCst) + 1;
    Line::new()
        .text("  handler run ")
        .num(run)
        .text(" starts, depth ")
        .num(depth)
        .print();
    if run == 1 && RAISE_INSIDE.load(Ordering::SeqCst) == 1 {
        Line::new().text("  handler run 1 raises SIGUSR1").print();
        // SAFETY: raise is async-signal-safe; a failure has nowhere to be reported.
        unsafe { libc::raise(libc::SIGUSR1) };
    }
    Line::new()
        .text("  handler run ")
        .num(run)
        .text(" ends")
        .print();
    DEPTH.fetch_sub(1, Ordering::SeqCst);
    Errno::set_raw(saved);
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {
    let args = lab::args();
    let (flags, shown, raises) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        // ANCHOR: flags
        ["resethand"] => (SaFlags::SA_RESETHAND, "SA_RESETHAND", 2),
        ["defer"] => (SaFlags::empty(), "no flags", 1),
        ["nodefer"] => (SaFlags::SA_NODEFER, "SA_NODEFER", 1),
        // ANCHOR_END: flags
        _ => usage("lab-handler-flags resethand|defer|nodefer"),
    };
    if raises == 1 {
        RAISE_INSIDE.store(1, Ordering::SeqCst);
    }
    let action = SigAction::new(SigHandler::Handler(on_signal), flags, SigSet::empty());
    // SAFETY: the handler touches atomics and calls write(2) and raise(3) only.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.unwrap_or_else(|e| die("sigaction", e));
    println!("handler installed with {shown}");
    for n in 1..=raises {
        println!("main raises SIGUSR1 ({n})");
        // A signal a single-threaded process sends itself, unblocked, is delivered before
        // raise returns (POSIX): the handler's lines come before the next line of main.
        raise(Signal::SIGUSR1).unwrap_or_else(|e| die("raise", e));
    }
    println!(
        "main goes on: {} handler runs",
        STARTED.load(Ordering::SeqCst)
    );
}
