//! lab-rt-queue: real-time signals queue, standard signals do not.
//!
//! The question: this program blocks SIGRTMIN and SIGUSR1, sends each to itself 1000
//! times with `sigqueue(3)` (each time with a value: 1, 2, 3, …), then takes whatever is
//! pending. How many of each arrive, and with which values? And what stops a program
//! from queueing signals without end?
//!
//! Usage: `lab-rt-queue [COUNT]` (COUNT sends of each, 1000 by default).

use std::mem::MaybeUninit;
use std::ptr;

use lab::{die, proc, signal_name, usage};
use nix::errno::Errno;
use nix::libc::{self, c_int};
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::unistd::getpid;

fn main() {
    let count: usize = match lab::args().as_slice() {
        [] => 1000,
        [n] => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| usage("lab-rt-queue [COUNT]")),
        _ => usage("lab-rt-queue [COUNT]"),
    };
    let rtmin = libc::SIGRTMIN();
    // Blocked, a signal cannot be delivered: whatever is sent stays pending until this
    // program takes it. Nothing is lost to timing, so what arrives is what the kernel kept.
    block(&[rtmin, libc::SIGUSR1]);
    println!(
        "blocked SIGRTMIN ({rtmin}) and SIGUSR1 ({}); sending each to myself {count} times with sigqueue",
        libc::SIGUSR1
    );
    for signal in [rtmin, libc::SIGUSR1] {
        let sent = send(signal, count);
        let values = take_all(signal);
        report(signal, sent, &values);
    }
    queue_limit(rtmin);
}

/// Block `signals` for this (single-threaded) process.
fn block(signals: &[c_int]) {
    let set = set_of(signals);
    // SAFETY: `set` is an initialised sigset_t; the old mask is not wanted.
    if unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, ptr::null_mut()) } != 0 {
        die("sigprocmask", Errno::last());
    }
}

fn set_of(signals: &[c_int]) -> libc::sigset_t {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initialises the set before sigaddset touches it.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        for &signal in signals {
            libc::sigaddset(set.as_mut_ptr(), signal);
        }
        set.assume_init()
    }
}

// EXERCISE: rt-queue
// ANCHOR: send
/// Send `signal` to this process `count` times, with the values 1 to `count`. Returns how
/// many sends the kernel accepted: it refuses a real-time signal with EAGAIN when this
/// user's queue is full (RLIMIT_SIGPENDING).
fn send(signal: c_int, count: usize) -> usize {
    for value in 1..=count {
        // sigqueue is kill with a value: the value travels in the siginfo_t (si_value).
        let sigval = libc::sigval {
            sival_ptr: value as *mut libc::c_void,
        };
        // SAFETY: a plain system call on our own PID.
        if unsafe { libc::sigqueue(getpid().as_raw(), signal, sigval) } != 0 {
            let error = Errno::last();
            println!(
                "{}: sigqueue number {value} failed: {error}",
                signal_name(signal)
            );
            return value - 1;
        }
    }
    count
}

/// Take every pending instance of `signal`, without waiting, and return their values in
/// the order they came.
fn take_all(signal: c_int) -> Vec<usize> {
    let set = set_of(&[signal]);
    let no_wait = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut values = Vec::new();
    loop {
        let mut info = MaybeUninit::<libc::siginfo_t>::uninit();
        // SAFETY: the kernel fills `info` when a signal is returned.
        let taken = unsafe { libc::sigtimedwait(&set, info.as_mut_ptr(), &no_wait) };
        if taken != signal {
            // EAGAIN: nothing (more) is pending.
            return values;
        }
        // SAFETY: sigtimedwait returned a signal, so `info` is filled in.
        let value = unsafe { info.assume_init().si_value().sival_ptr } as usize;
        values.push(value);
    }
}
// ANCHOR_END: send
// END EXERCISE

fn report(signal: c_int, sent: usize, values: &[usize]) {
    let in_order = values.iter().copied().eq(1..=values.len());
    let described = match values {
        [] => String::new(),
        [one] => format!(" (value {one})"),
        _ if in_order => format!(", values 1 to {} in order", values.len()),
        _ => format!(", values {values:?}"),
    };
    println!(
        "{}: {sent} sent, {} received{described}",
        signal_name(signal),
        values.len()
    );
}

// ANCHOR: limit
/// Lower RLIMIT_SIGPENDING and queue until the kernel refuses. The limit counts the
/// signals queued for this user (every process of it, not just this one), and `SigQ` in
/// `/proc/self/status` shows both numbers: queued/limit.
fn queue_limit(signal: c_int) {
    let sigq = proc::status_field(None, "SigQ").unwrap_or_default();
    let queued: u64 = sigq
        .split('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let (_, hard) = getrlimit(Resource::RLIMIT_SIGPENDING).unwrap_or_else(|e| die("getrlimit", e));
    let limit = (queued + 10).min(hard);
    setrlimit(Resource::RLIMIT_SIGPENDING, limit, hard).unwrap_or_else(|e| die("setrlimit", e));
    println!("SigQ was {sigq}; RLIMIT_SIGPENDING lowered to {limit}");
    // One more send than the limit: at the latest that one must fail.
    let accepted = send(signal, limit as usize + 1);
    let values = take_all(signal);
    report(signal, accepted, &values);
}
// ANCHOR_END: limit
