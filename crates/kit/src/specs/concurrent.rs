//! Many clients at once, stray signals, and a client that dies in the middle (stages 06
//! and 07): every message is printed exactly once, whole, and nothing else is.
//!
//! Standard signals coalesce: while a SIGUSR1 is pending, another SIGUSR1 is discarded,
//! whoever sent it. So these tests do not *hope* for collisions; where a loss matters,
//! they arrange it for certain by stopping processes with SIGSTOP (a stopped process
//! takes no signal out of its pending set) and checking `/proc` before going on. The
//! stranger that makes a signal pending is always a process of its own (see
//! [`stranger`](crate::harness::stranger)), never the test.
//!
//! Each function takes the client's `options`, put before the PID: `&[]` for the classic
//! protocol, `&["--payload"]` for stage 07's other mode.

use nix::sys::signal::Signal;

use crate::deadlines::{DEADLINE, STARTUP};
use crate::harness::content::{client_message, text};
use crate::harness::crowd;
use crate::harness::procfs;
use crate::harness::stranger::stray_sender;
use crate::harness::unordered::{expect_messages_in_any_order, expect_nothing_after};
use crate::{Process, Programs, Server};

/// Options for the client `client` of a crowd: `mixed`'s for odd clients, none for even.
fn alternating(mixed: &'static [&'static str]) -> impl Fn(usize) -> &'static [&'static str] + Sync {
    move |client| if client % 2 == 1 { mixed } else { &[] }
}

/// Run 8 clients at once, each sending 3 messages (of up to `longest` characters) one
/// after the other, odd ones with `mixed` options; then expect every message printed
/// once, whole, and nothing else.
fn eight_clients(
    programs: &Programs,
    server: &mut Server,
    longest: usize,
    mixed: &'static [&'static str],
) {
    // Another implementation's clients all speak the subject's protocol.
    let mixed = if programs.client_takes(mixed) {
        mixed
    } else {
        &[]
    };
    let batches = crowd::messages(8, 3, longest);
    crowd::send_at_once(programs, server, &batches, alternating(mixed));
    let end = expect_messages_in_any_order(server, &batches.concat());
    expect_nothing_after(server, end);
}

/// Eight clients at once, three messages each, odd clients with `mixed` options.
pub fn eight_clients_at_once_every_message_printed_once_and_whole(
    programs: &Programs,
    mixed: &'static [&'static str],
) {
    let mut server = programs.start_server();
    eight_clients(programs, &mut server, 900, mixed);
}

/// The same with a stray sender signalling the server all along: nothing is corrupted,
/// and the server never answers the stranger (it would die of it). Shorter messages:
/// every signal the noise wipes out costs the client a resend and tens of milliseconds.
pub fn stray_signals_during_transfers_corrupt_nothing_and_are_never_answered(
    programs: &Programs,
    mixed: &'static [&'static str],
) {
    let mut server = programs.start_server();
    let stray = stray_sender(server.pid());
    // The noise has started before the first client: seen pending at the server, held
    // stopped for the look. A running server takes each stray signal within microseconds,
    // so a poll of /proc could miss every one of them.
    server.stop();
    server.wait_for_pending_from(&stray, DEADLINE);
    server.resume();
    eight_clients(programs, &mut server, 300, mixed);
    assert_eq!(
        stray.try_status(),
        None,
        "the stray sender died: the server signalled a process it had not checked"
    );
    if !programs.is_external() {
        server.expect_stderr("stray signal(s)");
    }
}

/// Stop the server and make both signals pending there from a stranger: while they are,
/// anything a client sends is discarded by the kernel.
fn both_signals_pending_from_a_stranger(server: &Server) {
    server.stop();
    server.signal(Signal::SIGUSR1);
    server.signal(Signal::SIGUSR2);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR2, STARTUP);
}

/// Start the client with `options` before the PID.
fn spawn_with(programs: &Programs, server: &Server, options: &[&str], message: &str) -> Process {
    let pid = server.pid().to_string();
    let mut args = options.to_vec();
    args.extend([pid.as_str(), message]);
    programs.spawn_client(args)
}

/// The client's first signal (its knock) is lost for certain: the server is stopped with
/// both signals pending from a stranger when it is sent. Only a knock sent again can
/// start the transfer.
pub fn a_knock_wiped_out_by_a_stray_signal_is_repeated(programs: &Programs) {
    let mut server = programs.start_server();
    both_signals_pending_from_a_stranger(&server);
    let client = spawn_with(programs, &server, &[], "knock, knock");
    // Wait until it has been sent: our clients then sleep reading their signalfd,
    // waiting for an answer (merely sleeping proves nothing: it may not have knocked
    // yet). Another implementation's client may wait some other way; for it, only
    // "asleep" can be checked.
    if programs.is_external() {
        procfs::wait_for_state(client.pid(), 'S', STARTUP);
    } else {
        procfs::wait_reading_signalfd(client.pid(), STARTUP);
    }
    server.resume();
    server.expect_exit_success(&client, "the client whose knock was wiped out");
    server.expect_message("knock, knock\n");
}

