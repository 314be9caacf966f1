//! The server must not trust a header: a length above its limit is refused before
//! anything is allocated, the sender is told (SIGUSR2 before its last bit), and the server
//! goes on serving.

use std::process::Command;

use minitalk_kit::{DEADLINE, Process, Programs};

fn programs() -> Programs {
    minitalk_kit::programs!()
}

#[test]
fn an_absurd_length_is_refused_without_allocating_and_the_server_goes_on() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the forged header and the stderr wording are this stage's own");
        return;
    }
    let mut server = programs.start_server();
    let before = server.peak_virtual_kb();

    // A separate process sends the forged header and takes the answers: this test's
    // own process (many threads) must not receive SIGUSR1/SIGUSR2.
    let mut forge = Command::new(env!("CARGO_BIN_EXE_stage05-forge"));
    forge.args([&server.pid().to_string(), "4294967295"]);
    let forge = Process::spawn(forge);
    let status = forge.wait_with_output(DEADLINE);
    assert_eq!(status.code(), Some(7), "{:?}", forge.stderr.text());
    assert!(
        forge.stdout.text().contains("refused after 32 bits"),
        "the refusal comes right after the header: {:?}",
        forge.stdout.text()
    );
    server.expect_stderr("refused 4294967295 bytes announced by PID");

    let grown_kb = server.peak_virtual_kb().saturating_sub(before);
    assert!(
        grown_kb < 64 * 1024,
        "the server's address space grew by {grown_kb} kB for a refused header"
    );

    programs.send(&server, "still serving").success();
    server.expect_message("still serving\n");
}

#[test]
fn the_client_reports_a_refusal_with_exit_code_7() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the limit (16 MiB) and `-` for stdin are this stage's own");
        return;
    }
    let mut server = programs.start_server();
    let too_long = vec![b'x'; 16 * 1024 * 1024 + 1];
    let pid = server.pid().to_string();
    programs
        .client_with_stdin([pid.as_str(), "-"], too_long)
        .code(7)
        .stderr(predicates::str::contains(
            "refused the message after 32 bits",
        ));
    programs.send(&server, "next").success();
    server.expect_message("next\n");
}
