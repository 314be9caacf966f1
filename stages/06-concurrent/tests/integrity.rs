//! The server prints a message only when it has verified it, and answers only processes
//! it has checked. Each test uses `stage06-forge`, a client that misbehaves on purpose,
//! and so runs only against this stage's own server: the forged frames follow its
//! protocol.

use std::process::Command;

use minitalk_kit::{DEADLINE, Process, Programs, Server, procfs};

fn forge(server: &Server, trick: &str, message: &str) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stage06-forge"));
    command.args([trick, &server.pid().to_string(), message]);
    Process::spawn(command)
}

/// The server under test, unless it is not this stage's own (then the test is skipped).
fn own_server() -> Option<(Programs, Server)> {
    let programs = minitalk_kit::programs!();
    let server = programs.start_own_server("the forged frames follow this stage's own protocol")?;
    Some((programs, server))
}

/// The forge plays `trick`: it must be refused with exit code 7 (its stderr saying
/// `forge_says`), the server must say `server_says` (with the forge's PID for `{pid}`),
/// and the next message must be the first thing printed.
fn refused(trick: &str, message: &str, forge_says: &str, server_says: &str) {
    let Some((programs, mut server)) = own_server() else {
        return;
    };
    let forged = forge(&server, trick, message);
    let status = server
        .wait_for_sender(&forged, DEADLINE)
        .unwrap_or_else(|why| panic!("the forge got no answer: {why}"));
    assert_eq!(status.code(), Some(7), "{}", forged.stderr.text());
    assert!(
        forged.stderr.text().contains(forge_says),
        "{}",
        forged.stderr.text()
    );
    server.expect_stderr(&server_says.replace("{pid}", &forged.pid().to_string()));
    programs.send(&server, "intact").success();
    server.expect_message("intact\n");
}

#[test]
fn a_frame_with_a_wrong_checksum_is_refused_and_never_printed() {
    refused(
        "bad-checksum",
        "this text was damaged on the way",
        "checksum",
        "refused the message of PID {pid}: checksum",
    );
}

#[test]
fn a_header_above_the_limit_is_refused_right_after_the_length() {
    refused(
        "claim-length=4294967295",
        "short",
        "",
        "refused 4294967295 bytes announced by PID {pid}",
    );
}

#[test]
fn a_knock_from_a_process_that_would_die_of_the_answer_is_not_answered() {
    let Some((_, server)) = own_server() else {
        return;
    };
    // It knocks with SIGUSR1 and SIGUSR2 left at their default action: terminate.
    let forged = forge(&server, "no-catch", "");
    forged
        .stdout
        .wait_for_text("knocked", std::time::Instant::now() + DEADLINE)
        .expect("the forge knocked");
    server.expect_stderr(&format!("not answering PID {}", forged.pid()));
    // A server that answered would have made a signal pending there, or killed it.
    let pending = procfs::pending(forged.pid()).expect("the forge is alive");
    assert!(pending.is_empty(), "the server signalled it: {pending:?}");
    assert_eq!(forged.try_status(), None);
    assert_ne!(procfs::state(forged.pid()), Some('Z'));
}
