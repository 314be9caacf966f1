//! The progress bar: on a terminal (a pty here, driven with rexpect) it appears with its
//! rate and ETA; when stderr is a pipe, not a byte of it is written.

use minitalk_kit::{DEADLINE, Programs, Server};
use rexpect::session::PtySession;

/// Long enough to be worth a bar (more than 8192 signals), short enough for a debug build.
fn long_message() -> String {
    minitalk_kit::content::text(3000, 11)
}

/// The final programs and a server, unless they are not the workbook's own (then the
/// test is skipped: the bar is this workbook's own).
fn own_server() -> Option<(Programs, Server)> {
    let programs = minitalk_kit::programs!();
    let server = programs.start_own_server("the progress bar")?;
    Some((programs, server))
}

/// The client, with `options` before the server's PID and the long message, on a pty.
fn client_on_a_terminal(programs: &Programs, server: &Server, options: &[&str]) -> PtySession {
    let mut client = programs.client_command();
    client
        .args(options)
        .args([&server.pid().to_string(), &long_message()]);
    rexpect::session::spawn_command(client, Some(DEADLINE.as_millis() as u64))
        .expect("start the client on a pty")
}

#[test]
fn a_long_message_shows_a_progress_bar_on_a_terminal() {
    let Some((programs, mut server)) = own_server() else {
        return;
    };
    let mut session = client_on_a_terminal(&programs, &server, &[]);
    // The bar's template: bytes so far, a rate and an ETA.
    session
        .exp_string("ETA")
        .expect("a progress bar on the terminal");
    session
        .exp_string("bytes delivered")
        .expect("the client's confirmation after the bar");
    server.expect_message(format!("{}\n", long_message()));
}

#[test]
fn no_progress_bar_when_stderr_is_a_pipe() {
    let Some((programs, mut server)) = own_server() else {
        return;
    };
    let message = long_message();
    let assert = programs.send(&server, &message).success();
    server.expect_message(format!("{message}\n"));
    let stderr = &assert.get_output().stderr;
    assert!(
        stderr.is_empty(),
        "nothing on a piped stderr, got {:?}",
        String::from_utf8_lossy(stderr)
    );
}

#[test]
fn quiet_hides_the_bar_even_on_a_terminal() {
    let Some((programs, mut server)) = own_server() else {
        return;
    };
    let mut session = client_on_a_terminal(&programs, &server, &["--quiet", "--summary"]);
    // The summary is the only output; everything before it is what the client printed.
    let (before, _) = session
        .exp_regex("client: [0-9]+ bytes in")
        .expect("the summary line");
    assert!(!before.contains("ETA"), "a bar despite --quiet: {before:?}");
    server.expect_message(format!("{}\n", long_message()));
}
