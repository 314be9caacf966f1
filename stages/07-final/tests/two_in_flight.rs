//! The payload mode keeps two chunks in flight: one on SIGUSR1, one on SIGUSR2, both
//! pending at the server at once. A client that sends one chunk at a time (the payload
//! protocol of a client that does not know two, `--one-in-flight`) is served as before.

use minitalk_kit::procfs::{self, SignalMask};
use minitalk_kit::{DEADLINE, Process, Programs, STARTUP, Server};
use nix::sys::signal::Signal;

/// A message of more than two chunks.
const SEVERAL: &str = "a message of several chunks, more than two of them";

/// Start a payload client with `options` and hold the server (stopped) just after it
/// gave the client its turn; let the client send what it sends before any answer, and
/// return what is then pending at the server, with the client and the server.
fn pending_after_the_turn(
    programs: &Programs,
    options: &[&str],
    message: &str,
) -> (SignalMask, Process, Server) {
    let server = programs.start_server();
    let pid = server.pid().to_string();
    server.stop();
    let mut args = vec!["--payload"];
    args.extend(options);
    args.extend([pid.as_str(), message]);
    let client = programs.spawn_client(args);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP); // the knock
    client.stop();
    server.resume();
    // The server takes the knock and answers "your turn"; stop it there.
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    server.stop();
    client.signal(Signal::SIGCONT);
    procfs::wait_until_taken(client.pid(), Signal::SIGUSR1, STARTUP);
    // The client has sent what it sends unanswered, and sleeps waiting for an answer.
    procfs::wait_for_state(client.pid(), 'S', STARTUP);
    let pending = procfs::status_field(server.pid(), "ShdPnd")
        .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
        .map(SignalMask)
        .expect("the server's ShdPnd");
    (chunks_and_answers(pending), client, server)
}

/// SIGUSR1 and SIGUSR2 of `pending`: the chunks at the server, or the answers at the
/// client. Left out is the clock tick (SIGALRM) each side's timer sends every few
/// milliseconds, which piles up, pending, at a stopped process.
fn chunks_and_answers(pending: SignalMask) -> SignalMask {
    let bit = |signal: Signal| 1 << (signal as u32 - 1);
    SignalMask(pending.0 & (bit(Signal::SIGUSR1) | bit(Signal::SIGUSR2)))
}

#[test]
fn two_chunks_are_pending_at_the_server_at_once() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("two chunks in flight") {
        return;
    }
    let (pending, client, mut server) = pending_after_the_turn(&programs, &[], SEVERAL);
    assert!(
        pending.contains(Signal::SIGUSR1) && pending.contains(Signal::SIGUSR2),
        "the client sent one chunk and waits: only {pending:?} pending at the stopped server"
    );
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message(format!("{SEVERAL}\n"));
}

#[test]
fn a_client_with_one_chunk_in_flight_is_served_as_before() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("--one-in-flight") {
        return;
    }
    let (pending, client, mut server) =
        pending_after_the_turn(&programs, &["--one-in-flight"], SEVERAL);
    // Chunk 0 goes with SIGUSR2; chunk 1 waits for its answer.
    assert_eq!(
        pending,
        SignalMask(1 << (Signal::SIGUSR2 as u32 - 1)),
        "one chunk in flight: only chunk 0 (SIGUSR2) should be pending at the stopped server"
    );
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message(format!("{SEVERAL}\n"));

    // And everything else the payload mode carries, with its summary.
    let pid = server.pid().to_string();
    let summary = programs
        .client([
            "-s",
            "-q",
            "-p",
            "--one-in-flight",
            pid.as_str(),
            "sixteen bytes!!!",
        ])
        .success();
    let line = String::from_utf8_lossy(&summary.get_output().stdout).into_owned();
    // 16 bytes + 8 of frame = 3 chunks of 64 bits, plus the knock.
    assert!(
        line.contains("payload (one in flight) mode, 4 signals (0 resent)"),
        "{line:?}"
    );
    server.expect_message("sixteen bytes!!!\n");
    let every_byte = minitalk_kit::content::every_byte(300);
    programs
        .client_with_stdin(
            ["-p", "--one-in-flight", pid.as_str(), "-"],
            every_byte.clone(),
        )
        .success();
    server.expect_message([&every_byte[..], b"\n"].concat());
}

/// The server's "done" is wiped out at the client, for certain: a stranger's SIGUSR2 is
/// pending there when it comes. The client sends again the chunks it has no answer for,
/// and must be told "done" again; without that it gives up although its message was
/// printed.
#[test]
fn a_done_swallowed_by_a_stray_signal_is_said_again() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("two chunks in flight") {
        return;
    }
    // 6 bytes and 8 of frame, 112 bits: two chunks, both sent before any answer, and
    // the only answer after the turn is "done".
    let (pending, client, mut server) = pending_after_the_turn(&programs, &[], "done!!");
    assert!(pending.contains(Signal::SIGUSR1) && pending.contains(Signal::SIGUSR2));
    client.stop();
    client.signal(Signal::SIGUSR2); // the stranger: this test
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR2, STARTUP);
    server.resume();
    server.expect_message("done!!\n");
    // The "done" merged with the stranger's signal only if the client, stopped, could
    // not take that one first.
    assert_eq!(
        procfs::state(client.pid()),
        Some('T'),
        "the client was not held stopped while the server said done"
    );
    client.signal(Signal::SIGCONT);
    let status = client.wait(DEADLINE);
    assert!(status.success(), "{status}: {}", client.stderr.text());
    server.expect_stderr("sent its last signal again: done");
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "the server printed more after the message"
    );
}

/// The chunk after the one the server wants may come first (SIGUSR1 is taken before
/// SIGUSR2): the server keeps it, and answers both at once when the one it wants comes.
/// Here, for certain: chunks 0 and 1 of 3 are both pending when the server resumes.
#[test]
fn a_chunk_that_came_first_is_answered_with_the_one_before_it() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("two chunks in flight") {
        return;
    }
    // 12 bytes and 8 of frame, 160 bits: three chunks of 63.
    let (pending, client, mut server) = pending_after_the_turn(&programs, &[], "three chunks");
    assert!(pending.contains(Signal::SIGUSR1) && pending.contains(Signal::SIGUSR2));
    client.stop();
    server.resume();
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR2, STARTUP);
    procfs::wait_for_state(server.pid(), 'S', STARTUP);
    let answers =
        chunks_and_answers(procfs::pending(client.pid()).expect("the client's pending signals"));
    assert!(
        !answers.is_empty(),
        "the server took chunks 0 and 1 of 3 and answered nothing: the client may not send \
         chunk 2"
    );
    client.signal(Signal::SIGCONT);
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("three chunks\n");
}