/// The first bit (classic) or chunk (payload) of a message is wiped out for certain: the
/// server is stopped with both signals pending from a stranger when the client sends it.
/// Only a resend can complete the message.
pub fn the_first_item_wiped_out_by_a_stray_signal_is_sent_again(
    programs: &Programs,
    options: &[&str],
) {
    if programs.skip_unless_own("the steps below follow this stage's own knock and answers") {
        return;
    }
    let mut server = programs.start_server();
    // 1. The client knocks while the server is stopped; then the client is stopped too.
    server.stop();
    let client = spawn_with(
        programs,
        &server,
        options,
        "the first signal of this was lost",
    );
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    client.stop();
    // 2. The server gives it the turn: "your turn" waits, pending, at the stopped client.
    server.resume();
    procfs::wait_until_pending(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_until_taken(server.pid(), Signal::SIGUSR1, STARTUP);
    // 3. The server stops again, and a stranger makes both signals pending there.
    both_signals_pending_from_a_stranger(&server);
    // 4. The client goes on: takes its turn and sends its first item, which the kernel
    //    discards (a signal of that number is pending already). It then sleeps, waiting.
    client.signal(Signal::SIGCONT);
    procfs::wait_until_taken(client.pid(), Signal::SIGUSR1, STARTUP);
    procfs::wait_for_state(client.pid(), 'S', STARTUP);
    // 5. The server finds only the stranger's two signals. Only a resend can complete
    //    the message.
    server.resume();
    server.expect_exit_success(&client, "the client whose first signal was wiped out");
    server.expect_message("the first signal of this was lost\n");
    server.expect_stderr("ignored 2 stray signal(s)");
}

/// The server's answer to the knock is wiped out *at the client*, for certain: a
/// stranger's SIGUSR1 is pending there when it comes. The client's resent knock gets the
/// answer again.
pub fn an_answer_wiped_out_at_the_client_is_given_again(programs: &Programs, options: &[&str]) {
    if programs.skip_unless_own("the steps below follow this stage's own knock and answers") {
        return;
    }
    let mut server = programs.start_server();
    // 1. The client knocks while the server is stopped; then the client is stopped too.
    server.stop();
    let client = spawn_with(programs, &server, options, "my first answer was lost");
    procfs::wait_until_pending(server.pid(), Signal::SIGUSR1, STARTUP);
    client.stop();
    // 2. A stranger makes SIGUSR1 pending at the client.
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
    server.expect_exit_success(&client, "the client whose first answer was wiped out");
    server.expect_message("my first answer was lost\n");
}

/// The server's "done" is wiped out at the client, for certain: a stranger's SIGUSR2 is
/// pending there when it comes. The client sends its last signal again and must be told
/// "done" again (the server logs "sent its last bit again: done"); without that, it
/// gives up with exit code 6 although its message was printed.
pub fn a_done_swallowed_by_a_stray_signal_is_said_again(programs: &Programs, options: &[&str]) {
    if programs.skip_unless_own("the steps below follow this stage's own knock and answers") {
        return;
    }
    let mut server = programs.start_server();
    let message = "done, and done again";
    let usr =
        |mask: procfs::SignalMask| mask.contains(Signal::SIGUSR1) || mask.contains(Signal::SIGUSR2);
    // One signal at a time, only one of the two processes running: the knock, then every
    // bit. Before the server takes each one, a stranger's SIGUSR2 waits at the stopped
    // client. It is harmless while the answers are acks (SIGUSR1, taken first); the
    // server's "done" (SIGUSR2) merges with it and is lost for certain.
    server.stop();
    let client = spawn_with(programs, &server, options, message);
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
    client.signal(Signal::SIGCONT);
    server.expect_exit_success(&client, "the client whose \"done\" was wiped out");
    server.expect_message(format!("{message}\n"));
    assert_eq!(
        String::from_utf8_lossy(&server.unread_output()),
        "",
        "the server printed more after the message"
    );
}

/// A client killed in the middle of a long message while four others (odd ones with
/// `mixed` options) wait in line: the server drops what it had of the dead one's
/// message, says so, and prints every live message once, whole.
pub fn a_client_killed_mid_message_among_live_ones_leaves_no_trace(
    programs: &Programs,
    mixed: &'static [&'static str],
) {
    if programs.skip_unless_own("knowing when the victim is mid-message (this stage's stderr)") {
        return;
    }
    let mut server = programs.start_server();
    // Long enough that it cannot finish in the moment between the report and the kill.
    let doomed_message = text(40_000, 7);
    let mut doomed = spawn_with(programs, &server, &[], &doomed_message);
    server.expect_stderr(&format!("PID {}: receiving", doomed.pid()));

    let options = alternating(mixed);
    let live: Vec<String> = (0..4).map(|n| client_message(n, n, 900)).collect();
    let clients: Vec<Process> = live
        .iter()
        .enumerate()
        .map(|(n, message)| spawn_with(programs, &server, options(n), message))
        .collect();
    assert_eq!(
        doomed.try_status(),
        None,
        "the victim finished before it was killed"
    );
    doomed.kill();

    for client in &clients {
        server.expect_exit_success(client, "a client in line behind the killed one");
    }
    server.expect_stderr(&format!("from PID {}: it is gone", doomed.pid()));
    let end = expect_messages_in_any_order(&mut server, &live);
    expect_nothing_after(&mut server, end);
}

