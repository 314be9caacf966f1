//! Claims about processes: PID and PPID, fork, wait, and how a child's end is reported.

use std::process::Command;
use std::time::Instant;

use minitalk_kit::{DEADLINE, Process, procfs};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const PROCESS: &str = env!("CARGO_BIN_EXE_stage00-process");

/// The numbers in a line such as `child: pid=42 ppid=41`.
fn pid_and_ppid(line: &str) -> (i32, i32) {
    let field = |name: &str| -> i32 {
        let start = line
            .find(name)
            .unwrap_or_else(|| panic!("{name} in {line:?}"))
            + name.len();
        line[start..]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a number after {name} in {line:?}"))
    };
    (field("pid="), field("ppid="))
}

#[test]
fn the_parent_reports_its_childs_exit_code() {
    let output = Command::new(PROCESS).args(["exit", "3"]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");

    let (parent, grandparent) = pid_and_ppid(lines[0]);
    let (child, childs_parent) = pid_and_ppid(lines[1]);
    assert_eq!(
        grandparent as u32,
        std::process::id(),
        "the test started the parent"
    );
    assert_eq!(
        childs_parent, parent,
        "fork makes the caller the child's parent"
    );
    assert_ne!(child, parent, "a child gets a PID of its own");
    assert_eq!(
        lines[2],
        format!("parent: child {child} exited with code 3")
    );
}

#[test]
fn a_process_without_a_handler_is_killed_by_sigusr1() {
    // Why a minitalk client must never signal the wrong PID: SIGUSR1's default action is
    // to terminate the process.
    let mut command = Command::new(PROCESS);
    command.arg("wait-for-signal");
    let parent = Process::spawn(command);
    let deadline = Instant::now() + DEADLINE;
    let text = parent
        .stdout
        .wait_until(deadline, |bytes, _| {
            let text = String::from_utf8_lossy(bytes);
            let line = text.lines().find(|l| l.starts_with("child:"))?;
            text.ends_with('\n').then(|| line.to_owned())
        })
        .expect("the child prints its PID");
    let (child, childs_parent) = pid_and_ppid(&text);
    let child = Pid::from_raw(child);
    // Only signal a process we can prove we created: the child of our child.
    assert_eq!(childs_parent, parent.pid().as_raw());
    assert_eq!(procfs::parent(child), Some(parent.pid()));
    assert!(procfs::caught(child).is_some_and(|c| !c.contains(Signal::SIGUSR1)));

    kill(child, Signal::SIGUSR1).unwrap();

    assert!(parent.wait(DEADLINE).success());
    let report = parent
        .stdout
        .wait_for_text("killed", Instant::now() + DEADLINE)
        .unwrap();
    assert!(
        report.ends_with(&format!(
            "parent: child {child} was killed by signal 10 (SIGUSR1)\n"
        )),
        "{report}"
    );
}

#[test]
fn dies_on_a_bad_command_line() {
    for args in [
        &[][..],
        &["exit"],
        &["exit", "256"],
        &["exit", "x"],
        &["dance"],
    ] {
        let output = Command::new(PROCESS).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
    }
}
