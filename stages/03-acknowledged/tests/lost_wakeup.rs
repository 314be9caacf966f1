//! The lost wake-up, made to happen on purpose, and the form that cannot lose it.
//!
//! `stage03-lost-wakeup` checks a flag, then holds the gap between the check and the
//! sleep open until it reads a line from stdin. The test sends SIGUSR1 into that gap.
//! Everything asserted here is guaranteed by the kernel, not by timing:
//!
//! - `kill` makes the signal pending before it returns, and a pending unblocked signal is
//!   handled before the process runs one more instruction of its own code. So the handler
//!   has run before the program gets past the gap, and so before `pause()`.
//! - `pause()` returns only when a handler runs *after* it started sleeping. So it needs
//!   a second signal: when it finally returns, the handler has run at least twice.
//! - With SIGUSR1 blocked, the signal stays pending through the gap, and `sigsuspend`
//!   handles it and returns with no second signal: the handler has run exactly once.

use std::process::Command;
use std::time::{Duration, Instant};

use minitalk_kit::{DEADLINE, Process, Programs};
use nix::sys::signal::Signal;

fn demo(mode: &str) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stage03-lost-wakeup"));
    command.arg(mode);
    let process = Process::spawn(command);
    process
        .stdout
        .wait_for_text("going to sleep", Instant::now() + DEADLINE)
        .expect("the demo checks its flag and says so");
    process
}

fn handled_count(output: &str) -> usize {
    let words: Vec<&str> = output.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "after")
        .expect("'… returned after N signal(s)'");
    words[at + 1].parse().expect("a count")
}

#[test]
fn check_then_pause_misses_a_signal_that_lands_between_the_two() {
    if Programs::skip_when_yours_are_named("the lost wake-up demonstration") {
        return;
    }
    let mut demo = demo("pause");
    demo.signal(Signal::SIGUSR1); // into the gap: after the check, before pause()
    demo.write_stdin(b"\n"); // close the gap: pause() comes next

    // pause() is now asleep (or about to be) although the signal it waits for has been
    // handled. Nothing more would ever come in a real program; here the test sends more
    // signals until one wakes it, checking for the report between them.
    let deadline = Instant::now() + DEADLINE;
    let output = loop {
        demo.signal(Signal::SIGUSR1);
        let retry = (Instant::now() + Duration::from_millis(100)).min(deadline);
        if let Ok(text) = demo.stdout.wait_for_text("returned after", retry) {
            break text;
        }
        assert!(Instant::now() < deadline, "pause() never returned");
    };
    let handled = handled_count(&output);
    assert!(
        handled >= 2,
        "the first signal was handled before pause() started, so pause() cannot have \
         returned for it: {output:?}"
    );
    assert!(demo.wait(DEADLINE).success());
}

#[test]
fn blocking_then_sigsuspend_keeps_the_signal_for_the_sleep() {
    if Programs::skip_when_yours_are_named("the lost wake-up demonstration") {
        return;
    }
    let mut demo = demo("sigsuspend");
    demo.signal(Signal::SIGUSR1); // into the same gap, but the signal is blocked there
    demo.write_stdin(b"\n");
    let status = demo.wait_with_output(DEADLINE); // no second signal: it returns on its own
    assert!(status.success(), "{status}");
    let output = demo.stdout.text();
    assert_eq!(handled_count(&output), 1, "{output:?}");
}
