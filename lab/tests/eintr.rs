//! lab-eintr: a handler that runs while the program sleeps in `read(2)` makes the read fail
//! with EINTR, unless the handler was installed with SA_RESTART; `poll(2)` and
//! `nanosleep(2)` fail with EINTR even with SA_RESTART (signal(7)).

use std::process::Command;
use std::time::Instant;

use minitalk_kit::{DEADLINE, Process, procfs};
use nix::libc;
use nix::sys::signal::Signal;

/// Start `lab-eintr ARGS` and wait until it sleeps in one of `calls`.
fn start_in(args: &[&str], calls: &[i64]) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab-eintr"));
    command.args(args);
    let program = Process::spawn(command);
    program
        .stdout
        .wait_for_text("now in", Instant::now() + DEADLINE)
        .unwrap_or_else(|so_far| {
            // If it is ending, let it end, so that its last words are collected.
            let _ = program.wait_timeout(std::time::Duration::from_secs(2));
            program.drain();
            panic!(
                "lab-eintr {args:?} never said it was about to block: {so_far:?}\nstderr: {}",
                program.stderr.text()
            )
        });
    // The line is printed just before the call: wait until the kernel shows it sleeping
    // there, so the signal cannot land before the call starts.
    procfs::poll(DEADLINE, "lab-eintr to sleep in its system call", || {
        let (number, _) = procfs::syscall(program.pid())?;
        (calls.contains(&number) && procfs::state(program.pid())? == 'S').then_some(())
    });
    program
}

fn expect_line(program: &Process, needle: &str) -> String {
    program
        .stdout
        .wait_for_text(needle, Instant::now() + DEADLINE)
        .unwrap_or_else(|so_far| {
            // If it is ending, let it end, so that its last words are collected.
            let _ = program.wait_timeout(std::time::Duration::from_secs(2));
            program.drain();
            panic!(
                "expected {needle:?} from lab-eintr, got {so_far:?}\nstderr: {}",
                program.stderr.text()
            )
        })
}

fn poll_calls() -> Vec<i64> {
    #[allow(unused_mut)]
    let mut calls = vec![libc::SYS_ppoll];
    #[cfg(target_arch = "x86_64")]
    calls.push(libc::SYS_poll);
    calls
}

#[test]
fn without_sa_restart_the_interrupted_read_fails_with_eintr() {
    let program = start_in(&["read"], &[libc::SYS_read]);
    program.signal(Signal::SIGUSR1);
    let text = expect_line(&program, "read failed");
    assert!(
        text.contains("handler: SIGUSR1\nread failed: EINTR"),
        "{text}"
    );
    assert!(program.wait(DEADLINE).success());
}

#[test]
fn with_sa_restart_the_read_goes_on_and_returns_the_data() {
    let mut program = start_in(&["read", "--restart"], &[libc::SYS_read]);
    program.signal(Signal::SIGUSR1);
    expect_line(&program, "handler: SIGUSR1");
    // Restarted: the program is back in read(2), and has printed no result.
    procfs::poll(DEADLINE, "lab-eintr to be back in read(2)", || {
        let (number, _) = procfs::syscall(program.pid())?;
        (number == libc::SYS_read).then_some(())
    });
    program.write_stdin(b"hello\n");
    let text = expect_line(&program, "read returned");
    assert!(
        text.contains("handler: SIGUSR1\nread returned 6 bytes: \"hello\\n\""),
        "{text}"
    );
    assert!(!text.contains("EINTR"), "{text}");
}

#[test]
fn poll_fails_with_eintr_even_with_sa_restart() {
    let program = start_in(&["poll", "--restart"], &poll_calls());
    program.signal(Signal::SIGUSR1);
    let text = expect_line(&program, "poll failed");
    assert!(
        text.contains("handler: SIGUSR1\npoll failed: EINTR"),
        "{text}"
    );
}

#[test]
fn nanosleep_fails_with_eintr_even_with_sa_restart_and_says_what_was_left() {
    let calls = [libc::SYS_nanosleep, libc::SYS_clock_nanosleep];
    let program = start_in(&["sleep", "--restart"], &calls);
    program.signal(Signal::SIGUSR1);
    let text = expect_line(&program, "of 10 s left");
    assert!(
        text.contains("handler: SIGUSR1\nnanosleep failed: EINTR"),
        "{text}"
    );
}
