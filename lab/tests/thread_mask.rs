//! lab-thread-mask: a signalfd reads a signal only if no thread leaves it unblocked. A
//! worker started before the main thread blocked SIGUSR1 does not block it, so the kernel
//! delivers SIGUSR1 to that worker, where its default action kills the whole process.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Instant;

use minitalk_kit::{DEADLINE, Process, procfs};
use nix::sys::signal::Signal;

/// Start `lab-thread-mask MODE` and wait until its main thread sleeps reading the signalfd.
fn reading(mode: &str) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab-thread-mask"));
    command.arg(mode);
    let program = Process::spawn(command);
    if let Err(so_far) = program
        .stdout
        .wait_for_text("reading SIGUSR1", Instant::now() + DEADLINE)
    {
        // If it is ending, let it end, so that its last words are collected.
        let _ = program.wait_timeout(std::time::Duration::from_secs(2));
        program.drain();
        panic!(
            "lab-thread-mask {mode} never started reading: {so_far:?}\nstderr: {}",
            program.stderr.text()
        );
    }
    procfs::wait_reading_signalfd(program.pid(), DEADLINE);
    program
}

#[test]
fn with_every_thread_blocking_it_the_signalfd_reads_the_signal() {
    let program = reading("early");
    assert!(
        program.stdout.text().contains("worker thread (TID"),
        "{}",
        program.stdout.text()
    );
    program.signal(Signal::SIGUSR1);
    let status = program.wait_with_output(DEADLINE);
    let text = program.stdout.text();
    assert!(
        status.success(),
        "{status}: {text}{}",
        program.stderr.text()
    );
    // The kit sends SIGUSR1 from a process of its own; the record names that sender.
    let sender: i32 = text
        .split("signalfd read SIGUSR1 from PID ")
        .nth(1)
        .and_then(|rest| rest.trim_end().parse().ok())
        .unwrap_or_else(|| panic!("no signalfd line in {text:?}"));
    assert!(sender > 1 && sender != program.pid().as_raw(), "{text}");
}

#[test]
fn a_thread_that_does_not_block_it_takes_the_signal_and_its_default_action_kills() {
    let program = reading("late");
    let text = program.stdout.text();
    assert!(text.contains(") does not block SIGUSR1"), "{text}");
    program.signal(Signal::SIGUSR1);
    let status = program.wait_with_output(DEADLINE);
    assert_eq!(
        status.signal(),
        Some(Signal::SIGUSR1 as i32),
        "the process should die of SIGUSR1 ({status}): {}{}",
        program.stdout.text(),
        program.stderr.text()
    );
    assert!(!program.stdout.text().contains("signalfd read"));
}
