//! The limit is the longest message the server takes, not the first it refuses: a header
//! that announces exactly `MAX_LEN` bytes (16 MiB) is believed, and the server then waits
//! for the bytes; only a length above it is refused.

use std::process::Command;

use minitalk_kit::{DEADLINE, Process};

#[test]
fn a_header_of_exactly_the_limit_is_believed() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("the forged header and the limit (16 MiB)") {
        return;
    }
    let mut server = programs.start_server();
    // A separate process sends the header and takes the answers: this test's own process
    // (many threads) must not receive SIGUSR1/SIGUSR2.
    let mut forge = Command::new(env!("CARGO_BIN_EXE_stage04-forge"));
    forge.args([&server.pid().to_string(), &stage_04::MAX_LEN.to_string()]);
    let forge = Process::spawn(forge);
    let status = server
        .wait_for_sender(&forge, DEADLINE)
        .unwrap_or_else(|why| panic!("the header got no answer: {why}"));
    let said = forge.stdout.text();
    assert!(
        status.success() && said.contains("server wants more"),
        "part assembler: a header of exactly MAX_LEN ({} bytes) must be believed, and the \
         bytes awaited: refuse only a length above MAX_LEN. The forge ended with {status}, \
         saying {said:?}; the server said {:?}",
        stage_04::MAX_LEN,
        server.process().stderr.text()
    );
}
