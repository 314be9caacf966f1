//! lab-thread-target: a process-directed signal goes to a thread that does not block it; a
//! thread-directed one (`pthread_kill`, i.e. `tgkill`) stays with its thread, pending while
//! that thread blocks it, and is delivered to it when it unblocks.

use minitalk_kit::run::stdout;

#[test]
fn each_signal_is_handled_by_the_thread_the_kernel_must_choose() {
    let text = stdout(env!("CARGO_BIN_EXE_lab-thread-target"), &[] as &[&str]);
    // TIDs vary; the sequence of events does not.
    let events: Vec<String> = text
        .lines()
        .skip(1)
        .map(|line| match line.find(" (TID") {
            Some(at) => line[..at].to_owned(),
            None if line.starts_with("kill(") => "kill(PID, SIGUSR1): to the process".to_owned(),
            None => line.to_owned(),
        })
        .collect();
    assert_eq!(
        events,
        [
            "kill(PID, SIGUSR1): to the process",
            "  SIGUSR1 handled in thread B",
            "pthread_kill(A, SIGUSR1): to thread A, which blocks it",
            "  pending for thread A: yes; for the whole process: no",
            "pthread_kill(B, SIGUSR1): to thread B",
            "  SIGUSR1 handled in thread B",
            "thread A unblocks SIGUSR1",
            "  SIGUSR1 handled in thread A",
            "3 handler runs",
        ],
        "{text}"
    );
}
