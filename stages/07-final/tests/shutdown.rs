//! SIGTERM and SIGINT stop the server in an orderly way: at once between turns; during a
//! turn, once that turn's message is printed whole (or dropped by the turn's timeout),
//! with nobody served after it. A second request stops it at once, printing nothing of
//! the message in flight.
//!
//! Every test holds the client stopped (SIGSTOP) in the middle of its message while the
//! stop request comes, so the request lands mid-message for certain. SIGTERM and SIGINT
//! come from the test process through the kit (`Server::signal`), which the server names
//! as their sender.

use minitalk_kit::{DEADLINE, Process, Programs, STARTUP, Server, procfs};
use nix::sys::signal::Signal;

/// The subject asks nothing of SIGTERM: another implementation's server may well die of it.
const STOPPING: &str = "an orderly stop on SIGTERM and SIGINT";

/// Long enough that the client cannot finish between the server's "receiving" and the
/// test's SIGSTOP: seconds in the classic mode, and in the payload mode too at this size.
const CLASSIC_BYTES: usize = 40_000;
const PAYLOAD_BYTES: usize = 1_000_000;

/// Timeouts that a stopped client or a loaded machine never reaches in these tests, but
/// for the one about a stalled client.
fn patient(programs: &Programs) -> Programs {
    programs
        .clone()
        .with_client_env("MINITALK_TIMEOUT_MS", "30000")
}

fn server_with_timeout(programs: &Programs, ms: &str) -> Server {
    let mut command = programs.server_command();
    command.env("MINITALK_TIMEOUT_MS", ms);
    Server::start(command)
}

/// A client sending `message` (from its stdin) with `options`, held stopped in the middle
/// of it: the server has its length, and has printed nothing of it.
fn client_stopped_mid_message(
    programs: &Programs,
    server: &Server,
    options: &[&str],
    message: &[u8],
) -> Process {
    let pid = server.pid().to_string();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), "-"]);
    let mut client = programs.spawn_client(args);
    client.feed_stdin(message.to_vec());
    server.expect_stderr(&format!("PID {}: receiving", client.pid()));
    client.stop();
    // What the client sent before it stopped has been taken; the server waits for more.
    procfs::wait_reading_signalfd(server.pid(), STARTUP);
    assert!(
        server.unread_output().is_empty(),
        "the message was complete before the test could stop its client: make it longer"
    );
    client
}

/// The server has exited (within [`STARTUP`]: it has nothing left to wait for): its
/// status, with its output collected.
fn server_exit(server: &mut Server) -> std::process::ExitStatus {
    let process = server.process();
    let status = process.wait_timeout(STARTUP).unwrap_or_else(|| {
        panic!(
            "the server is still running {STARTUP:?} after it was asked to stop (and had \
             nothing left to finish)\nits stderr: {:?}",
            process.stderr.text()
        )
    });
    process.drain();
    status
}

fn server_stderr(server: &mut Server) -> String {
    server.process().stderr.text()
}

#[test]
fn sigterm_between_turns_stops_the_server_at_once_with_exit_code_0() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own(STOPPING) {
        return;
    }
    for signal in [Signal::SIGTERM, Signal::SIGINT] {
        let mut server = programs.start_server();
        programs.send(&server, "before the stop").success();
        server.expect_message("before the stop\n");
        server.signal(signal);
        let status = server_exit(&mut server);
        let stderr = server_stderr(&mut server);
        assert!(
            status.success(),
            "a server asked to stop ({signal}) between turns should exit 0, it exited ({status}); \
             stderr: {stderr:?}"
        );
        let me = std::process::id();
        assert!(
            stderr.contains(&format!("stopped by {signal} from PID {me}")),
            "the server should say it stopped by {signal} from PID {me}: {stderr:?}"
        );
    }
}

