//! lab-hangup: when a terminal's master side closes, the kernel sends SIGHUP (and SIGCONT)
//! to the session leader, its controlling process; when that leader dies, the foreground
//! process group gets SIGHUP, and so does a stopped job whose group it leaves orphaned; a
//! running background job gets nothing from the kernel.

use std::collections::BTreeSet;

use minitalk_kit::run::stdout;

#[test]
fn the_leader_then_the_foreground_and_stopped_jobs_get_sighup_and_a_running_job_none() {
    let text = stdout(env!("CARGO_BIN_EXE_lab-hangup"), &[] as &[&str]);
    let lines: Vec<&str> = text.lines().collect();
    // The table: PID PGID SID TPGID role, one row per process.
    let rows: Vec<Vec<i32>> = lines[2..6]
        .iter()
        .map(|l| {
            l.split_whitespace()
                .take(4)
                .map(|n| n.parse().unwrap())
                .collect()
        })
        .collect();
    let (leader, foreground) = (rows[0][0], rows[1][0]);
    for row in &rows {
        assert_eq!(row[1], row[0], "each in a group of its own:\n{text}");
        assert_eq!(row[2], leader, "all in the leader's session:\n{text}");
        assert_eq!(
            row[3], foreground,
            "the first job holds the terminal:\n{text}"
        );
    }
    assert_eq!(
        lines[6],
        "terminal: closing the master side: the window goes away"
    );
    assert_eq!(
        lines[7],
        format!("PID {leader} (session leader): SIGHUP"),
        "the leader is told first: the others only hear when it dies\n{text}"
    );
    let others: BTreeSet<&str> = lines[8..10].iter().copied().collect();
    let expected: BTreeSet<String> = [
        format!("PID {foreground} (foreground job): SIGHUP"),
        format!("PID {} (stopped background job): SIGHUP", rows[3][0]),
    ]
    .into();
    assert_eq!(
        others,
        expected.iter().map(String::as_str).collect(),
        "{text}"
    );
    assert_eq!(
        lines[10..],
        [
            "session leader: killed by SIGHUP",
            "foreground job: killed by SIGHUP",
            "stopped background job: killed by SIGHUP",
            "running background job: still alive; SIGHUP pending: no",
        ],
        "{text}"
    );
}
