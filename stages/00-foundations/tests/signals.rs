//! Claims about signals: a blocked signal stays pending, and standard signals are not
//! queued: however many times one is sent while it is pending, it is delivered once.

use std::process::Command;
use std::time::Instant;

use minitalk_kit::sandbox::{CANARY, expect_usage_error};
use minitalk_kit::{DEADLINE, Process, Programs, procfs};
use nix::sys::signal::Signal;

const RECEIVER: &str = env!("CARGO_BIN_EXE_stage00-receiver");
const SENDER: &str = env!("CARGO_BIN_EXE_stage00-sender");

fn start_receiver(args: &[&str], ready: &str) -> Process {
    let mut command = Command::new(RECEIVER);
    command.args(args);
    let receiver = Process::spawn(command);
    receiver
        .stdout
        .wait_for_text(ready, Instant::now() + DEADLINE)
        .unwrap_or_else(|so_far| {
            // If it died, what it said on the way out may still be in the pipe.
            let drained = Instant::now() + std::time::Duration::from_secs(1);
            let _ = receiver
                .stderr
                .wait_until(drained, |_, closed| closed.then_some(()));
            panic!(
                "the receiver never said {ready:?}: {so_far:?}\nits stderr: {:?}",
                receiver.stderr.text()
            )
        });
    receiver
}

/// Wait for the receiver to exit, and fail with its stderr (a panic's message) unless it
/// exited 0.
fn expect_success(receiver: &Process) {
    let status = receiver.wait_with_output(DEADLINE);
    assert!(
        status.success(),
        "the receiver ended with {status}; its stderr: {:?}",
        receiver.stderr.text()
    );
}

fn send(receiver: &Process, signal: &str, count: u32) {
    let output = Command::new(SENDER)
        .args([&receiver.pid().to_string(), signal, &count.to_string()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

/// The count on the receiver's `SIGUSRn handled N times` line.
fn handled(receiver: &Process, signal: &str) -> u64 {
    let prefix = format!("{signal} handled ");
    let text = receiver
        .stdout
        .wait_for_text(&prefix, Instant::now() + DEADLINE)
        .unwrap();
    let line = text.lines().find(|l| l.starts_with(&prefix)).unwrap();
    line[prefix.len()..]
        .trim_end_matches(" times")
        .parse()
        .unwrap()
}

#[test]
fn a_thousand_signals_sent_while_blocked_are_delivered_once() {
    let mut receiver = start_receiver(&["--block"], "blocking");
    send(&receiver, "USR1", 1000);

    // Every kill() has returned: the signal is pending, once.
    let pending = procfs::pending(receiver.pid()).unwrap();
    assert!(pending.contains(Signal::SIGUSR1));
    assert!(!pending.contains(Signal::SIGUSR2));

    receiver.write_stdin(b"\n");
    expect_success(&receiver);
    let _ = receiver
        .stdout
        .wait_until(Instant::now() + DEADLINE, |_, c| c.then_some(()));
    assert!(receiver.stdout.text().contains("pending: SIGUSR1\n"));
    assert_eq!(handled(&receiver, "SIGUSR1"), 1, "1000 sends, 1 delivery");
    assert_eq!(handled(&receiver, "SIGUSR2"), 0);
}

#[test]
fn unblocked_signals_are_delivered_at_least_once_and_at_most_as_often_as_sent() {
    // How many of 1000 fast sends are handled depends on scheduling: only the bounds are
    // guaranteed. (A typical run on two cores handles far fewer than 1000.)
    let mut receiver = start_receiver(&[], "counting");
    send(&receiver, "USR2", 1000);
    receiver.close_stdin();
    expect_success(&receiver);
    let count = handled(&receiver, "SIGUSR2");
    assert!((1..=1000).contains(&count), "handled {count} times");
    assert_eq!(handled(&receiver, "SIGUSR1"), 0);
}

#[test]
fn the_sender_refuses_pids_that_kill_would_misread() {
    // The sender is a "client" here: the kit runs it in a PID namespace beside a canary.
    let programs = Programs::own(RECEIVER, SENDER);
    expect_usage_error(&programs, &["0", "USR1", "1"], "process group");
    expect_usage_error(&programs, &["-1", "USR1", "1"], "every process");
    expect_usage_error(&programs, &["abc", "USR1", "1"], "decimal digits");
    expect_usage_error(&programs, &[CANARY, "NOPE", "1"], "unknown signal");
    expect_usage_error(&programs, &[CANARY, "USR1"], "usage:");
}
