//! Many clients at once, stray signals, and a client that dies in the middle: every
//! message is printed exactly once, whole, and nothing else is.
//!
//! Standard signals coalesce: while a SIGUSR1 is pending, another SIGUSR1 is discarded,
//! whoever sent it. So these tests do not *hope* for collisions; where a loss matters,
//! they arrange it for certain by stopping processes with SIGSTOP (a stopped process
//! takes no signal out of its pending set) and checking `/proc` before going on.

use minitalk_kit::content::{client_message, text};
use minitalk_kit::specs::crowd;
use minitalk_kit::specs::stray::stray_sender;
use minitalk_kit::unordered::{expect_messages_in_any_order, expect_nothing_after};
use minitalk_kit::{DEADLINE, Process, Programs, STARTUP, Server, procfs};
use nix::sys::signal::Signal;

fn programs() -> Programs {
    minitalk_kit::programs!()
}

/// Run 8 clients at once, each sending 3 messages (of up to `longest` characters) one
/// after the other; returns them all.
fn eight_clients_three_messages_each(
    programs: &Programs,
    server: &Server,
    longest: usize,
) -> Vec<String> {
    let batches = crowd::messages(8, 3, longest);
    crowd::send_at_once(programs, server, &batches, |_| &[]);
    batches.concat()
}

#[test]
fn eight_clients_at_once_every_message_printed_once_and_whole() {
    let programs = programs();
    let mut server = programs.start_server();
    let sent = eight_clients_three_messages_each(&programs, &server, 900);
    let end = expect_messages_in_any_order(&mut server, &sent);
    expect_nothing_after(&mut server, end);
}

#[test]
fn stray_signals_during_transfers_corrupt_nothing_and_are_never_answered() {
    let programs = programs();
    let mut server = programs.start_server();
    let stray = stray_sender(server.pid());
    // The noise has started before the first client.
    server.wait_for_pending(DEADLINE);
    // Shorter messages: every signal the noise wipes out costs the client a resend and
    // tens of milliseconds.
    let sent = eight_clients_three_messages_each(&programs, &server, 300);
    let end = expect_messages_in_any_order(&mut server, &sent);
    expect_nothing_after(&mut server, end);
    assert_eq!(
        stray.try_status(),
        None,
        "the stray sender died: the server signalled a process it had not checked"
    );
    if !programs.is_external() {
        server.expect_stderr("stray signal(s)");
    }
}

#[test]
fn a_knock_wiped_out_by_a_stray_signal_is_repeated() {
    let programs = programs();
    let mut server = programs.start_server();
    // Both signals pending from a stranger (this test): while they are, anything a client
    // sends is discarded by the kernel.
    server.stop();
    server.signal(Signal::SIGUSR1);
    server.signal(Signal::SIGUSR2);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR2, STARTUP);
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "knock, knock"]);
    // The client's first signal is lost for certain: wait until it has been sent (the
    // client then sleeps reading its signalfd, waiting for an answer; merely sleeping
    // proves nothing, it may not have knocked yet).
    wait_for_knock(&programs, &client);
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("knock, knock\n");
}

#[test]
fn a_done_swallowed_by_a_stray_signal_is_said_again() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the steps below follow this stage's own knock and answers");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    let message = "done, and done again";
    let usr =
        |mask: procfs::SignalMask| mask.contains(Signal::SIGUSR1) || mask.contains(Signal::SIGUSR2);
    // One signal at a time, only one of the two processes running: the knock, then every
    // bit. Before the server takes each one, a stranger's SIGUSR2 waits at the stopped
    // client. It is harmless while the answers are acks (SIGUSR1, taken first); the
    // server's "done" (SIGUSR2) merges with it and is lost for certain.
    server.stop();
    let client = programs.spawn_client([pid.as_str(), message]);
    loop {
        procfs::poll(
            STARTUP,
            "the client's next signal pending at the server",
            || usr(server.pending_signals()).then_some(()),
        );
        client.stop();
        client.signal(Signal::SIGUSR2);
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
    // The client hears no "done": it sends its last bit again, and must hear it then
    // (the server logs "sent its last bit again: done"). Without that, it gives up with
    // exit code 6 although its message was printed.
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
fn a_bit_wiped_out_by_a_stray_signal_is_sent_again() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the steps below follow this stage's own knock and answers");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();

    // 1. The client knocks while the server is stopped; then the client is stopped too.
    server.stop();
    let client = programs.spawn_client([pid.as_str(), "the first bit of this was lost"]);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    client.stop();
    // 2. The server gives it the turn: "send bit 0" waits, pending, at the stopped client.
    server.resume();
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    // 3. The server stops again, and a stranger makes both signals pending there.
    server.stop();
    server.signal(Signal::SIGUSR1);
    server.signal(Signal::SIGUSR2);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR2, STARTUP);
    // 4. The client goes on: takes its turn and sends bit 0, which the kernel discards
    //    (a signal of that number is pending already). It then sleeps, waiting.
    client.signal(Signal::SIGCONT);
    procfs::wait_until_taken(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_for_state(client.pid(), 'S', STARTUP);
    // 5. The server finds only the stranger's two signals. Only a resent bit 0 can
    //    complete the message.
    server.resume();
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("the first bit of this was lost\n");
    server.expect_stderr("ignored 2 stray signal(s)");
}

#[test]
fn an_answer_wiped_out_at_the_client_is_given_again() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: the steps below follow this stage's own knock and answers");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    // 1. The client knocks while the server is stopped; then the client is stopped too.
    server.stop();
    let client = programs.spawn_client([pid.as_str(), "my first answer was lost"]);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    client.stop();
    // 2. A stranger (this test) makes SIGUSR1 pending at the client.
    client.signal(Signal::SIGUSR1);
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP);
    // 3. The server takes the knock and answers "your turn": the kernel discards the
    //    answer, a SIGUSR1 is pending there already. Then the server sleeps.
    server.resume();
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_for_state(server.pid(), 'S', STARTUP);
    // 4. The client finds only the stranger's signal, knocks again, and is answered
    //    again.
    client.signal(Signal::SIGCONT);
    assert!(client.wait(DEADLINE).success(), "{}", client.stderr.text());
    server.expect_message("my first answer was lost\n");
}

#[test]
fn a_client_killed_mid_message_among_live_ones_leaves_no_trace() {
    let programs = programs();
    if programs.is_external() {
        eprintln!("SKIPPED: knowing when the victim is mid-message needs this stage's stderr");
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    // Long enough that it cannot finish in the moment between the report and the kill.
    let doomed_message = text(40_000, 7);
    let mut doomed = programs.spawn_client([pid.as_str(), doomed_message.as_str()]);
    server.expect_stderr(&format!("PID {}: receiving", doomed.pid()));

    let live: Vec<String> = (0..4).map(|n| client_message(n, n, 900)).collect();
    let clients: Vec<Process> = live
        .iter()
        .map(|m| programs.spawn_client([pid.as_str(), m.as_str()]))
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
