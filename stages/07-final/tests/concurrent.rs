//! Stage 06's behaviour through the final programs: many clients at once (in both modes),
//! stray signals, a client killed mid-message; every message printed exactly once, whole.

mod common;

use minitalk_kit::content::{client_message, text};
use minitalk_kit::specs::crowd;
use minitalk_kit::specs::stray::stray_sender;
use minitalk_kit::unordered::{expect_messages_in_any_order, expect_nothing_after};
use minitalk_kit::{DEADLINE, Process, Programs, STARTUP, Server, procfs};
use nix::sys::signal::Signal;

/// Run 8 clients at once, each sending 3 messages (of up to `longest` characters) one
/// after the other; odd clients in payload mode when `mixed`. Returns every message sent.
fn eight_clients(programs: &Programs, server: &Server, longest: usize, mixed: bool) -> Vec<String> {
    let batches = crowd::messages(8, 3, longest);
    crowd::send_at_once(programs, server, &batches, |client| {
        if mixed && client % 2 == 1 {
            &["--payload"]
        } else {
            &[]
        }
    });
    batches.concat()
}

#[test]
fn eight_clients_at_once_every_message_printed_once_and_whole() {
    let programs = common::programs();
    let mut server = programs.start_server();
    let sent = eight_clients(&programs, &server, 900, false);
    let end = expect_messages_in_any_order(&mut server, &sent);
    expect_nothing_after(&mut server, end);
}

#[test]
fn eight_clients_in_both_modes_with_stray_signals() {
    let programs = common::programs();
    let mixed = !programs.is_external();
    let mut server = programs.start_server();
    let stray = stray_sender(server.pid());
    server.wait_for_pending(DEADLINE);
    // Shorter messages: every signal the noise wipes out costs the client a resend and
    // tens of milliseconds.
    let sent = eight_clients(&programs, &server, 300, mixed);
    let end = expect_messages_in_any_order(&mut server, &sent);
    expect_nothing_after(&mut server, end);
    assert_eq!(
        stray.try_status(),
        None,
        "the stray sender died: the server signalled a process it had not checked"
    );
}

#[test]
fn a_knock_wiped_out_by_a_stray_signal_is_repeated() {
    let programs = common::programs();
    let mut server = programs.start_server();
    server.stop();
    server.signal(Signal::SIGUSR1);
    server.signal(Signal::SIGUSR2);
    procfs::poll(STARTUP, "both signals pending", || {
        let pending = server.pending_signals();
        (pending.contains(Signal::SIGUSR1) && pending.contains(Signal::SIGUSR2)).then_some(())
    });
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "knock, knock"]);
    // Wait until the knock has been sent: the client then sleeps reading its signalfd.
    wait_for_knock(&programs, &client);
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("knock, knock\n");
}

/// The first bit (classic) or chunk (payload) of a message is wiped out for certain: the
/// server is stopped with both signals pending from a stranger when the client sends it.
/// Only a resend can complete the message. (Stage 06's test explains each step.)
fn first_item_wiped_out(options: &[&str]) {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the knock and the answers") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    server.stop();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), "the first signal of this was lost"]);
    let client = programs.spawn_client(args);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP); // the knock
    client.stop();
    server.resume();
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP); // "your turn"
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    server.stop();
    server.signal(Signal::SIGUSR1);
    server.signal(Signal::SIGUSR2);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR2, STARTUP);
    client.signal(Signal::SIGCONT);
    procfs::wait_until_taken(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_for_state(client.pid(), 'S', STARTUP); // sent, and waiting
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("the first signal of this was lost\n");
    server.expect_stderr("ignored 2 stray signal(s)");
}

/// The server's answer to the knock is wiped out *at the client*, for certain: a
/// stranger's SIGUSR1 is pending there when it comes. The client's resent knock gets the
/// answer again.
fn answer_wiped_out_at_the_client(options: &[&str]) {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the knock and the answers") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    server.stop();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), "my first answer was lost"]);
    let client = programs.spawn_client(args);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP); // the knock
    client.stop();
    client.signal(Signal::SIGUSR1); // the stranger: this test
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP);
    server.resume();
    // The server takes the knock, answers (the kernel discards the answer), and sleeps.
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_for_state(server.pid(), 'S', STARTUP);
    client.signal(Signal::SIGCONT);
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("my first answer was lost\n");
}

#[test]
fn an_answer_wiped_out_at_the_client_is_given_again() {
    answer_wiped_out_at_the_client(&[]);
    answer_wiped_out_at_the_client(&["--payload"]);
    answer_wiped_out_at_the_client(&["--payload", "--one-in-flight"]);
}

