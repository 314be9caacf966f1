//! Signals merge only while one is pending. A receiver that runs before the sender can send
//! again never has one pending, so it handles every signal sent: 1000 sends, 1000
//! deliveries. The kernel's scheduler arranges that here: both on one CPU, the receiver
//! real-time (see the kit's `preempt`), so each `kill` hands the CPU to the receiver,
//! which runs its handler and sleeps again before the sender goes on.

use std::process::Command;
use std::time::Instant;

use minitalk_kit::{DEADLINE, Process, preempt};

const RECEIVER: &str = env!("CARGO_BIN_EXE_stage00-receiver");
const SENDER: &str = env!("CARGO_BIN_EXE_stage00-sender");

#[test]
fn a_receiver_that_runs_before_each_next_signal_handles_every_one() {
    if !preempt::realtime_permitted() {
        minitalk_kit::skip("without SCHED_FIFO nothing makes the receiver run between signals");
        return;
    }
    let mut command = Command::new(RECEIVER);
    preempt::as_preempting_server(&mut command);
    let mut receiver = Process::spawn(command);
    receiver
        .stdout
        .wait_for_text("counting", Instant::now() + DEADLINE)
        .expect("the receiver says it is counting");

    let mut sender = Command::new(SENDER);
    preempt::as_preempted_client(&mut sender);
    let output = sender
        .args([&receiver.pid().to_string(), "USR1", "1000"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    receiver.close_stdin();
    let status = receiver.wait_with_output(DEADLINE);
    assert!(status.success(), "{status}: {:?}", receiver.stderr.text());
    let stdout = receiver.stdout.text();
    assert!(
        stdout.contains("SIGUSR1 handled 1000 times\n")
            && stdout.contains("SIGUSR2 handled 0 times\n"),
        "1000 SIGUSR1 were sent to a receiver that ran between any two of them, so each \
         must have been handled once (part send: send `count` signals; part \
         handler: count each under its own name). The receiver said: {stdout:?}"
    );
}
