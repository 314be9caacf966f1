//! lab-foreground, run from a real shell on a pseudo-terminal: Ctrl-C makes the terminal
//! send SIGINT to its foreground process group, every process of it, and to no other
//! group, not even one of the same session; `setpgid` and `setsid` move a process out of
//! its group, `ps`'s PGID, SID and TPGID columns show where each one is.

use minitalk_kit::Shell;

const PROGRAM: &str = env!("CARGO_BIN_EXE_lab-foreground");

/// One row of the program's table.
#[derive(Debug)]
struct Row {
    pid: i32,
    pgid: i32,
    sid: i32,
    tpgid: i32,
}

fn rows(shown: &str) -> Vec<Row> {
    shown
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("PID"))
        .skip(1)
        .take(5)
        .map(|line| {
            let numbers: Vec<i32> = line
                .split_whitespace()
                .take(4)
                .map(|n| {
                    n.parse()
                        .unwrap_or_else(|_| panic!("a row: {line:?} in {shown}"))
                })
                .collect();
            Row {
                pid: numbers[0],
                pgid: numbers[1],
                sid: numbers[2],
                tpgid: numbers[3],
            }
        })
        .collect()
}

#[test]
fn ctrl_c_reaches_every_process_of_the_foreground_group_and_no_other() {
    let mut shell = Shell::start();
    shell.run(PROGRAM);
    let shown = shell.expect("press Ctrl-C").replace('\r', "");
    let rows = rows(&shown);
    assert_eq!(rows.len(), 5, "{shown}");
    let (bash, job, same, group, session) = (&rows[0], &rows[1], &rows[2], &rows[3], &rows[4]);
    let shell_pid = shell.pid().as_raw();
    // The shell leads the session; it made the job a process group of its own and gave
    // it the terminal.
    assert_eq!((bash.pid, bash.sid), (shell_pid, shell_pid), "{shown}");
    assert_eq!(
        (job.pgid, job.sid, job.tpgid),
        (job.pid, shell_pid, job.pid),
        "{shown}"
    );
    assert_eq!((same.pgid, same.sid), (job.pgid, shell_pid), "{shown}");
    assert_eq!(
        (group.pgid, group.sid, group.tpgid),
        (group.pid, shell_pid, job.pgid),
        "{shown}"
    );
    assert_eq!(
        (session.pgid, session.sid, session.tpgid),
        (session.pid, session.pid, -1),
        "{shown}"
    );
    // What the table says is what /proc says, while the program waits for Ctrl-C. (If it
    // has ended instead, what it said on the way out is on the terminal: show it.)
    for row in &rows {
        let now = lab::proc::stat(nix::unistd::Pid::from_raw(row.pid));
        if now.map(|s| (s.pgid, s.sid, s.tpgid)) != Some((row.pgid, row.sid, row.tpgid)) {
            let rest = shell.expect_prompt();
            panic!(
                "PID {} is now {now:?}, not as the table says:\n{shown}{rest}",
                row.pid
            );
        }
    }
    assert!(
        shown.contains("setsid() in lab-foreground, a group leader: EPERM"),
        "{shown}"
    );

    shell.control('c');
    let after = shell.expect_prompt().replace('\r', "");
    let reports: Vec<&str> = after.lines().filter(|l| !l.trim().is_empty()).collect();
    let expected = [
        format!("PID {} (group {}): SIGINT", job.pid, job.pgid),
        format!("PID {} (group {}): SIGINT", same.pid, job.pgid),
        "child 1, same group: 1 SIGINT".to_owned(),
        "child 2, setpgid(0, 0): a group of its own: 0 SIGINT".to_owned(),
        "child 3, setsid(): a session of its own: 0 SIGINT".to_owned(),
    ];
    assert_eq!(
        reports, expected,
        "after Ctrl-C the terminal showed:\n{shown}{after}"
    );
}
