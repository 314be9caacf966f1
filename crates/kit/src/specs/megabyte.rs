//! A megabyte of every byte value arrives byte-exact, and the server's memory grows by
//! about the message, not by a multiple of it (stage 04 with one acknowledged bit a
//! signal, stage 07 in payload mode with 63 bits of frame a signal).
//!
//! One argument holds at most 128 KiB on Linux: a megabyte goes in through stdin, with
//! `-`, our clients' convention. Across the idle CPUs of a virtual machine each wake-up
//! is slow; on one CPU it is a plain context switch (see the kit's
//! [`affinity`](crate::harness::affinity)). The test pins both programs to one CPU for
//! that reason only: the bytes sent and the answers given are the same.
//!
//! A short message goes first, through the same server, with the kit's usual deadline:
//! a client or a server that cannot deliver anything (an exercise with a part still to
//! write) fails there in seconds, instead of after the megabyte's minutes.

use std::time::Duration;

use crate::deadlines::DEADLINE;
use crate::harness::affinity::pin_to_shared_cpu;
use crate::harness::content::every_byte;
use crate::{Process, Programs, Server};

const MEGABYTE: usize = 1024 * 1024;
const WARM_UP: &str = "a short message before the megabyte";

/// Send 1 MiB of every byte value with `options` before the PID, within `deadline`, and
/// return what the client printed on stdout (its confirmation), once it has exited 0.
/// Skipped (returns `None`) for another implementation's client.
pub fn a_1_mb_message_arrives_byte_exact(
    programs: &Programs,
    options: &[&str],
    deadline: Duration,
) -> Option<String> {
    if programs.skip_unless_own_client("a 1 MB message read from stdin with `-`") {
        return None;
    }
    let mut server_command = programs.server_command();
    pin_to_shared_cpu(&mut server_command);
    let mut server = Server::start(server_command);
    let pinned_client = |args: &[&str]| {
        let mut command = programs.client_command();
        command.args(options).args(args);
        pin_to_shared_cpu(&mut command);
        Process::spawn(command)
    };
    let pid = server.pid().to_string();

    let warm_up = pinned_client(&[&pid, WARM_UP]);
    server.expect_exit_success(&warm_up, "the client of the short warm-up message");
    server.expect_message(format!("{WARM_UP}\n"));

    let before = server.peak_rss_kb();
    let message = every_byte(MEGABYTE);
    let mut client = pinned_client(&[&pid, "-"]);
    client.write_stdin(&message);
    client.close_stdin();
    server.expect_message_within([&message[..], b"\n"].concat(), deadline);
    let status = server
        .wait_for_sender(&client, DEADLINE)
        .unwrap_or_else(|why| panic!("the client of the megabyte: {why}"));
    assert!(status.success(), "{status}: {:?}", client.stderr.text());
    let stdout = client.stdout.text();
    assert!(stdout.contains("1048576 bytes delivered"), "{stdout}");

    // One buffer of the message's size (plus the newline), allocated once.
    let grown_kb = server.peak_rss_kb().saturating_sub(before);
    assert!(
        grown_kb < 3 * 1024,
        "receiving 1024 kB grew the server's resident memory by {grown_kb} kB"
    );
    Some(stdout)
}