/// The message in flight is printed whole, its client told "done" (exit 0), the server
/// exits 0, and a client waiting in line is not served: it finds the server gone.
fn finishes_the_message_in_flight(options: &[&str], bytes: usize) {
    let programs = patient(&minitalk_kit::programs!());
    if programs.skip_unless_own(STOPPING) {
        return;
    }
    let mut server = server_with_timeout(&programs, "30000");
    let message = minitalk_kit::content::every_byte(bytes);
    let client = client_stopped_mid_message(&programs, &server, options, &message);
    let next = programs.spawn_client([server.pid().to_string().as_str(), "next in line"]);
    server.expect_stderr(&format!("PID {} waits in line", next.pid()));

    server.signal(Signal::SIGTERM);
    let me = std::process::id();
    server.expect_stderr(&format!(
        "SIGTERM from PID {me}: finishing the message of PID {} in flight",
        client.pid()
    ));
    client.signal(Signal::SIGCONT);
    server.expect_message([&message[..], b"\n"].concat());
    let status = client.wait_with_output(DEADLINE);
    assert!(
        status.success(),
        "the client whose message the stopping server finished should exit 0, it exited \
         ({status}): {:?}",
        client.stderr.text()
    );

    let status = server_exit(&mut server);
    let stderr = server_stderr(&mut server);
    assert!(
        status.success(),
        "the server that finished its message should exit 0, it exited ({status}); stderr: \
         {stderr:?}"
    );
    assert!(
        stderr.contains(&format!(
            "stopped by SIGTERM from PID {me}; 1 client(s) in line not served"
        )),
        "the server should say it stopped, and that one client in line was not served: \
         {stderr:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "the stopping server served the client in line"
    );

    // Reaped, the server's PID is gone: the next knock of the client in line fails.
    server.process().kill();
    let status = next.wait_with_output(DEADLINE);
    let stderr = next.stderr.text();
    assert_eq!(status.code(), Some(6), "{status}: {stderr:?}");
    assert!(
        stderr.contains("while waiting for our turn: the server is gone"),
        "{stderr:?}"
    );
}

#[test]
fn sigterm_during_a_classic_message_lets_it_finish_whole_then_stops() {
    finishes_the_message_in_flight(&[], CLASSIC_BYTES);
}

#[test]
fn sigterm_during_a_payload_message_with_two_in_flight_lets_it_finish_whole() {
    finishes_the_message_in_flight(&["--payload"], PAYLOAD_BYTES);
}

/// A server with a turn timeout of `timeout_ms`, sent SIGTERM while its client is held
/// stopped in the middle of a classic message, once it has said it is finishing; `None`
/// for another implementation's server.
fn asked_to_stop_mid_message(timeout_ms: &str) -> Option<(Server, Process)> {
    let programs = patient(&minitalk_kit::programs!());
    if programs.skip_unless_own(STOPPING) {
        return None;
    }
    let server = server_with_timeout(&programs, timeout_ms);
    let message = minitalk_kit::content::every_byte(CLASSIC_BYTES);
    let client = client_stopped_mid_message(&programs, &server, &[], &message);
    server.signal(Signal::SIGTERM);
    server.expect_stderr("finishing the message of PID");
    Some((server, client))
}

/// A client that stays stopped is dropped by the turn's timeout, as always; the server
/// then stops, with nothing of that message printed.
#[test]
fn a_stalled_client_is_dropped_after_the_turns_timeout_then_the_server_stops() {
    let Some((mut server, client)) = asked_to_stop_mid_message("1000") else {
        return;
    };
    let status = server_exit(&mut server);
    let stderr = server_stderr(&mut server);
    assert!(status.success(), "{status}: {stderr:?}");
    assert!(
        stderr.contains(&format!("from PID {}: silent for", client.pid()))
            && stderr.contains("stopped by SIGTERM"),
        "the server should drop the silent client after its timeout, then stop: {stderr:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "nothing of a dropped message may be printed"
    );
}

/// A second request while the server finishes: it stops at once, and prints nothing of
/// the message in flight.
#[test]
fn a_second_request_while_finishing_stops_at_once_printing_nothing_of_the_message() {
    let Some((mut server, client)) = asked_to_stop_mid_message("30000") else {
        return;
    };
    server.signal(Signal::SIGINT);
    let status = server_exit(&mut server);
    let stderr = server_stderr(&mut server);
    assert!(
        status.success(),
        "a server stopped by a second request should exit 0, it exited ({status}); stderr: \
         {stderr:?}"
    );
    assert!(
        stderr.contains(&format!(
            "SIGINT again from PID {}: stopping now, dropped a partial message",
            std::process::id()
        )),
        "the server should say that the second request dropped the message: {stderr:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "nothing of a dropped message may be printed"
    );
    // The client, resumed, finds the server gone once its PID is free.
    server.process().kill();
    client.signal(Signal::SIGCONT);
    let status = client.wait_with_output(DEADLINE);
    let stderr = client.stderr.text();
    assert_eq!(status.code(), Some(6), "{status}: {stderr:?}");
    assert!(stderr.contains("the server is gone"), "{stderr:?}");
}