/// The server's "done" is wiped out at the client, for certain: a stranger's SIGUSR2 is
/// pending there when it comes. The client sends its last signal again and must be told
/// "done" again; without that it gives up (exit code 6) although its message was
/// printed. (Stage 06's test explains each step.)
fn done_swallowed(options: &[&str]) {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "the knock and the answers") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let message = "done, and done again";
    let usr =
        |mask: procfs::SignalMask| mask.contains(Signal::SIGUSR1) || mask.contains(Signal::SIGUSR2);
    server.stop();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), message]);
    let client = programs.spawn_client(args);
    loop {
        procfs::poll(
            STARTUP,
            "the client's next signal pending at the server",
            || usr(server.pending_signals()).then_some(()),
        );
        client.stop();
        client.signal(Signal::SIGUSR2); // the stranger: this test
        procfs::wait_until_pending(client.pid(), Signal::SIGUSR2, STARTUP);
        server.resume();
        let printed = procfs::poll(STARTUP, "the server's answer", || {
            let printed = server
                .unread_output()
                .ends_with(format!("{message}\n").as_bytes());
            let acked = procfs::pending(client.pid())?.contains(Signal::SIGUSR1);
            (printed || acked).then_some(printed)
        });
        if printed {
            break;
        }
        server.stop();
        client.signal(Signal::SIGCONT);
    }
    client.signal(Signal::SIGCONT);
    let status = client.wait(DEADLINE);
    assert!(status.success(), "{status}: {}", client.stderr.text());
    server.expect_message(format!("{message}\n"));
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "the server printed more after the message"
    );
}

#[test]
fn a_done_swallowed_by_a_stray_signal_is_said_again() {
    done_swallowed(&[]);
    // The steps above wait for answers on SIGUSR1: one chunk in flight. Two in flight
    // has its own test, in two_in_flight.rs.
    done_swallowed(&["--payload", "--one-in-flight"]);
}

#[test]
fn a_bit_wiped_out_by_a_stray_signal_is_sent_again() {
    first_item_wiped_out(&[]);
}

#[test]
fn a_chunk_wiped_out_by_a_stray_signal_is_sent_again() {
    first_item_wiped_out(&["--payload"]);
}

#[test]
fn a_client_killed_mid_message_among_live_ones_leaves_no_trace() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "knowing when the victim is mid-message") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let doomed_message = text(40_000, 7);
    let mut doomed = programs.spawn_client([pid.as_str(), doomed_message.as_str()]);
    server.expect_stderr(&format!("PID {}: receiving", doomed.pid()));

    let live: Vec<String> = (0..4).map(|n| client_message(n, n, 900)).collect();
    let clients: Vec<Process> = live
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let mut args = vec![pid.as_str(), m.as_str()];
            if n % 2 == 1 {
                args.insert(0, "--payload");
            }
            programs.spawn_client(args)
        })
        .collect();
    assert_eq!(
        doomed.try_status(),
        None,
        "the victim finished before it was killed"
    );
    doomed.kill();

    for client in &clients {
        let status = client.wait(DEADLINE);
        assert!(status.success(), "{status}: {}", client.stderr.text());
    }
    server.expect_stderr(&format!("from PID {}: it is gone", doomed.pid()));
    let end = expect_messages_in_any_order(&mut server, &live);
    expect_nothing_after(&mut server, end);
}

#[test]
fn the_server_blocks_both_signals_and_installs_no_handler() {
    let programs = common::programs();
    if !common::own_programs_only(&programs, "how the signals are received") {
        return;
    }
    let server = programs.start_server();
    let blocked = procfs::blocked(server.pid()).expect("running");
    let caught = procfs::caught(server.pid()).expect("running");
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
        assert!(
            blocked.contains(signal),
            "{signal} not blocked: {blocked:?}"
        );
        assert!(
            !caught.contains(signal),
            "{signal} has a handler: {caught:?}"
        );
    }
}

/// Wait until `client` has knocked: our clients then sleep in `read` on their signalfd.
/// Another implementation's client may wait some other way; for it, only "asleep" can be
/// checked, which a client also is before it has sent anything.
fn wait_for_knock(programs: &Programs, client: &Process) {
    if programs.is_external() {
        procfs::wait_for_state(client.pid(), 'S', STARTUP);
    } else {
        procfs::wait_reading_signalfd(client.pid(), STARTUP);
    }
}
