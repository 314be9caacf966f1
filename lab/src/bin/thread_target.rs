//! lab-thread-target: which thread of a process takes a signal.
//!
//! The question: the main thread blocks SIGUSR1, then starts thread A (which keeps it
//! blocked) and thread B (which unblocks it). A signal sent to the *process* with
//! `kill(2)`: which thread runs the handler? One sent to thread A with `pthread_kill(3)`
//! (a `tgkill(2)` underneath), while A blocks it: does B take it instead?
//!
//! Usage: `lab-thread-target`

use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use lab::{Line, die, proc};
use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::sys::pthread::pthread_kill;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::unistd::{Pid, getpid};
use std::os::unix::thread::JoinHandleExt;

static A_TID: AtomicI32 = AtomicI32::new(0);
static B_TID: AtomicI32 = AtomicI32::new(0);
/// How many times the handler has run, in any thread.
static HANDLED: AtomicU32 = AtomicU32::new(0);

/// Say which thread runs the handler: `gettid(2)` is a plain system call.
extern "C" fn on_signal(_: c_int) {
    let saved = Errno::last_raw();
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    let name = if tid == A_TID.load(Ordering::SeqCst) {
        "A"
    } else if tid == B_TID.load(Ordering::SeqCst) {
        "B"
    } else {
        "main"
    };
    Line::new()
        .text("  SIGUSR1 handled in thread ")
        .text(name)
        .text(" (TID ")
        .num(tid.into())
        .text(")")
        .print();
    HANDLED.fetch_add(1, Ordering::SeqCst);
    Errno::set_raw(saved);
}

fn main() {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler calls gettid(2) and write(2) and touches atomics.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.unwrap_or_else(|e| die("sigaction", e));
    // ANCHOR: threads
    let usr1 = SigSet::from(Signal::SIGUSR1);
    // A new thread starts with a copy of its creator's mask: block first, then start them.
    usr1.thread_block().unwrap_or_else(|e| die("block", e));

    let (unblock_a, a_waits) = mpsc::channel::<()>();
    let a = thread::spawn(move || {
        // SAFETY: gettid has no preconditions.
        A_TID.store(unsafe { libc::gettid() }, Ordering::SeqCst);
        let _ = a_waits.recv();
        println!("thread A unblocks SIGUSR1");
        // What is pending for A is delivered to A as soon as the call returns.
        usr1.thread_unblock().unwrap_or_else(|e| die("unblock", e));
    });
    let (_stop_b, b_waits) = mpsc::channel::<()>();
    let b = thread::spawn(move || {
        usr1.thread_unblock().unwrap_or_else(|e| die("unblock", e));
        // SAFETY: gettid has no preconditions.
        B_TID.store(unsafe { libc::gettid() }, Ordering::SeqCst);
        let _ = b_waits.recv();
    });
    // ANCHOR_END: threads
    wait_for("the threads to start", || {
        A_TID.load(Ordering::SeqCst) != 0 && B_TID.load(Ordering::SeqCst) != 0
    });
    let (a_tid, b_tid) = (A_TID.load(Ordering::SeqCst), B_TID.load(Ordering::SeqCst));
    println!(
        "main blocks SIGUSR1; thread A (TID {a_tid}) keeps it blocked, thread B (TID {b_tid}) unblocks it"
    );

    // EXERCISE: thread-target
    // ANCHOR: send
    println!("kill({}, SIGUSR1): to the process", getpid());
    kill(getpid(), Signal::SIGUSR1).unwrap_or_else(|e| die("kill", e));
    wait_for("the handler", || HANDLED.load(Ordering::SeqCst) == 1);

    println!("pthread_kill(A, SIGUSR1): to thread A, which blocks it");
    pthread_kill(a.as_pthread_t(), Signal::SIGUSR1).unwrap_or_else(|e| die("pthread_kill", e));
    // pthread_kill returns once the signal is pending for thread A: it is there now.
    let for_a = proc::has(Some(Pid::from_raw(a_tid)), "SigPnd", libc::SIGUSR1);
    let for_process = proc::has(None, "ShdPnd", libc::SIGUSR1);
    println!(
        "  pending for thread A: {}; for the whole process: {}",
        yes_no(for_a),
        yes_no(for_process)
    );

    println!("pthread_kill(B, SIGUSR1): to thread B");
    pthread_kill(b.as_pthread_t(), Signal::SIGUSR1).unwrap_or_else(|e| die("pthread_kill", e));
    wait_for("the handler", || HANDLED.load(Ordering::SeqCst) == 2);
    // ANCHOR_END: send
    // END EXERCISE

    let _ = unblock_a.send(());
    a.join().expect("thread A");
    println!("{} handler runs", HANDLED.load(Ordering::SeqCst));
}

fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// Wait until `done` holds, checking every millisecond, for at most 10 s.
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        if Instant::now() > deadline {
            die("timed out waiting for", what);
        }
        thread::sleep(Duration::from_millis(1));
    }
}
