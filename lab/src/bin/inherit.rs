//! lab-inherit: what a child gets from `fork(2)`, and what a program keeps across
//! `execve(2)`.
//!
//! The question: this program catches SIGUSR2, ignores SIGHUP, blocks SIGUSR1 and sends
//! itself one, which stays pending. Then it forks a child, spawns one with Rust's
//! `std::process::Command`, and finally replaces itself with a new program (`execv`).
//! In each of them, which signals are still caught, ignored, blocked, pending?
//!
//! Usage: `lab-inherit` (it runs itself again as `lab-inherit --report WHERE` to look).

use std::ffi::CString;
use std::io::Write;
use std::process::Command;

use lab::{die, proc};
use nix::libc::{self, c_int};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, execv, fork, getpid};

extern "C" fn ignore_quietly(_: c_int) {}

fn main() {
    let args = lab::args();
    if let [flag, place] = &args[..]
        && flag == "--report"
    {
        report(place);
        return;
    }
    set_up();
    println!(
        "{:<18}  {:>7}   {:<26}  {:<9}  SIGHUP",
        "", "PID", "SIGUSR1", "SIGUSR2"
    );
    report("before fork");

    // ANCHOR: fork
    // SAFETY: this program has a single thread, so the child may run any code.
    match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        ForkResult::Child => {
            report("child after fork");
            // SAFETY: _exit ends the child without running the parent's atexit work.
            unsafe { libc::_exit(0) };
        }
        ForkResult::Parent { child } => {
            waitpid(child, None).unwrap_or_else(|e| die("waitpid", e));
        }
    }
    // ANCHOR_END: fork

    // ANCHOR: command
    // std's Command resets SIGPIPE (which every Rust program ignores) to its default in
    // the child; the mask and every other disposition pass to the new program as they are.
    let me = std::env::current_exe().unwrap_or_else(|e| die("current_exe", e));
    let status = Command::new(&me)
        .args(["--report", "child of Command"])
        .status()
        .unwrap_or_else(|e| die("spawn", e));
    assert!(status.success());
    // ANCHOR_END: command

    // ANCHOR: exec
    // The same process (same PID) becomes a new program: execv as C calls it, with no
    // clean-up of any kind.
    let program = CString::new(me.into_os_string().into_encoded_bytes()).expect("no NUL");
    let argv = [
        program.clone(),
        c"--report".to_owned(),
        c"after execv".to_owned(),
    ];
    let _ = std::io::stdout().flush();
    let error = execv(&program, &argv).unwrap_err();
    die("execv", error);
    // ANCHOR_END: exec
}

// EXERCISE: inherit
// ANCHOR: set_up
/// Catch SIGUSR2, ignore SIGHUP, block SIGUSR1 and make one pending.
fn set_up() {
    let catch = SigAction::new(
        SigHandler::Handler(ignore_quietly),
        SaFlags::empty(),
        SigSet::empty(),
    );
    let ignore = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    // SAFETY: the handler does nothing at all.
    unsafe {
        sigaction(Signal::SIGUSR2, &catch).unwrap_or_else(|e| die("sigaction", e));
        sigaction(Signal::SIGHUP, &ignore).unwrap_or_else(|e| die("sigaction", e));
    }
    SigSet::from(Signal::SIGUSR1)
        .thread_block()
        .unwrap_or_else(|e| die("block SIGUSR1", e));
    // Blocked, it cannot be delivered: it stays pending.
    kill(getpid(), Signal::SIGUSR1).unwrap_or_else(|e| die("kill", e));
}
// ANCHOR_END: set_up
// END EXERCISE

/// One row: how this process treats SIGUSR1, SIGUSR2 and SIGHUP, as `/proc/self/status`
/// tells (the kernel's own record, whoever set it up).
fn report(place: &str) {
    let cell = |signal: Signal| {
        let number = signal as c_int;
        let mut text = if proc::has(None, "SigCgt", number) {
            "caught".to_owned()
        } else if proc::has(None, "SigIgn", number) {
            "ignored".to_owned()
        } else {
            "default".to_owned()
        };
        if proc::has(None, "SigBlk", number) {
            text.push_str(", blocked");
        }
        if proc::has(None, "SigPnd", number) || proc::has(None, "ShdPnd", number) {
            text.push_str(", pending");
        }
        text
    };
    println!(
        "{place:<18}  {:>7}   {:<26}  {:<9}  {}",
        getpid(),
        cell(Signal::SIGUSR1),
        cell(Signal::SIGUSR2),
        cell(Signal::SIGHUP)
    );
}
