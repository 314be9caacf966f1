//! A stray sender: a process that signals a server once without being a client (a
//! shell's `kill -USR1 $SERVER`, a typo) must get no answer, which would kill it.

use std::process::Command;

use crate::harness::process::die_with_the_test;
use crate::harness::procfs;
use crate::{DEADLINE, Process, Programs, STARTUP};

/// What an acknowledging server (stages 03 and 05 test it) does with a process that
/// signals it once without being a client.
///
/// The server answers every bit with a signal, and SIGUSR1's default action is to
/// terminate. So a process that signals the server without a handler of its own (a
/// shell's `kill -USR1 $SERVER`, a typo) must not get an answer: it would die of it. The
/// server checks a sender on its first bit, as the client checks the server, says on
/// stderr that it will not answer, and drops the bit. The next client is not disturbed.
///
/// The stray is looked at twice: once the server has taken its signal, and again once the
/// next client's message is printed. An answer sent late (a server that sleeps before it
/// answers) has arrived by then; one still pending, or the SIGKILL the kernel adds for a
/// fatal signal being delivered, is an answer all the same.
pub fn a_sender_without_a_handler_gets_no_answer_and_survives(programs: &Programs) {
    let mut server = programs.start_server();

    // A shell that signals the server once, then becomes `sleep`: neither catches nor
    // blocks SIGUSR1 or SIGUSR2. A process this test created, so safe to inspect.
    let mut command = Command::new("sh");
    command
        .args(["-c", "kill -USR1 \"$SERVER_PID\"; exec sleep 1000"])
        .env("SERVER_PID", server.pid().to_string());
    die_with_the_test(&mut command);
    let stray = Process::spawn(command);
    // `kill` is done once the shell has become `sleep`: the signal is then pending at
    // the server, or already taken.
    let died_of_an_answer = |status: std::process::ExitStatus| -> ! {
        panic!(
            "the server answered a process that does not catch SIGUSR1 and killed it ({status}): \
             it must check a sender before it answers (a shell's `kill -USR1 $SERVER` would die)"
        )
    };
    procfs::poll(STARTUP, "the stray sender to have signalled", || {
        if let Some(status) = stray.try_status() {
            died_of_an_answer(status);
        }
        (procfs::status_field(stray.pid(), "Name")? == "sleep").then_some(())
    });
    procfs::poll(DEADLINE, "the server to take the stray signal", || {
        server.pending_signals().is_empty().then_some(())
    });
    if !programs.is_external() {
        // Said after the check, instead of answering: from here on, no answer can come.
        server.expect_stderr(&format!("not answering PID {}", stray.pid()));
    }

    let unharmed = || {
        if let Some(status) = stray.try_status() {
            died_of_an_answer(status);
        }
        let pending = procfs::pending(stray.pid()).expect("the stray sender is alive");
        assert!(
            pending.is_empty(),
            "the server answered a process that does not catch SIGUSR1 ({} pending at it: it \
             dies of it): it must check a sender before it answers (a shell's `kill -USR1 \
             $SERVER` would die)",
            pending.names()
        );
    };
    unharmed();

    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
    unharmed();
}

/// Writes the test of stages 03 and 05, `a_sender_without_a_handler_gets_no_answer_and_survives`.
#[macro_export]
macro_rules! stray_sender_tests {
    () => {
        $crate::__spec_tests!(stray, $crate::programs!();
            a_sender_without_a_handler_gets_no_answer_and_survives,
        );
    };
}
