//! Why pacing by sleeping is fragile, asserting only what the kernel guarantees.
//!
//! The client sleeps after each signal and hopes the server has handled it by then.
//! Nothing makes sure of it: the scheduler may not run the server for a while. This test
//! makes "a while" as long as it takes by stopping the server with SIGSTOP. While it is
//! stopped, each of SIGUSR1 and SIGUSR2 can be pending at most once, because standard
//! signals are not queued: the rest of the message is discarded by the kernel, and the
//! client, which cannot tell, exits 0 all the same.
//!
//! The second test is the other side of the same coin: when the scheduler *guarantees*
//! that the server runs between two signals, the pause is not needed at all.

use minitalk_kit::preempt;
use nix::sys::signal::Signal;

// ANCHOR: test
#[test]
fn a_server_that_is_not_scheduled_loses_all_but_two_signals() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own_client("the signals a sleep-paced client loses") {
        return;
    }
    let server = programs.start_server();
    server.stop();

    // "hi" and its terminator are 24 signals, both kinds among them.
    programs.send(&server, "hi").success();

    let pending = server.pending_signals();
    assert!(pending.contains(Signal::SIGUSR1), "{pending:?}");
    assert!(pending.contains(Signal::SIGUSR2), "{pending:?}");
    assert_eq!(
        pending.len(),
        2,
        "24 signals were sent; exactly one of each kind can be waiting: {pending:?}"
    );
    server.resume();
}
// ANCHOR_END: test

// ANCHOR: preempting
#[test]
fn a_server_that_always_runs_first_needs_no_pause() {
    if !preempt::realtime_permitted() {
        minitalk_kit::skip("this user may not use SCHED_FIFO, which this test is about");
        return;
    }
    // One CPU for both, the server real-time: each `kill` hands the CPU to the server,
    // which handles the bit before the client can send the next one.
    let programs = minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", "0")
        .with_server_preempting_client();
    let mut server = programs.start_server();
    let message = "no pause between these signals. ".repeat(50);
    programs.send(&server, &message).success();
    server.expect_message(format!("{message}\n"));
}
// ANCHOR_END: preempting
