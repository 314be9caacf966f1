//! Nobody waits forever (stages 05 to 07). A client whose server dies or stops answering
//! gives up after its timeout, with exit code 6; a server whose sender dies or goes
//! silent mid-message drops that message and serves the next client.
//!
//! Every test makes the failure happen for certain, with SIGSTOP and SIGKILL, rather than
//! hoping for a timing: a stopped server answers nothing, a killed client sends nothing.
//! Short timeouts make the tests quick, but only where a timeout is the point: a transfer
//! that should succeed keeps the default (5 s), so that a loaded machine that leaves a
//! process unscheduled for a moment cannot fail it.

use nix::sys::signal::Signal;

use super::killed_client::{client_mid_transfer, resume_and_let_it_take_the_dead_bit};
use crate::deadlines::{DEADLINE, STARTUP};
use crate::{Process, Programs, Server};

/// Clients that give up after half a second without an answer.
pub fn impatient_clients(programs: &Programs) -> Programs {
    programs
        .clone()
        .with_client_env("MINITALK_TIMEOUT_MS", "500")
}

/// A server that gives up on a silent sender after `ms` milliseconds.
pub fn server_with_timeout(programs: &Programs, ms: &str) -> Server {
    let mut command = programs.server_command();
    command.env("MINITALK_TIMEOUT_MS", ms);
    Server::start(command)
}

/// How long a client given half a second may take to give up: its timeout, and time to
/// be scheduled on a loaded machine. A client still waiting then waits for nothing.
const GIVING_UP: std::time::Duration = STARTUP;

/// The client gave up: exit code 6 and one line on stderr; ours also say whom they
/// waited for and `reason`. Another implementation may use another code: then a note.
fn assert_gave_up(programs: &Programs, client: &Process, what: &str, reason: &str) {
    let status = client.wait_timeout(GIVING_UP).unwrap_or_else(|| {
        panic!(
            "your client still waits {GIVING_UP:?} after its server {what}: a client must give up \
             when no answer comes (MINITALK_TIMEOUT_MS=500 was set)\nits stderr so far: {:?}",
            client.stderr.text()
        )
    });
    client.drain();
    let stderr = client.stderr.text();
    if programs.external_client() {
        if status.code() != Some(6) || stderr.lines().count() != 1 {
            crate::note(format!(
                "the workbook's clients give up with exit code 6 and one line on stderr; \
                 yours exited ({status}) and printed {stderr:?} on stderr"
            ));
        }
        assert!(
            !status.success(),
            "your client exited 0 although its server {what}: it reports a delivery that did not happen"
        );
        return;
    }
    assert_eq!(status.code(), Some(6), "{status}; stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.contains("no answer from PID"), "{stderr:?}");
    assert!(stderr.contains(reason), "{stderr:?}");
}

/// The server is stopped mid-transfer and stays stopped: alive, but it answers nothing.
pub fn the_client_gives_up_on_a_stopped_server(programs: &Programs) {
    let programs = impatient_clients(programs);
    let server = programs.start_server();
    let (client, _) = client_mid_transfer(&programs, &server);
    assert_gave_up(&programs, &client, "stopped answering", "not answering");
    server.resume();
}

/// The server is killed (and reaped: its PID is gone) mid-transfer.
pub fn the_client_reports_a_server_killed_mid_transfer(programs: &Programs) {
    let programs = impatient_clients(programs);
    let mut server = programs.start_server();
    let (client, _) = client_mid_transfer(&programs, &server);
    server.process().kill();
    assert_gave_up(&programs, &client, "was killed", "the server is gone");
}

/// No short timeout: the server learns of the death from ESRCH, not from the clock.
/// ESRCH comes only once the dead client has been reaped (a zombie still accepts
/// signals), so the client is killed *and reaped* on purpose: the PID is free from here
/// on, and the server never signals it (it checks a sender before answering).
pub fn the_server_recovers_from_a_client_killed_mid_transfer(programs: &Programs) {
    let mut server = programs.start_server();
    let (mut client, _) = client_mid_transfer(programs, &server);
    let dead = client.pid();
    client.kill();
    resume_and_let_it_take_the_dead_bit(&server);
    programs.send(&server, "the next client").success();
    server.expect_message("the next client\n");
    if !programs.is_external() {
        server.expect_stderr(&format!("not answering PID {dead}: it is gone"));
    }
}

/// With a line of clients (stages 06 and 07): a client that goes silent during its turn
/// loses it after the server's timeout (1 s here: the next client's bits are never that
/// far apart, even on a busy machine), the next one in line is served (with
/// `next_options` before the PID), and the silent one, woken up, finds the server's
/// verdict waiting: exit code 7.
pub fn a_client_silent_during_its_turn_loses_it_and_the_next_is_served(
    programs: &Programs,
    next_options: &[&str],
) {
    if programs.skip_unless_own("knowing when the client has its turn (this stage's stderr)") {
        return;
    }
    let mut server = server_with_timeout(programs, "1000");
    let pid = server.pid().to_string();

    let long = "z".repeat(40_000);
    let silent = programs.spawn_client([pid.as_str(), long.as_str()]);
    server.expect_stderr(&format!("PID {}: receiving", silent.pid()));
    silent.stop();

    let mut args = next_options.to_vec();
    args.extend([pid.as_str(), "next in line"]);
    programs.client_to(&server, args, Vec::new()).success();
    server.expect_stderr(&format!("from PID {}: silent for 1s", silent.pid()));
    server.expect_message("next in line\n");

    silent.signal(Signal::SIGCONT);
    let status = silent.wait_with_output(DEADLINE);
    assert_eq!(status.code(), Some(7), "{}", silent.stderr.text());
    assert!(
        silent.stderr.text().contains("silent"),
        "{}",
        silent.stderr.text()
    );
}

/// Writes the tests of clients that give up: `the_client_gives_up_on_a_stopped_server`
/// and `the_client_reports_a_server_killed_mid_transfer` (stages 05 to 07).
#[macro_export]
macro_rules! client_timeout_tests {
    () => {
        $crate::__spec_tests!(timeouts, $crate::programs!();
            the_client_gives_up_on_a_stopped_server,
            the_client_reports_a_server_killed_mid_transfer,
        );
    };
}
