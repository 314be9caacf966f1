//! The test kit's own promises, checked with stand-in "servers" written in `sh`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::time::{Duration, Instant};

use minitalk_kit::{Process, Programs, Server, procfs};
use nix::unistd::Pid;

/// A stand-in server: `sh -c SCRIPT` (`$$` is its PID, and `exec` keeps that PID).
fn fake_server(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn gone_or_zombie(pid: Pid) -> bool {
    procfs::state(pid).is_none_or(|state| state == 'Z')
}

#[test]
fn a_panicking_test_leaves_no_process_behind() {
    let mut pids = Vec::new();
    let _ = panic_message(|| {
        // A process that forked a child of its own, as a server might.
        let process = Process::spawn(fake_server("sleep 1000 & exec sleep 1001"));
        let child = procfs::poll(Duration::from_secs(10), "the grandchild", || {
            procfs::children(process.pid()).first().copied()
        });
        pids.extend([process.pid(), child]);
        panic!("the test fails here");
    });
    // The process itself was killed and reaped: it no longer exists at all.
    assert_eq!(procfs::state(pids[0]), None, "PID {} is left", pids[0]);
    // What it forked was killed with its process group (its new parent reaps it).
    procfs::poll(Duration::from_secs(10), "the grandchild to die", || {
        gone_or_zombie(pids[1]).then_some(())
    });
}

#[test]
fn expect_message_fails_at_once_with_a_diff() {
    let started = Instant::now();
    let message = panic_message(|| {
        let mut server = Server::start(fake_server(
            "echo \"PID: $$\"; printf 'hellO world\\n'; exec sleep 1000",
        ));
        server.expect_message("hello world\n");
    });
    assert!(message.contains("first difference at byte 4"), "{message}");
    assert!(
        message.contains(r#"received: "hellO world\n""#),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a mismatch is reported as soon as it is seen, not at the deadline"
    );
}

#[test]
fn expect_message_consumes_messages_in_order() {
    let mut server = Server::start(fake_server(
        "echo $$; printf 'one\\ntwo\\n'; printf 'three'; exec sleep 1000",
    ));
    server.expect_message("one\n");
    server.expect_message("two\n");
    server.expect_message("three");
    assert!(server.unread_output().is_empty());
}

#[test]
fn a_stray_newline_is_a_difference() {
    let message = panic_message(|| {
        let mut server = Server::start(fake_server(
            "echo $$; printf 'one\n\ntwo\n'; exec sleep 1000",
        ));
        server.expect_message("one\n");
        server.expect_message("two\n");
    });
    assert!(message.contains("first difference at byte 0"), "{message}");
}

#[test]
fn a_server_without_a_pid_line_fails_with_its_output() {
    let message = panic_message(|| {
        Server::start(fake_server("echo 'ready, no number'; exec sleep 1000"));
    });
    assert!(message.contains("should contain its PID"), "{message}");
    assert!(message.contains("ready, no number"), "{message}");
}

#[test]
fn a_server_that_exits_before_its_pid_line_says_so() {
    let message = panic_message(|| {
        Server::start(fake_server("echo oops >&2; exit 3"));
    });
    assert!(message.contains("exited"), "{message}");
    assert!(message.contains("oops"), "{message}");
}

#[test]
fn a_banner_before_the_pid_is_not_taken_for_it() {
    // `exec`: the shell that prints its PID is the process the test started.
    let mut server = Server::start(fake_server(
        "echo \"minitalk 42 | PID: $$\"; printf 'one\\n'; exec sleep 1000",
    ));
    server.expect_message("one\n");
    let started = server.process().pid();
    assert_eq!(server.pid(), started);
}

#[test]
fn a_pid_the_test_did_not_start_is_never_trusted() {
    // PID 1, or the test runner's own: printing it must not make the kit signal it.
    for script in ["echo 1; exec sleep 1000", "echo $PPID; exec sleep 1000"] {
        let message = panic_message(|| {
            Server::start(fake_server(script));
        });
        assert!(
            message.contains("refusing to signal"),
            "{script}: {message}"
        );
    }
}

/// A stand-in program: an executable `sh` script, written by a `sh` of its own so that no
/// process this test forks meanwhile can inherit the file open for writing (an executable
/// open for writing cannot be run: ETXTBSY).
fn executable_script(name: &str, script: &str) -> String {
    let path = format!("{}/{name}", env!("CARGO_TARGET_TMPDIR"));
    let status = Command::new("sh")
        .args([
            "-c",
            "printf '%s\\n' \"$1\" > \"$2\" && chmod +x \"$2\"",
            "sh",
        ])
        .arg(format!("#!/bin/sh\n{script}"))
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "cannot write {path}");
    path
}

#[test]
fn send_runs_the_client_with_the_servers_pid_and_keeps_what_it_said() {
    let client = executable_script(
        "kit-client-echo",
        r#"printf 'to %s: %s, stdin: ' "$1" "$2"; cat"#,
    );
    let programs = Programs::own("unused", &client);
    let server = Server::start(fake_server("echo $$; exec sleep 1000"));
    programs
        .send(&server, "hi")
        .success()
        .stdout(format!("to {}: hi, stdin: ", server.pid()));
    programs
        .client_to(&server, ["a", "b"], b"some input".to_vec())
        .success()
        .stdout("to a: b, stdin: some input");
}

#[test]
fn a_client_whose_server_dies_fails_at_once_with_the_servers_last_words() {
    // The client sends one signal and waits for an answer that never comes: the server
    // dies of that signal, as a server with an unwritten part would.
    let client = executable_script(
        "kit-client-waits",
        r#"kill -USR1 "$1"; echo 'client: waiting' >&2; exec sleep 1000"#,
    );
    let programs = Programs::own("unused", &client);
    let message = panic_message(|| {
        let server = Server::start(fake_server(
            "trap 'echo \"server: not yet implemented\" >&2; exit 101' USR1; \
             echo $$; sleep 1000 >/dev/null 2>&1 & wait",
        ));
        programs.send(&server, "hello").success();
    });
    // Only the early way out says this; the deadline's message would say "did not exit".
    assert!(message.contains("the server exited"), "{message}");
    assert!(message.contains("server: not yet implemented"), "{message}");
}

#[test]
fn waiting_for_a_pending_signal_ends_when_its_sender_exits_without_one() {
    let message = panic_message(|| {
        let server = Server::start(fake_server("echo $$; exec sleep 1000"));
        server.stop();
        let sender = Process::spawn(fake_server("echo 'sender: gave up' >&2; exit 4"));
        server.wait_for_pending_from(&sender, Duration::from_secs(30));
    });
    // Only the early way out says this; the deadline's message would say "in vain".
    assert!(message.contains("exited"), "{message}");
    assert!(message.contains("sender: gave up"), "{message}");
}

#[test]
fn a_real_time_server_that_never_sleeps_is_stopped_at_once() {
    if !minitalk_kit::preempt::realtime_permitted() {
        minitalk_kit::skip("this user may not use SCHED_FIFO, which this test is about");
        return;
    }
    // A server that spins instead of waiting in `pause`: at real-time priority it would
    // keep its CPU to itself. The kit's RLIMIT_RTTIME makes the kernel end it instead.
    let server = executable_script("kit-server-spins", "echo \"PID: $$\"; while :; do :; done");
    let programs = Programs::own(&server, "unused").with_server_preempting_client();
    let mut server = programs.start_server();
    let status = server.process().wait(Duration::from_secs(30));
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(nix::libc::SIGXCPU),
        "{status}"
    );
}

