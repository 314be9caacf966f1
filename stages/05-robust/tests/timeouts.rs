//! Nobody waits forever. A client whose server dies or stops answering gives up after its
//! timeout with exit code 6; a server whose sender dies or goes silent mid-message drops
//! that message, says so, and serves the next client as if nothing happened.
//!
//! Every test makes the failure happen for certain, with SIGSTOP and SIGKILL, rather than
//! hoping for a timing: a stopped server answers nothing, a killed client sends nothing.
//! The first three are shared with later stages (`crates/kit/src/specs/timeouts.rs`).

use std::process::Command;

use minitalk_kit::Process;
use minitalk_kit::specs::timeouts::{self, server_with_timeout};

minitalk_kit::client_timeout_tests!();

#[test]
fn the_server_recovers_from_a_client_killed_mid_transfer() {
    timeouts::the_server_recovers_from_a_client_killed_mid_transfer(&minitalk_kit::programs!());
}

#[test]
fn the_server_drops_the_message_of_a_sender_that_goes_silent() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("the forged frame and the stderr wording") {
        return;
    }
    // 1 s: the next client's bits must never be that far apart, even on a busy machine.
    let mut server = server_with_timeout(&programs, "1000");
    // Announce 100 bytes, send 2, stop sending (the forge exits, content with that).
    let mut forge = Command::new(env!("CARGO_BIN_EXE_stage05-forge"));
    forge.args([&server.pid().to_string(), "100", "ab"]);
    let forge = Process::spawn(forge);
    server.expect_exit_success(&forge, "the forge");
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
