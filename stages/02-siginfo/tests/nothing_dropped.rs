//! The server says it dropped bits only when it did. The handler runs only inside
//! `sigsuspend`, once per return, and the main loop drains the queue after every return, so
//! with one client at a time the queue never fills: nothing is dropped, and nothing is said
//! about it.

use std::time::Instant;

use minitalk_kit::{DEADLINE, Programs, SLEEP_PACED_DELAY_US};

fn programs() -> Programs {
    minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", SLEEP_PACED_DELAY_US)
        .with_server_preempting_client()
}

#[test]
fn a_server_that_dropped_nothing_reports_no_dropped_bits() {
    let programs = programs();
    if programs.skip_unless_own("the stderr report") {
        return;
    }
    let mut server = programs.start_server();
    for message in ["one", "two"] {
        programs.send(&server, message).success();
        server.expect_message(format!("{message}\n"));
    }
    // The report of the second message comes after everything the server said while it
    // received the first one, in the same pipe: wait for both reports.
    let said = server
        .process()
        .stderr
        .wait_until(Instant::now() + DEADLINE, |bytes, _| {
            let text = String::from_utf8_lossy(bytes);
            (text.matches("3 bytes from PID").count() == 2).then(|| text.into_owned())
        })
        .unwrap_or_else(|so_far| panic!("two reports on the server's stderr: {so_far:?}"));
    assert!(
        !said.contains("dropped"),
        "the server reports dropped bits although the queue never filled (part handler: \
         count a bit as dropped only when the queue refuses it; part main_loop: report \
         only a count above 0). Its stderr: {said:?}"
    );
}