#[test]
fn a_client_and_server_that_both_sleep_are_a_deadlock_found_in_seconds() {
    // A "server" and a "client" that never run again: each waits for the other.
    let server = Server::start(fake_server("echo $$; exec sleep 1000"));
    let client = Process::spawn(fake_server("exec sleep 1000"));
    let started = Instant::now();
    let why = server
        .wait_for_sender(&client, Duration::from_secs(60))
        .expect_err("nothing can finish");
    assert!(why.contains("have both slept for"), "{why}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a deadlock is found without waiting out the deadline ({:?})",
        started.elapsed()
    );
}

#[test]
fn another_servers_messages_may_come_without_a_newline() {
    let script = "echo \"\x1b[0;33mPID:\x1b[0m $$\"; printf 'one'; printf 'two\\n'; printf 'three'; exec sleep 1000";
    let mut server = Server::start(fake_server(script)).with_optional_newline(true);
    server.expect_message("one\n");
    server.expect_message("two\n");
    server.expect_message("three\n");
    // The workbook's own servers must print the newline.
    let message = panic_message(|| {
        let mut server = Server::start(fake_server(script));
        server.expect_message("one\n");
    });
    assert!(message.contains("first difference at byte 3"), "{message}");
}

#[test]
fn a_started_process_dies_with_the_thread_that_started_it() {
    // As if the test binary were killed: no Drop runs, the process is not killed by the
    // kit; the kernel kills it when its parent thread ends (PR_SET_PDEATHSIG).
    let pid = std::thread::spawn(|| {
        let mut command = fake_server("exec sleep 1000");
        minitalk_kit::harness::process::die_with_the_test(&mut command);
        let process = Process::spawn(command);
        let pid = process.pid();
        std::mem::forget(process);
        pid
    })
    .join()
    .unwrap();
    procfs::poll(Duration::from_secs(10), "the orphan to die", || {
        gone_or_zombie(pid).then_some(())
    });
}
