//! The server prints a message only when it has verified it, and answers only processes
//! it has checked. Each test uses `stage06-forge`, a client that misbehaves on purpose.

use std::process::Command;

use minitalk_kit::{DEADLINE, Process, Programs, Server, procfs};

fn programs() -> Programs {
    minitalk_kit::programs!()
}

fn forge(server: &Server, trick: &str, message: &str) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stage06-forge"));
    command.args([trick, &server.pid().to_string(), message]);
    Process::spawn(command)
}

/// Skip the test (with a message) when another server is under test: the forge speaks
/// this stage's own protocol.
fn own_server(programs: &Programs) -> bool {
    if programs.is_external() {
        eprintln!("SKIPPED: the forged frames follow this stage's own protocol");
    }
    !programs.is_external()
}

#[test]
fn a_frame_with_a_wrong_checksum_is_refused_and_never_printed() {
    let programs = programs();
    if !own_server(&programs) {
        return;
    }
    let mut server = programs.start_server();
    let forged = forge(&server, "bad-checksum", "this text was damaged on the way");
    let status = forged.wait_with_output(DEADLINE);
    assert_eq!(status.code(), Some(7), "{}", forged.stderr.text());
    assert!(
        forged.stderr.text().contains("checksum"),
        "{}",
        forged.stderr.text()
    );
    server.expect_stderr(&format!(
        "refused the message of PID {}: checksum",
        forged.pid()
    ));
    // The next message is the first thing printed.
    programs.send(&server, "intact").success();
    server.expect_message("intact\n");
}

#[test]
fn a_header_above_the_limit_is_refused_right_after_the_length() {
    let programs = programs();
    if !own_server(&programs) {
        return;
    }
    let mut server = programs.start_server();
    let forged = forge(&server, "claim-length=4294967295", "short");
    let status = forged.wait_with_output(DEADLINE);
    assert_eq!(status.code(), Some(7), "{}", forged.stderr.text());
    server.expect_stderr(&format!(
        "refused 4294967295 bytes announced by PID {}",
        forged.pid()
    ));
    programs.send(&server, "still serving").success();
    server.expect_message("still serving\n");
}

#[test]
fn a_knock_from_a_process_that_would_die_of_the_answer_is_not_answered() {
    let programs = programs();
    if !own_server(&programs) {
        return;
    }
    let server = programs.start_server();
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
