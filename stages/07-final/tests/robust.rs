//! Stage 05's behaviour through the final programs: no signal to a PID that is not a
//! server (each refusal with its own exit code), nobody waits forever, and a message the
//! server will not take is refused with exit code 7.

mod common;

use std::process::Command;

use minitalk_kit::refusal::expect_refusal;
use minitalk_kit::sandbox::{self, CANARY};
use minitalk_kit::{DEADLINE, Programs, Server, canary, procfs};
use nix::sys::signal::Signal;

/// Short timeouts make the tests quick, but only where a timeout is the point: a
/// transfer that should succeed keeps the default (5 s), so that a loaded machine that
/// leaves a process unscheduled for a moment cannot fail it.
fn programs() -> Programs {
    common::programs()
}

/// Clients that give up after half a second without an answer.
fn impatient_clients() -> Programs {
    common::programs().with_client_env("MINITALK_TIMEOUT_MS", "500")
}

/// A server that gives up on a client silent during its turn after one second.
fn impatient_server(programs: &Programs) -> Server {
    let mut command = programs.server_command();
    command.env("MINITALK_TIMEOUT_MS", "1000");
    Server::start(command)
}

#[test]
fn a_process_that_does_not_catch_the_signals_is_refused_and_unharmed() {
    let programs = programs();
    let canary = canary::sleeper();
    let pid = canary.pid().to_string();
    let output = programs
        .client([pid.as_str(), "are you a server?"])
        .get_output()
        .clone();
    expect_refusal(&programs, &output, 5, "not a minitalk server");
    canary::assert_nothing_pending(&canary);
}

#[test]
fn a_pid_nobody_has_is_refused_as_no_such_process() {
    let Some(refusal) = sandbox::run_client(&programs(), ["4194303", "hello"]) else {
        eprintln!("SKIPPED: PID namespaces are not available here");
        return;
    };
    expect_refusal(&programs(), &refusal.output, 3, "no process has PID");
    assert!(refusal.canary_survived);
}

#[test]
fn the_sandbox_canary_is_refused_as_not_a_server() {
    let Some(refusal) = sandbox::run_client(&programs(), [CANARY, "hello"]) else {
        eprintln!("SKIPPED: PID namespaces are not available here");
        return;
    };
    expect_refusal(&programs(), &refusal.output, 5, "not a minitalk server");
    assert!(refusal.canary_survived);
}

#[test]
fn a_process_that_catches_only_sigusr1_is_refused_too() {
    // The shell installs a handler for SIGUSR1 only: SIGUSR2 would still kill it.
    let programs = programs();
    let mut command = Command::new("sh");
    command.args(["-c", "trap 'echo USR1' USR1; read line"]);
    let canary = canary::start(command, |shell| {
        procfs::caught(shell.pid()).is_some_and(|caught| caught.contains(Signal::SIGUSR1))
    });
    let pid = canary.pid().to_string();
    let output = programs
        .client([pid.as_str(), "hello"])
        .get_output()
        .clone();
    expect_refusal(&programs, &output, 5, "SIGUSR2");
    canary::assert_nothing_pending(&canary);
}

#[test]
fn a_process_of_another_user_is_refused_as_not_permitted() {
    let programs = programs();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { nix::libc::geteuid() } != 0 {
        eprintln!("SKIPPED: making a process of another user needs root");
        return;
    }
    let canary = canary::sleeper(); // root's
    // The client runs as `nobody`: kill(canary, 0) says EPERM.
    let client = programs.client_command();
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(client.get_program())
        .args([canary.pid().to_string(), "hello".to_owned()]);
    let output = assert_cmd::Command::from_std(command)
        .timeout(DEADLINE)
        .output()
        .expect("run the client as nobody");
    expect_refusal(&programs, &output, 4, "not permitted");
    canary::assert_nothing_pending(&canary);
}

#[test]
fn the_client_gives_up_on_a_stopped_server_with_exit_code_6() {
    let programs = impatient_clients();
    let server = programs.start_server();
    server.stop();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "anyone there?"]);
    let status = client.wait_with_output(DEADLINE);
    let stderr = client.stderr.text();
    assert_eq!(status.code(), Some(6), "{status}; stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    if !programs.external_client() {
        assert!(stderr.contains("no answer from PID"), "{stderr:?}");
        assert!(stderr.contains("not answering"), "{stderr:?}");
    }
    server.resume();
}

#[test]
fn the_client_reports_a_server_killed_mid_transfer() {
    let programs = programs();
    let mut server = programs.start_server();
    server.stop();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "a message that is cut short"]);
    server.wait_for_pending(DEADLINE);
    server.process().kill();
    let status = client.wait_with_output(DEADLINE);
    let stderr = client.stderr.text();
    assert_eq!(status.code(), Some(6), "{status}; stderr: {stderr:?}");
    if !programs.external_client() {
        assert!(stderr.contains("the server is gone"), "{stderr:?}");
    }
}

#[test]
fn a_client_silent_during_its_turn_loses_it_and_the_next_is_served() {
    let programs = programs();
    if !common::own_programs_only(&programs, "knowing when the client has its turn") {
        return;
    }
    let mut server = impatient_server(&programs);
    let pid = server.pid().to_string();
    let long = "z".repeat(40_000);
    let silent = programs.spawn_client([pid.as_str(), long.as_str()]);
    server.expect_stderr(&format!("PID {}: receiving", silent.pid()));
    silent.stop();

    let next = programs.spawn_client(["--payload", pid.as_str(), "next in line"]);
    server.expect_stderr(&format!("from PID {}: silent for 1s", silent.pid()));
    assert!(next.wait(DEADLINE).success(), "{}", next.stderr.text());
    server.expect_message("next in line\n");

    silent.signal(Signal::SIGCONT);
    let status = silent.wait_with_output(DEADLINE);
    assert_eq!(status.code(), Some(7), "{}", silent.stderr.text());
    assert!(
        silent.stderr.text().contains("silent"),
        "{}",
        silent.stderr.text()
    );
}

#[test]
fn a_message_above_the_servers_limit_is_refused_with_exit_code_7() {
    let programs = programs();
    if !common::own_programs_only(&programs, "--max-bytes") {
        return;
    }
    let mut command = programs.server_command();
    command.args(["--max-bytes", "10"]);
    let mut server = Server::start(command);
    let pid = server.pid().to_string();
    for mode in [None, Some("--payload")] {
        let mut args: Vec<&str> = mode.into_iter().collect();
        args.extend([pid.as_str(), "eleven bytes"]);
        programs
            .client(&args)
            .code(7)
            .stderr(predicates::str::contains("longer than the server accepts"));
    }
    server.expect_stderr("refused 12 bytes announced by PID");
    programs.send(&server, "ten bytes!").success();
    server.expect_message("ten bytes!\n");
}
