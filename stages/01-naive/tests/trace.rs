//! What the kernel's own trace proves about stage 01 (see `minitalk-trace`): with no
//! pause, a client that runs before the server can take anything loses signals, and the
//! kernel names each one (`signal_generate` with `res=2`: merged into one already pending).
//!
//! The scheduling makes it certain, not likely: both processes on one CPU, the client
//! real-time, so the server cannot run until the client has sent its last signal. Then
//! only the first SIGUSR1 and the first SIGUSR2 find nothing pending. Skipped, with the
//! reason, where tracefs cannot be used.

use std::sync::atomic::AtomicBool;

use minitalk_trace::record::Role;
use minitalk_trace::{Outputs, Plan, Program, Protocol, Scheduling, run};

#[test]
fn with_no_pause_and_the_client_first_the_kernel_reports_merged_signals() {
    if minitalk_kit::programs!().skip_unless_traceable(minitalk_trace::tracefs::open) {
        return;
    }
    let programs = minitalk_kit::programs!();
    let plan = Plan {
        server: Program::new(programs.server_command().get_program()),
        client: Program::new(programs.client_command().get_program()).env("MINITALK_DELAY_US", "0"),
        messages: vec![b"hi".to_vec()],
        stdin: false,
        stray: None,
        scheduling: Scheduling::ClientFirst,
        deadline: minitalk_kit::DEADLINE,
        stop_server_at: None,
    };
    let protocol = Protocol::of_stage(1, false).unwrap();
    let report = run(&plan, protocol, Outputs::default(), &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("the traced run failed: {e}"));
    let cast = &report.cast;
    let lane = |role| cast.lanes.iter().position(|l| l.role == role).unwrap();
    let (client, server) = (lane(Role::Client(1)), lane(Role::Server));
    let sent = |sig| {
        report
            .summary
            .counts
            .get(&(client, server, sig))
            .copied()
            .unwrap_or_default()
    };
    let (usr1, usr2) = (sent(10), sent(12));
    let shown = report.summary.render(cast);
    // "hi" and its terminator: 24 bits, 17 zeros (SIGUSR1) and 7 ones (SIGUSR2).
    assert_eq!(
        (usr1.sent, usr2.sent),
        (17, 7),
        "every bit is in the trace:\n{shown}"
    );
    assert_eq!(
        (usr1.arrived, usr2.arrived),
        (1, 1),
        "with the server unable to run, only the first of each signal finds nothing pending:\n{shown}"
    );
    assert_eq!(usr1.lost + usr2.lost, 22, "{shown}");
    let first = report
        .summary
        .first_lost
        .as_ref()
        .expect("a lost signal is named");
    assert_eq!(
        first.item(),
        Some(2),
        "'h' is 0110 1000: bit 2 is the second 1\n{shown}"
    );
    assert_eq!(report.foreign, 0);
}
