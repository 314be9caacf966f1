//! lab-shutdown: with the default action, SIGTERM kills the program wherever it is, half a
//! message included; the orderly version finishes the message in flight and takes nothing
//! after it, or stops at once between messages.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Instant;

use minitalk_kit::{DEADLINE, Process, procfs};
use nix::sys::signal::Signal;

/// Start `lab-shutdown ARGS` and wait until it sleeps, waiting for input; fails with what
/// it said if it exits instead.
fn start(args: &[&str]) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab-shutdown"));
    command.args(args);
    let program = Process::spawn(command);
    let waiting = procfs::poll(DEADLINE, "lab-shutdown to wait for input", || {
        if program.try_status().is_some() {
            return Some(false);
        }
        let asleep =
            procfs::syscall(program.pid()).is_some() && procfs::state(program.pid()) == Some('S');
        asleep.then_some(true)
    });
    if !waiting {
        let status = program.wait_with_output(DEADLINE);
        panic!(
            "lab-shutdown {args:?} ended ({status}) before reading anything: {}",
            program.stderr.text()
        );
    }
    program
}

/// Write `bytes`, then wait until stdout holds `expected` in all.
fn copy(program: &mut Process, bytes: &[u8], expected: &str) {
    program.write_stdin(bytes);
    program
        .stdout
        .wait_until(Instant::now() + DEADLINE, |out, _| {
            (out == expected.as_bytes()).then_some(())
        })
        .unwrap_or_else(|out| {
            // If it is ending, let it end, so that its last words are collected.
            let _ = program.wait_timeout(std::time::Duration::from_secs(2));
            program.drain();
            panic!(
                "stdout should be {expected:?}, is {:?}\nstderr: {}",
                String::from_utf8_lossy(&out),
                program.stderr.text()
            )
        });
}

#[test]
fn with_the_default_action_sigterm_leaves_half_a_message() {
    let mut program = start(&["--naive"]);
    copy(&mut program, b"one\n", "one\n");
    copy(&mut program, b"two, first half", "one\ntwo, first half");
    program.signal(Signal::SIGTERM);
    let status = program.wait_with_output(DEADLINE);
    assert_eq!(status.signal(), Some(Signal::SIGTERM as i32), "{status}");
    assert_eq!(program.stdout.text(), "one\ntwo, first half");
}

#[test]
fn sigterm_in_the_middle_of_a_message_lets_it_finish_then_stops() {
    let mut program = start(&[]);
    copy(&mut program, b"one\n", "one\n");
    copy(&mut program, b"two, first half", "one\ntwo, first half");
    program.signal(Signal::SIGTERM);
    program
        .stderr
        .wait_for_text("finishing the message in flight", Instant::now() + DEADLINE)
        .unwrap_or_else(|e| panic!("no word of the stop on stderr: {e:?}"));
    program.write_stdin(b" and second half\nthree\n");
    let status = program.wait_with_output(DEADLINE);
    assert!(status.success(), "{status}: {}", program.stderr.text());
    assert_eq!(
        program.stdout.text(),
        "one\ntwo, first half and second half\n"
    );
    let me = std::process::id();
    assert_eq!(
        program.stderr.text(),
        format!(
            "lab-shutdown: SIGTERM from PID {me}: finishing the message in flight\n\
             lab-shutdown: stopped by SIGTERM after 2 whole message(s)\n"
        )
    );
}

#[test]
fn sigint_between_messages_stops_at_once() {
    let mut program = start(&[]);
    copy(&mut program, b"one\n", "one\n");
    // Back in poll, waiting for more: between messages.
    procfs::wait_for_state(program.pid(), 'S', DEADLINE);
    program.signal(Signal::SIGINT);
    let status = program.wait_with_output(DEADLINE);
    assert!(status.success(), "{status}: {}", program.stderr.text());
    assert_eq!(program.stdout.text(), "one\n");
    assert_eq!(
        program.stderr.text(),
        "lab-shutdown: stopped by SIGINT after 1 whole message(s)\n"
    );
}
