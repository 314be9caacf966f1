//! The payload mode: 63 bits of frame per signal, in the signal's value. A megabyte of every byte
//! value arrives byte-exact, and the server's memory grows by about the message.

mod common;

use std::time::Duration;

use minitalk_kit::affinity::pin_to_shared_cpu;
use minitalk_kit::content::every_byte;
use minitalk_kit::{Process, Server};

const MEGABYTE: usize = 1024 * 1024;
/// Generous: a debug build on a machine with every core busy.
const DEADLINE: Duration = Duration::from_secs(300);

#[test]
fn a_1_mb_message_arrives_byte_exact_and_costs_the_server_about_1_mb() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the payload mode") {
        return;
    }
    // Both ends on one CPU: a wake-up there is a plain context switch (see the kit's
    // `affinity`). It changes how long the test takes, not what is sent.
    let mut server_command = programs.server_command();
    pin_to_shared_cpu(&mut server_command);
    let mut server = Server::start(server_command);
    let before = server.peak_rss_kb();

    let message = every_byte(MEGABYTE);
    let mut client_command = programs.client_command();
    client_command.args(["--payload", "--summary", &server.pid().to_string(), "-"]);
    pin_to_shared_cpu(&mut client_command);
    let mut client = Process::spawn(client_command);
    client.write_stdin(&message);
    client.close_stdin();

    server.expect_message_within([&message[..], b"\n"].concat(), DEADLINE);
    let status = client.wait_with_output(DEADLINE);
    assert!(status.success(), "{status}: {:?}", client.stderr.text());
    let stdout = client.stdout.text();
    assert!(stdout.contains("1048576 bytes delivered"), "{stdout}");
    // The frame is 1 MiB and 8 bytes (length, checksum), 8 388 672 bits: 133 154 chunks
    // of 63 bits (two in flight: the 64th bit says which chunk it is), one signal each,
    // and one knock. Resent signals come on top.
    let (signals, resent) = signals_in_summary(&stdout);
    assert_eq!(signals - resent, 133_155, "{stdout}");

    let grown_kb = server.peak_rss_kb().saturating_sub(before);
    assert!(
        grown_kb < 3 * 1024,
        "receiving 1024 kB grew the server's resident memory by {grown_kb} kB"
    );
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
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the payload mode") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    programs
        .client(["--payload", &pid, "payload first"])
        .success();
    server.expect_message("payload first\n");
    programs.client([pid.as_str(), "classic next"]).success();
    server.expect_message("classic next\n");
}
