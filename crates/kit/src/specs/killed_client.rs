//! A client killed half-way through a byte must not corrupt the next client's message.
//!
//! A server that kept one byte-in-progress for everybody (stage 01's) would make the dead
//! client's stray bits the first bits of the next message. From stage 02 on, a server
//! keys its state by the sender's PID.
//!
//! To kill the client *mid-byte* for certain, the test stops the server first. While it
//! is stopped, at most one SIGUSR1 and one SIGUSR2 can be pending, so however far the
//! client got, the server will see at most two of its bits: never a whole byte.

use nix::sys::signal::Signal;

use crate::deadlines::DEADLINE;
use crate::harness::procfs;
use crate::{Process, Programs, Server};

/// Stop the server, start a client, and return it once one of its signals is pending:
/// it is mid-transfer. Fails at once if the client exits without sending anything.
pub fn client_mid_transfer(programs: &Programs, server: &Server) -> (Process, procfs::SignalMask) {
    server.stop();
    let pid = server.pid().to_string();
    let client = programs.spawn_client([pid.as_str(), "this message is never finished"]);
    let pending = server.wait_for_pending_from(&client, DEADLINE);
    (client, pending)
}

/// Let the server go on and wait until it has taken what the dead client left pending.
/// Until it has, the same signal from the next client would be merged into it: the
/// server would answer the dead PID, and the next client would wait forever for an
/// answer to a bit that never arrived.
pub fn resume_and_let_it_take_the_dead_bit(server: &Server) {
    server.resume();
    procfs::poll(DEADLINE, "the server to handle the pending bit", || {
        server.pending_signals().is_empty().then_some(())
    });
}

/// The sleep-paced form (stage 02): the client does not wait for answers, so as many as
/// two of its signals (one of each kind) may be pending when it is killed, and it is
/// killed and reaped at once.
pub fn the_next_message_is_intact_after_a_sleep_paced_client_dies_mid_byte(programs: &Programs) {
    let mut server = programs.start_server();
    let (mut doomed, pending) = client_mid_transfer(programs, &server);
    assert!(pending.len() <= 2, "{pending:?}");
    doomed.kill();
    server.resume();

    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
}

/// The acknowledged form (stages 03 and 04). There is one more thing that could go
/// wrong: the server answers the dead client's last bit to a client that no longer runs.
/// Once the dead client has been reaped, `kill` fails with ESRCH, and the server must
/// shrug and go on. This test keeps it a zombie until the end (a zombie still accepts
/// signals, and ignores them), so the server never signals a freed PID that another
/// process might have been given meanwhile. The client sends one bit and waits for its
/// answer, which a stopped server cannot give: exactly one signal is pending.
pub fn the_next_message_is_intact_after_a_client_dies_mid_byte(programs: &Programs) {
    let mut server = programs.start_server();
    let (doomed, pending) = client_mid_transfer(programs, &server);
    assert_eq!(pending.len(), 1, "one bit in flight, no more: {pending:?}");
    // Killed, but not reaped: `doomed` lives to the end of the test.
    doomed.signal(Signal::SIGKILL);
    doomed.wait(DEADLINE);
    resume_and_let_it_take_the_dead_bit(&server);

    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
}

/// Writes a stage's test of a client killed mid-byte, `the_next_message_is_intact_after_a_client_dies_mid_byte`:
/// `killed_client_tests!(sleep_paced)` for stage 02,
/// `killed_client_tests!(acknowledged)` from stage 03 on.
#[macro_export]
macro_rules! killed_client_tests {
    (sleep_paced) => {
        #[test]
        fn the_next_message_is_intact_after_a_client_dies_mid_byte() {
            $crate::specs::killed_client::the_next_message_is_intact_after_a_sleep_paced_client_dies_mid_byte(
                &$crate::programs!().sleep_paced(),
            );
        }
    };
    (acknowledged) => {
        $crate::__spec_tests!(killed_client, $crate::programs!();
            the_next_message_is_intact_after_a_client_dies_mid_byte,
        );
    };
}
