//! The PID a server prints is where the tracer sends clients, a stray and SIGSTOP: it
//! must be the process the tracer started or one of its descendants. A server that
//! prints another process's PID (here its parent's: this test's) is refused before any
//! signal goes anywhere. Skipped, with the reason, where tracefs cannot be used.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use minitalk_trace::{Outputs, Plan, Program, Protocol, Scheduling, Stray, run};

#[test]
fn a_server_that_prints_a_pid_not_its_own_is_refused_before_any_signal() {
    if let Err(why) = minitalk_trace::tracefs::open() {
        eprintln!("skipped: tracefs: {why}");
        return;
    }
    // Were it believed, the stray's SIGUSR1 would kill this test process.
    let plan = Plan {
        server: Program::new("sh")
            .arg("-c")
            .arg("echo \"PID: $PPID\"; exec sleep 30"),
        client: Program::new("true"),
        messages: vec![b"never sent".to_vec()],
        stdin: false,
        stray: Some(Stray::Before),
        scheduling: Scheduling::Free,
        deadline: Duration::from_secs(10),
        stop_server_at: None,
    };
    let protocol = Protocol::of_stage(1, false).unwrap();
    let error = match run(&plan, protocol, Outputs::default(), &AtomicBool::new(false)) {
        Ok(_) => panic!("the tracer ran with a server that printed this test's PID"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains(&format!("printed PID {}", std::process::id()))
            && error.contains("refusing to signal it"),
        "{error}"
    );
}