/// No handler: the server blocks SIGUSR1 and SIGUSR2 for good and reads them from a
/// `signalfd`. `/proc/PID/status` shows it: both blocked (`SigBlk`), neither caught
/// (`SigCgt`), at rest and in the middle of a transfer.
pub fn the_server_blocks_both_signals_and_installs_no_handler(programs: &Programs) {
    if programs.skip_unless_own("how the signals are received is this stage's own choice") {
        return;
    }
    let mut server = programs.start_server();
    assert_blocked_not_caught(&server, "at rest");

    let message = "x".repeat(5_000);
    let client = spawn_with(programs, &server, &[], &message);
    server.expect_stderr("receiving 5000 bytes");
    assert_blocked_not_caught(&server, "during a transfer");
    server.expect_exit_success(&client, "the client");
    server.expect_message(format!("{message}\n"));
}

fn assert_blocked_not_caught(server: &Server, when: &str) {
    let blocked = procfs::blocked(server.pid()).expect("the server is running");
    let caught = procfs::caught(server.pid()).expect("the server is running");
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
        assert!(
            blocked.contains(signal),
            "{signal} is not blocked {when}: {blocked:?}"
        );
        assert!(
            !caught.contains(signal),
            "{signal} has a handler {when}: {caught:?}"
        );
    }
}

/// Writes a stage's concurrency tests, in a module `concurrency`: eight clients at once,
/// with stray signals too, a knock, a first bit, an answer and a "done" each wiped out by
/// a stranger's signal, and a client killed among live ones.
///
/// - `concurrency_tests!(classic)`, stage 06: every client in the classic protocol.
/// - `concurrency_tests!(with_payload)`, stage 07: odd clients of a crowd use
///   `--payload`, an answer wiped out is tried in every mode (payload with one and with
///   two chunks in flight), a "done" swallowed in classic mode and with one chunk in
///   flight (its steps wait for answers on SIGUSR1; two in flight has a test of its own,
///   the stage's `two_in_flight.rs`), and `a_chunk_wiped_out_by_a_stray_signal_is_sent_again`
///   is the payload mode's first chunk.
#[macro_export]
macro_rules! concurrency_tests {
    (classic) => {
        mod concurrency {
            $crate::__concurrency_tests!(&[&[]], &[&[]], &[]);
        }
    };
    (with_payload) => {
        mod concurrency {
            $crate::__concurrency_tests!(
                &[&[], &["--payload"], &["--payload", "--one-in-flight"]],
                &[&[], &["--payload", "--one-in-flight"]],
                &["--payload"]
            );

            #[test]
            fn a_chunk_wiped_out_by_a_stray_signal_is_sent_again() {
                $crate::specs::concurrent::the_first_item_wiped_out_by_a_stray_signal_is_sent_again(
                    &programs(),
                    &["--payload"],
                );
            }
        }
    };
}

/// The part of [`concurrency_tests!`](crate::concurrency_tests) that stages 06 and 07
/// share: `$answers` and `$dones`, the client's options for each run of the answer and
/// the "done" test; `$mixed`, the options of odd clients.
#[doc(hidden)]
#[macro_export]
macro_rules! __concurrency_tests {
    ($answers:expr, $dones:expr, $mixed:expr) => {
        use $crate::specs::concurrent as spec;

        fn programs() -> $crate::Programs {
            $crate::programs!()
        }

        #[test]
        fn eight_clients_at_once_every_message_printed_once_and_whole() {
            spec::eight_clients_at_once_every_message_printed_once_and_whole(&programs(), $mixed);
        }

        #[test]
        fn stray_signals_during_transfers_corrupt_nothing_and_are_never_answered() {
            spec::stray_signals_during_transfers_corrupt_nothing_and_are_never_answered(
                &programs(),
                $mixed,
            );
        }

        #[test]
        fn a_knock_wiped_out_by_a_stray_signal_is_repeated() {
            spec::a_knock_wiped_out_by_a_stray_signal_is_repeated(&programs());
        }

        #[test]
        fn a_bit_wiped_out_by_a_stray_signal_is_sent_again() {
            spec::the_first_item_wiped_out_by_a_stray_signal_is_sent_again(&programs(), &[]);
        }

        #[test]
        fn an_answer_wiped_out_at_the_client_is_given_again() {
            let modes: &[&[&str]] = $answers;
            for options in modes {
                spec::an_answer_wiped_out_at_the_client_is_given_again(&programs(), options);
            }
        }

        #[test]
        fn a_done_swallowed_by_a_stray_signal_is_said_again() {
            let modes: &[&[&str]] = $dones;
            for options in modes {
                spec::a_done_swallowed_by_a_stray_signal_is_said_again(&programs(), options);
            }
        }

        #[test]
        fn a_client_killed_mid_message_among_live_ones_leaves_no_trace() {
            spec::a_client_killed_mid_message_among_live_ones_leaves_no_trace(&programs(), $mixed);
        }
    };
}
