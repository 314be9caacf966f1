//! The progress bar: on a terminal (a pty here, driven with rexpect) it appears with its
//! rate and ETA; when stderr is a pipe, not a byte of it is written.

mod common;

use minitalk_kit::DEADLINE;

/// Long enough to be worth a bar (more than 8192 signals), short enough for a debug build.
fn long_message() -> String {
    minitalk_kit::content::text(3000, 11)
}

#[test]
fn a_long_message_shows_a_progress_bar_on_a_terminal() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the progress bar") {
        return;
    }
    let mut server = programs.start_server();
    let message = long_message();
    let mut client = programs.client_command();
    client.args([&server.pid().to_string(), message.as_str()]);
    let mut session = rexpect::session::spawn_command(client, Some(DEADLINE.as_millis() as u64))
        .expect("start the client on a pty");
    // The bar's template: bytes so far, a rate and an ETA.
    session
        .exp_string("ETA")
        .expect("a progress bar on the terminal");
    session
        .exp_string("bytes delivered")
        .expect("the client's confirmation after the bar");
    server.expect_message(format!("{message}\n"));
}

#[test]
fn no_progress_bar_when_stderr_is_a_pipe() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the progress bar") {
        return;
    }
    let mut server = programs.start_server();
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
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the progress bar") {
        return;
    }
    let mut server = programs.start_server();
    let message = long_message();
    let mut client = programs.client_command();
    client.args([
        "--quiet",
        "--summary",
        &server.pid().to_string(),
        message.as_str(),
    ]);
    let mut session = rexpect::session::spawn_command(client, Some(DEADLINE.as_millis() as u64))
        .expect("start the client on a pty");
    // The summary is the only output; everything before it is what the client printed.
    let (before, _) = session
        .exp_regex("client: [0-9]+ bytes in")
        .expect("the summary line");
    assert!(!before.contains("ETA"), "a bar despite --quiet: {before:?}");
    server.expect_message(format!("{message}\n"));
}
