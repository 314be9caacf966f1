//! lab-thread-mask: why `signalfd(2)` (and `sigwaitinfo(2)`) need the signal blocked in
//! *every* thread.
//!
//! The question: the main thread blocks SIGUSR1 and reads it from a signalfd, as stage 06
//! does. A worker thread, started *before* the block (`late`) or after it (`early`), does
//! nothing at all. SIGUSR1 arrives: does the signalfd read it?
//!
//! Usage: `lab-thread-mask early|late`

use std::thread;

use lab::{die, proc, usage};
use nix::libc;
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::SignalFd;
use nix::unistd::{Pid, getpid};

fn main() {
    let early = match lab::args().iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["early"] => true,
        ["late"] => false,
        _ => usage("lab-thread-mask early|late"),
    };
    let usr1 = SigSet::from(Signal::SIGUSR1);
    let worker = block_and_start(&usr1, early);
    let blocks = |tid: Pid| {
        if proc::has(Some(tid), "SigBlk", libc::SIGUSR1) {
            "blocks SIGUSR1"
        } else {
            "does not block SIGUSR1"
        }
    };
    println!(
        "PID {}: main thread {}, worker thread (TID {worker}) {}",
        getpid(),
        blocks(getpid()),
        blocks(worker)
    );
    println!("reading SIGUSR1 from a signalfd");
    // ANCHOR: read
    let fd = SignalFd::new(&usr1).unwrap_or_else(|e| die("signalfd", e));
    match fd.read_signal() {
        Ok(Some(info)) => println!("signalfd read SIGUSR1 from PID {}", info.ssi_pid),
        Ok(None) => println!("signalfd read nothing"),
        Err(error) => die("read the signalfd", error),
    }
    // ANCHOR_END: read
}

// EXERCISE: thread-mask
// ANCHOR: order
/// Block `signals` in this thread and start the worker: the block first if `early`, the
/// worker first otherwise. A thread starts with a copy of its creator's mask, and keeps
/// it: blocking later, in main, changes main's mask only. Returns the worker's TID.
fn block_and_start(signals: &SigSet, early: bool) -> Pid {
    if early {
        signals.thread_block().unwrap_or_else(|e| die("block", e));
        start_worker()
    } else {
        let worker = start_worker();
        signals.thread_block().unwrap_or_else(|e| die("block", e));
        worker
    }
}
// ANCHOR_END: order
// END EXERCISE

/// A thread that never does anything, and says its TID.
fn start_worker() -> Pid {
    let (tell, tid) = std::sync::mpsc::channel();
    thread::spawn(move || {
        // SAFETY: gettid has no preconditions.
        let _ = tell.send(Pid::from_raw(unsafe { libc::gettid() }));
        loop {
            thread::park();
        }
    });
    tid.recv().unwrap_or_else(|e| die("start the worker", e))
}
