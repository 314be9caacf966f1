//! Only the server moves the client on: the client of an acknowledging stage (03, 04, 05)
//! sends one bit, then waits for the server's answer to it. Two ways to get that wait
//! wrong pass every test that only delivers messages:
//!
//! - **Ignoring the sender.** Plain `sigwait`, or `sigwaitinfo` without a look at
//!   `si_pid`, takes *any* SIGUSR1 as "send the next bit". Another process signalling the
//!   client (a stray `kill`, a second server) then moves it on early.
//! - **Blocking too late.** If the answer signals are not blocked before the first `kill`,
//!   an answer that arrives before the client waits for it is delivered at once (to a
//!   handler, or with the default action) instead of staying pending: the wait that
//!   follows sleeps for an answer that has already come and gone.
//!
//! Both tests assert only what the kernel guarantees. The first stops the server, so that
//! nothing but the test's own signals can reach the client. The second lets the server
//! preempt the client (one CPU, the server real-time: see
//! [`preempt`](crate::harness::preempt)), so the answer *always* arrives before the
//! client's `kill` has returned.
//!
//! `part` is the exercise part of the stage that writes this wait (`Some("wait")` in stage
//! 03): failure messages name it (`part wait: …`), so that whoever reads them knows where
//! to look.

use std::process::ExitStatus;

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::harness::procfs;
use crate::{DEADLINE, Process, Programs, Server};

/// The client's wait must outlast the test: stage 05's client gives up after 5 s of
/// silence by default, and this test keeps the server stopped for a while.
const PATIENT_MS: &str = "600000";

/// How the failure messages begin: the part, when there is one and the programs are the
/// stage's own (another implementation has no exercise parts).
fn blame(programs: &Programs, part: Option<&str>) -> String {
    match part {
        Some(part) if !programs.is_external() => format!("part {part}: "),
        _ => String::new(),
    }
}

/// A stopped server, and a client that has sent its first bit to it and waits. The first
/// byte of `message` decides which signals carry the first two bits.
fn client_waiting_for_its_first_answer(programs: &Programs, message: &str) -> (Server, Process) {
    let programs = programs
        .clone()
        .with_client_env("MINITALK_TIMEOUT_MS", PATIENT_MS);
    let server = programs.start_server();
    server.stop();
    let client = programs.spawn_client([server.pid().to_string().as_str(), message]);
    server.wait_for_pending_from(&client, DEADLINE);
    // The first bit is pending at the stopped server; the client now waits for its answer.
    wait_until_asleep_or_exited(&client);
    (server, client)
}

/// Wait until `client` has taken every signal sent to it and sleeps again (or has
/// exited). Then it has done whatever a signal was going to make it do: once a process
/// sleeps with nothing pending, only a new signal can make it run again.
fn wait_until_asleep_or_exited(client: &Process) {
    procfs::poll(DEADLINE, "the client to take its signals and sleep", || {
        if client.try_status().is_some() {
            return Some(());
        }
        // Pending first, then the state: if nothing was pending and the process sleeps
        // after that, it went back to sleep after taking the last signal.
        let taken = procfs::pending(client.pid())?.is_empty();
        (taken && procfs::state(client.pid())? == 'S').then_some(())
    });
}

/// A stray signal reaches the waiting client: SIGUSR1 (what the server's "got it" looks
/// like), then SIGUSR2 (what its "all printed" looks like), from a stranger (a process of
/// its own, see [`stranger`](crate::harness::stranger)) that is not the server. The
/// client must take both and keep waiting: it neither sends its second bit nor ends. Once
/// the server goes on, the message arrives whole.
pub fn a_stray_signal_does_not_move_the_client_on(programs: &Programs, part: Option<&str>) {
    let blame = blame(programs, part);
    // 'a' is 0110 0001: the first two bits travel as different signals, so a second bit
    // sent to the stopped server would show beside the first in its pending set (stages
    // 04 and 05 begin with a header of zeros: there a second bit is a SIGUSR1 that merges
    // with the first, and the stray SIGUSR2 is what gives such a client away).
    let message = "a stray signal is not an answer";
    let (mut server, client) = client_waiting_for_its_first_answer(programs, message);
    let first = server.pending_signals();
    assert_eq!(first.len(), 1, "one bit in flight: {first:?}");

    for stray in [Signal::SIGUSR1, Signal::SIGUSR2] {
        client.signal(stray);
        wait_until_asleep_or_exited(&client);
        if let Some(status) = client.try_status() {
            client.drain();
            panic!(
                "{blame}the client ended ({status}) when it got a {stray} from a stranger, a \
                 process that is not the server {}: only the server's answers may move it on \
                 (check the sender's PID, `si_pid`, before taking a signal as an answer)\n\
                 its stdout: {:?}\nits stderr: {:?}",
                server.pid(),
                client.stdout.text(),
                client.stderr.text()
            );
        }
        let pending = server.pending_signals();
        assert_eq!(
            pending,
            first,
            "{blame}the client sent another bit after a {stray} from a stranger, a process \
             that is not the server {}: only the server's answers may move it on (check the \
             sender's PID, `si_pid`, before taking a signal as an answer). Pending at the \
             stopped server: {pending:?}, was {first:?}",
            server.pid()
        );
    }

    server.resume();
    let status = finish(&mut server, &client, &blame);
    assert!(
        status.success(),
        "{blame}the client ended with {status} after the strays were ignored\nits stderr: {:?}",
        client.stderr.text()
    );
    // A client that took a stray for an answer sent a bit too early, which a protocol
    // whose bits all travel as SIGUSR1 here hides in the pending set: the message shows it.
    server.expect_message_meaning(
        format!("{message}\n"),
        &format!(
            "{blame}after a stranger's SIGUSR1 and SIGUSR2 the message did not arrive whole: \
             the client probably took a stray signal for the server's answer (check the \
             sender's PID, `si_pid`, before taking a signal as an answer)"
        ),
    );
}

