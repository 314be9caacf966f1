//! lab-pidfd, in a fresh PID namespace: once a process is reaped, its PID can name a new
//! process, and `kill` with the old PID hits the newcomer; `pidfd_send_signal` on a pidfd of
//! the old process fails with ESRCH and leaves the newcomer alone.

use minitalk_kit::run::{output, stdout};
use minitalk_kit::sandbox;

#[test]
fn kill_hits_whoever_has_the_pid_now_and_the_pidfd_refuses_with_esrch() {
    if !sandbox::available() {
        eprintln!("SKIPPED: PID namespaces are not available here, and lab-pidfd runs only in one");
        return;
    }
    let text = stdout(
        "unshare",
        &[
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            env!("CARGO_BIN_EXE_lab-pidfd"),
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    let victim = lines[0]
        .strip_prefix("victim: PID ")
        .and_then(|l| l.split(';').next())
        .unwrap_or_else(|| panic!("{text}"));
    let expected = [
        "poll: the pidfd is readable, the victim has exited".to_owned(),
        format!("victim reaped: PID {victim} is free"),
        format!("newcomer: PID {victim}, the victim's old PID"),
        "pidfd_send_signal(victim's pidfd, SIGTERM): ESRCH: No such process".to_owned(),
        "newcomer still alive: yes".to_owned(),
        format!("kill({victim}, SIGTERM), with the victim's old PID: sent"),
        "newcomer killed by SIGTERM".to_owned(),
    ];
    assert_eq!(lines[1..], expected, "{text}");
}

#[test]
fn outside_a_fresh_pid_namespace_it_refuses_to_run() {
    let ran = output(env!("CARGO_BIN_EXE_lab-pidfd"), &[] as &[&str]);
    let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
    assert_eq!(ran.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("PID 1 of a fresh PID namespace") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(ran.stdout.is_empty());
}
