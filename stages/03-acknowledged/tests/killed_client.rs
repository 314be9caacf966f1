//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! As in stage 02, the server keys its state by the sender's PID. With acknowledgements
//! there is one more thing that could go wrong: the server answers the dead client's last
//! bit to a client that no longer runs. Once the dead client has been reaped, `kill` fails
//! with ESRCH, and the server must shrug and go on. This test keeps it a zombie until the
//! end (a zombie still accepts signals, and ignores them), so the server never signals a
//! freed PID that another process might have been given meanwhile.
//!
//! To kill the client mid-byte for certain, the test stops the server first. The client
//! sends one bit and waits for its answer, which a stopped server cannot give.

use minitalk_kit::{DEADLINE, procfs};
use nix::sys::signal::Signal;

#[test]
fn the_next_message_is_intact_after_a_client_dies_mid_byte() {
    let programs = minitalk_kit::programs!();
    let mut server = programs.start_server();
    let pid = server.pid().to_string();

    server.stop();
    let doomed = programs.spawn_client([pid.as_str(), "this message is never finished"]);
    let pending = server.wait_for_pending(DEADLINE);
    assert_eq!(pending.len(), 1, "{pending:?}");
    // Killed, but not reaped: a zombie keeps its PID, so the server's answer to the dead
    // client's bit goes to that zombie (and does nothing), never to a freed PID that
    // another process may have been given. `doomed` lives to the end of the test.
    doomed.signal(Signal::SIGKILL);
    doomed.wait(DEADLINE);
    server.resume();
    // Let the server handle the dead client's bit before the next client starts. Until
    // it has, that signal is pending, and the same signal from the next client would be
    // merged into it: the server would answer the dead PID, and the next client would
    // wait forever for an answer to a bit that never arrived.
    procfs::poll(DEADLINE, "the server to handle the pending bit", || {
        server.pending_signals().is_empty().then_some(())
    });

    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
}
