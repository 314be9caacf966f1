//! Nobody waits forever. A client whose server dies or stops answering gives up after its
//! timeout with exit code 6; a server whose sender dies or goes silent mid-message drops
//! that message, says so, and serves the next client as if nothing happened.
//!
//! Every test makes the failure happen for certain, with SIGSTOP and SIGKILL, rather than
//! hoping for a timing: a stopped server answers nothing, a killed client sends nothing.

use std::process::Command;

use minitalk_kit::{DEADLINE, Process, Programs, Server, procfs};

/// Short timeouts make the tests quick, but only where a timeout is the point: a
/// transfer that should succeed keeps the default (5 s), so that a loaded machine that
/// leaves a process unscheduled for a moment cannot fail it.
fn programs_with_client_timeout(ms: &str) -> Programs {
    minitalk_kit::programs!().with_client_env("MINITALK_TIMEOUT_MS", ms)
}

/// A server that gives up on a silent sender after `ms` milliseconds.
fn server_with_timeout(programs: &Programs, ms: &str) -> Server {
    let mut command = programs.server_command();
    command.env("MINITALK_TIMEOUT_MS", ms);
    Server::start(command)
}

/// Start a client while the server is stopped, and return once its first bit is
/// pending: the client is mid-transfer, waiting for an answer.
fn client_mid_transfer(programs: &Programs, server: &Server) -> Process {
    server.stop();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "a message that is cut short"]);
    server.wait_for_pending(DEADLINE);
    client
}

fn assert_timed_out(programs: &Programs, client: &Process, reason: &str) {
    let status = client.wait_with_output(DEADLINE);
    let stderr = client.stderr.text();
    assert_eq!(status.code(), Some(6), "{status}; stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    if !programs.external_client() {
        assert!(stderr.contains("no answer from PID"), "{stderr:?}");
        assert!(stderr.contains(reason), "{stderr:?}");
    }
}

#[test]
fn the_client_reports_a_server_killed_mid_transfer() {
    let programs = programs_with_client_timeout("500");
    let mut server = programs.start_server();
    let client = client_mid_transfer(&programs, &server);
    server.process().kill(); // SIGKILL, and reaped: the PID is gone
    assert_timed_out(&programs, &client, "the server is gone");
}

#[test]
fn the_client_reports_a_server_that_stopped_answering() {
    let programs = programs_with_client_timeout("500");
    let server = programs.start_server();
    let client = client_mid_transfer(&programs, &server);
    // The server stays stopped: alive, but it answers nothing.
    assert_timed_out(&programs, &client, "not answering");
    server.resume();
}

#[test]
fn the_server_recovers_from_a_client_killed_mid_transfer() {
    // No short timeout: the server learns of the death from ESRCH, not from the clock.
    // ESRCH comes only once the dead client has been reaped; a zombie still accepts
    // signals. So `kill()`, which kills *and reaps*, on purpose: the PID is free from here
    // on, and the server never signals it (it checks a sender before answering).
    let programs = minitalk_kit::programs!();
    let mut server = programs.start_server();
    let mut client = client_mid_transfer(&programs, &server);
    let dead = client.pid();
    client.kill();
    server.resume();
    // Let the server handle the dead client's bit before the next client starts (an
    // identical pending signal from the next client would merge into it).
    procfs::poll(DEADLINE, "the server to handle the pending bit", || {
        server.pending_signals().is_empty().then_some(())
    });
    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
    if !programs.is_external() {
        // Its check of the dead client (kill(pid, 0)) failed with ESRCH: no need to wait
        // for a timeout.
        server.expect_stderr(&format!("not answering PID {dead}: it is gone"));
    }
}

#[test]
fn the_server_drops_the_message_of_a_sender_that_goes_silent() {
    let programs = minitalk_kit::programs!();
    if programs.is_external() {
        eprintln!("SKIPPED: the forged frame and the stderr wording are this stage's own");
        return;
    }
    // 1 s: the next client's bits must never be that far apart, even on a busy machine.
    let mut server = server_with_timeout(&programs, "1000");
    // Announce 100 bytes, send 2, stop sending (the forge exits, content with that).
    let mut forge = Command::new(env!("CARGO_BIN_EXE_stage05-forge"));
    forge.args([&server.pid().to_string(), "100", "ab"]);
    let forge = Process::spawn(forge);
    assert!(forge.wait_with_output(DEADLINE).success());
    assert!(forge.stdout.text().contains("server wants more"));

    let report = server.expect_stderr("silent for 1s");
    assert!(
        report.contains(&format!(
            "dropped a partial message (2 of 100 bytes) from PID {}",
            forge.pid()
        )),
        "{report}"
    );
    programs.send(&server, "intact").success();
    server.expect_message("intact\n");
}
