//! What the kernel's own trace proves about stage 03 (see `minitalk-trace`). Skipped,
//! with the reason, where tracefs cannot be used.
//!
//! - A stray sender (a shell with no handler, signalling the server once with each
//!   signal) gets no answer, and afterwards no answer to the client is lost: the client
//!   sends a bit only once it has taken the answer to the previous one, so two answers
//!   are never pending at once.
//! - Isolation: a busy process that signals itself all along, beside the run, never
//!   appears in the trace: not in the kernel's buffer, not in any output.

use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;

use minitalk_trace::pipeline::Shared;
use minitalk_trace::record::Role;
use minitalk_trace::{Outputs, Plan, Program, Protocol, Report, Scheduling, Stray, run};

fn plan(stray: Option<Stray>, message: &[u8]) -> Plan {
    let programs = minitalk_kit::programs!();
    Plan {
        server: Program::new(programs.server_command().get_program()),
        client: Program::new(programs.client_command().get_program()),
        messages: vec![message.to_vec()],
        stdin: false,
        stray,
        scheduling: Scheduling::Free,
        deadline: minitalk_kit::DEADLINE,
        stop_server_at: None,
    }
}

fn traced(plan: &Plan, outputs: Outputs) -> Option<Report> {
    if minitalk_kit::programs!().skip_unless_traceable(minitalk_trace::tracefs::open) {
        return None;
    }
    let protocol = Protocol::of_stage(3, false).unwrap();
    Some(
        run(plan, protocol, outputs, &AtomicBool::new(false))
            .unwrap_or_else(|e| panic!("the traced run failed: {e}")),
    )
}

#[test]
fn under_a_stray_sender_no_answer_is_lost_and_the_stray_gets_none() {
    let Some(report) = traced(&plan(Some(Stray::Before), b"stray"), Outputs::default()) else {
        return;
    };
    let cast = &report.cast;
    let shown = report.summary.render(cast);
    let lane = |role| cast.lanes.iter().position(|l| l.role == role).unwrap();
    let (client, server, stray) = (lane(Role::Client(1)), lane(Role::Server), lane(Role::Stray));
    let count = |from, to, sig| {
        report
            .summary
            .counts
            .get(&(from, to, sig))
            .copied()
            .unwrap_or_default()
    };
    let stray_sent = count(stray, server, 10).sent + count(stray, server, 12).sent;
    assert_eq!(
        stray_sent, 2,
        "the stray's SIGUSR1 and SIGUSR2 are in the trace:\n{shown}"
    );
    assert!(
        !report
            .summary
            .counts
            .keys()
            .any(|&(from, to, _)| from == server && to == stray),
        "the server answered the stray, whose default action would kill it:\n{shown}"
    );
    let bits = count(client, server, 10).sent + count(client, server, 12).sent;
    assert_eq!(
        bits,
        6 * 8,
        "\"stray\" and its terminator, one signal per bit:\n{shown}"
    );
    let (ack, done) = (count(server, client, 10), count(server, client, 12));
    assert_eq!(
        ack.sent + done.sent,
        bits,
        "every bit answered once:\n{shown}"
    );
    assert_eq!(ack.lost + done.lost, 0, "an answer was lost:\n{shown}");
    assert_eq!((done.sent, report.summary.done), (1, 1), "{shown}");
    assert!(report.clients[0].0.is_some_and(|s| s.success()), "{shown}");
}

#[test]
fn no_event_of_a_busy_process_beside_the_run_appears() {
    if minitalk_kit::programs!().skip_unless_traceable(minitalk_trace::tracefs::open) {
        return;
    }
    // Started from another thread, so that it is no descendant of the thread that runs
    // the trace. It catches both signals and sends them to itself without pause.
    let busy = std::thread::spawn(|| {
        let mut command = Command::new("sh");
        command
            .args([
                "-c",
                "trap : USR1 USR2; while :; do kill -USR1 $$; kill -USR2 $$; done",
            ])
            .stdout(Stdio::null());
        minitalk_kit::Process::spawn(command)
    })
    .join()
    .unwrap();
    let raw = Shared::default();
    let timeline = Shared::default();
    let outputs = Outputs {
        raw: Some(Box::new(raw.clone())),
        timeline: Some(Box::new(timeline.clone())),
        window: None,
    };
    let report = traced(&plan(None, b"beside a busy one"), outputs).unwrap();
    assert!(
        busy.try_status().is_none(),
        "the busy signaller ran all along"
    );
    assert_eq!(
        report.foreign, 0,
        "the kernel's filters let events of other processes into our buffer"
    );
    let ours: Vec<String> = report
        .cast
        .lanes
        .iter()
        .map(|l| l.pid.to_string())
        .collect();
    let raw = raw.text();
    let busy_pid = busy.pid().to_string();
    for line in raw.lines().filter(|l| !l.starts_with('#')) {
        let event = minitalk_trace::event::parse(line).expect("the record holds only events");
        assert!(
            ours.contains(&event.tid.to_string()),
            "not one of ours: {line}"
        );
        assert!(
            !line.contains(&format!("-{busy_pid} ")),
            "the busy process: {line}"
        );
        if let minitalk_trace::event::Kind::Generate { target, .. } = event.kind {
            assert!(
                ours.contains(&target.to_string()),
                "to a process not ours: {line}"
            );
        }
    }
    let timeline = timeline.text();
    assert_eq!(
        timeline.lines().count() as u64,
        report.summary.counts.values().map(|c| c.sent).sum::<u64>()
    );
    assert!(!timeline.contains(&busy_pid));
    assert_eq!(
        report.summary.done,
        1,
        "{}",
        report.summary.render(&report.cast)
    );
}