/// The server answers before the client's `kill` has even returned (it preempts the
/// client). An answer signal that is blocked from the start waits, pending, for the
/// client's wait; one that is not is delivered on the spot and lost.
pub fn an_answer_that_comes_before_the_wait_is_kept(programs: &Programs, part: Option<&str>) {
    let blame = blame(programs, part);
    let programs = programs.clone().with_server_preempting_client();
    let mut server = programs.start_server();
    let message = "answered before asked";
    let client = programs.spawn_client([server.pid().to_string().as_str(), message]);
    let status = finish(&mut server, &client, &blame);
    assert!(
        status.success(),
        "{blame}the client ended with {status}\nits stderr: {:?}",
        client.stderr.text()
    );
    server.expect_message(format!("{message}\n"));
}

/// Wait for `client` to exit while it talks to `server`. Fails at once, naming the lost
/// answer, when both sleep with nothing pending and the client waits in a system call
/// that only a signal ends: nobody will ever send one (see [`stuck`]). Like every wait
/// for a sender it also ends when the server exits, and it tells the server's later
/// [`Server::expect_message`] that the client has gone (so that one does not wait out
/// its deadline for a message that cannot come any more).
fn finish(server: &mut Server, client: &Process, blame: &str) -> ExitStatus {
    let lost_answer = || {
        stuck(server.pid(), client.pid()).then(|| {
            "the client waits for an answer that will never come: it sleeps with nothing \
             pending, and so does the server, which has answered its last bit. The answer came \
             before the client waited for it, and was not kept: block SIGUSR1 and SIGUSR2 \
             before the first `kill`, so that an early answer stays pending until the wait \
             takes it"
                .to_owned()
        })
    };
    server
        .wait_for_sender_unless(client, DEADLINE, lost_answer)
        .unwrap_or_else(|why| panic!("{blame}{why}"))
}

/// The system calls a client sleeps in when it waits for a signal and nothing else:
/// `pause`, `rt_sigsuspend`, `rt_sigtimedwait` (`sigwaitinfo`, `sigtimedwait`), or a `read`
/// of a signalfd.
fn waits_for_a_signal(pid: Pid) -> bool {
    let Some((number, arguments)) = procfs::syscall(pid) else {
        return false;
    };
    match number {
        nix::libc::SYS_pause | nix::libc::SYS_rt_sigsuspend | nix::libc::SYS_rt_sigtimedwait => {
            true
        }
        nix::libc::SYS_read => arguments
            .first()
            .and_then(|fd| procfs::fd_target(pid, *fd))
            .is_some_and(|target| target == "anon_inode:[signalfd]"),
        _ => false,
    }
}

/// Whether `client` waits for a signal that nobody will send: it sleeps in a wait for a
/// signal ([`waits_for_a_signal`]) and stayed asleep (its count of voluntary context
/// switches did not move) from before to after a look at the server, which was asleep
/// in a wait for a signal too, with nothing pending. The server only acts on a signal, and
/// the only process that sends it any, the client, slept all along: neither will ever move
/// again. A server asleep in anything else (a `usleep` before it answers, as many do)
/// wakes by itself: it may be about to answer.
fn stuck(server: Pid, client: Pid) -> bool {
    let asleep = |pid| procfs::state(pid) == Some('S');
    let switches = |pid| procfs::status_field(pid, "voluntary_ctxt_switches");
    let before = switches(client);
    if before.is_none() || !asleep(client) || !waits_for_a_signal(client) {
        return false;
    }
    let server_idle = asleep(server)
        && waits_for_a_signal(server)
        && procfs::pending(server).is_some_and(|p| p.is_empty());
    server_idle && asleep(client) && waits_for_a_signal(client) && switches(client) == before
}

/// Writes the two tests, `a_stray_signal_does_not_move_the_client_on` and
/// `an_answer_that_comes_before_the_wait_is_kept`: `answers_tests!()` (stages 04, 05), or
/// `answers_tests!("wait")` where an exercise part writes the wait (stage 03), so that the
/// failures name it.
#[macro_export]
macro_rules! answers_tests {
    () => {
        $crate::answers_tests!(@part None);
    };
    ($part:literal) => {
        $crate::answers_tests!(@part Some($part));
    };
    (@part $part:expr) => {
        #[test]
        fn a_stray_signal_does_not_move_the_client_on() {
            $crate::specs::answers::a_stray_signal_does_not_move_the_client_on(
                &$crate::programs!(),
                $part,
            );
        }

        #[test]
        fn an_answer_that_comes_before_the_wait_is_kept() {
            $crate::specs::answers::an_answer_that_comes_before_the_wait_is_kept(
                &$crate::programs!(),
                $part,
            );
        }
    };
}
