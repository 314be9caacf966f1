//! The payload mode: 63 bits of frame per signal, in the signal's value. A megabyte of
//! every byte value arrives byte-exact, and the server's memory grows by about the message.

use std::time::Duration;

/// Generous: a debug build on a machine with every core busy.
const DEADLINE: Duration = Duration::from_secs(300);

#[test]
fn a_1_mb_message_arrives_byte_exact_and_costs_the_server_about_1_mb() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("the payload mode") {
        return;
    }
    // The kit's test, in payload mode, with the client's summary line
    // (`crates/kit/src/specs/megabyte.rs`).
    let Some(stdout) = minitalk_kit::specs::megabyte::a_1_mb_message_arrives_byte_exact(
        &programs,
        &["--payload", "--summary"],
        DEADLINE,
    ) else {
        return;
    };
    // The frame is 1 MiB and 8 bytes (length, checksum), 8 388 672 bits: 133 154 chunks
    // of 63 bits (two in flight: the 64th bit says which chunk it is), one signal each,
    // and one knock. Resent signals come on top.
    let (signals, resent) = signals_in_summary(&stdout);
    assert_eq!(signals - resent, 133_155, "{stdout}");
}

/// `(signals, resent)` from the summary line: "… payload mode, N signals (M resent)".
fn signals_in_summary(stdout: &str) -> (u64, u64) {
    let number_before = |marker: &str| -> u64 {
        let end = stdout
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker:?}: {stdout}"));
        let digits: String = stdout[..end]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits
            .chars()
            .rev()
            .collect::<String>()
            .parse()
            .expect("a number")
    };
    (number_before(" signals"), number_before(" resent"))
}

#[test]
fn payload_and_classic_clients_take_turns_on_one_server() {
    let programs = minitalk_kit::programs!();
    let Some(mut server) = programs.start_own_server("the payload mode") else {
        return;
    };
    let pid = server.pid().to_string();
    programs
        .client(["--payload", &pid, "payload first"])
        .success();
    server.expect_message("payload first\n");
    programs.client([pid.as_str(), "classic next"]).success();
    server.expect_message("classic next\n");
}
