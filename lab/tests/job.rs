//! lab-job, run from a real shell on a pseudo-terminal: Ctrl-Z sends SIGTSTP to the
//! foreground job, which stops; `bg` continues it with SIGCONT, in the background, where
//! reading the terminal raises SIGTTIN and stops it again; `fg` gives it the terminal and
//! SIGCONT, and the read goes on. With `stty tostop`, writing from the background raises
//! SIGTTOU.

use minitalk_kit::{DEADLINE, Shell, procfs};
use nix::unistd::Pid;

const PROGRAM: &str = env!("CARGO_BIN_EXE_lab-job");

/// The PID on the program's first line, `lab-job: PID n: …`.
fn pid_in(shown: &str) -> Pid {
    let digits = shown
        .split("lab-job: PID ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no PID line in {shown:?}"));
    Pid::from_raw(digits.parse().unwrap_or_else(|_| panic!("{shown:?}")))
}

fn groups(foreground: impl std::fmt::Display, mine: Pid) -> String {
    format!("the terminal's foreground group is {foreground}, mine is {mine}")
}

#[test]
fn ctrl_z_stops_the_job_bg_lets_it_run_until_it_reads_and_fg_gives_it_the_terminal() {
    let mut shell = Shell::start();
    shell.run(&format!("{PROGRAM} read"));
    let shown = shell.expect_before_prompt("lab-job: reading a line from the terminal");
    let job = pid_in(&shown);
    // A job of its own, in the foreground.
    assert!(
        shown.contains(&format!("lab-job: PID {job}: {}", groups(job, job))),
        "{shown}"
    );

    shell.control('z');
    shell.expect_before_prompt("lab-job: SIGTSTP: stopping");
    procfs::wait_for_state(job, 'T', DEADLINE);
    shell.expect_prompt();

    shell.run("bg");
    let shown = shell.expect_with_prompt("lab-job: SIGTTIN: stopping");
    // Continued in the background: the shell kept the terminal.
    let continued = format!("lab-job: SIGCONT: {}", groups(shell.pid(), job));
    assert!(shown.contains(&continued), "{shown}");
    procfs::wait_for_state(job, 'T', DEADLINE);

    shell.run("fg");
    shell.expect_before_prompt(&format!("lab-job: SIGCONT: {}", groups(job, job)));
    // Typed at the terminal, for the job in the foreground.
    shell.run("hello");
    shell.expect_before_prompt("lab-job: read \"hello\"");
    shell.expect_prompt();
}

#[test]
fn with_tostop_a_write_from_the_background_stops_the_job_until_fg() {
    let mut shell = Shell::start();
    shell.run("stty tostop");
    shell.expect_prompt();
    shell.run(&format!("{PROGRAM} write &"));
    // Its output and the shell's next prompt come in either order: watch /proc instead.
    let job = procfs::poll(DEADLINE, "the shell to start the job", || {
        shell.descendants().first().copied()
    });
    // Stopped, or dead (a handler that panics aborts the process): never a long wait.
    let stopped = procfs::poll(DEADLINE, "the job to stop or end", || {
        match procfs::state(job) {
            Some('T') => Some(true),
            None | Some('Z') => Some(false),
            Some(_) => None,
        }
    });
    if !stopped {
        shell.run("wait");
        panic!(
            "the job ended instead of stopping: {:?}",
            shell.expect_prompt()
        );
    }
    let shown = shell.expect_with_prompt("lab-job: SIGTTOU: stopping");
    assert!(
        !shown.contains("lab-job: PID"),
        "the first line must wait: {shown}"
    );

    shell.run("fg");
    shell.expect_before_prompt(&format!("lab-job: SIGCONT: {}", groups(job, job)));
    // The line was made in the background, before the write that stopped it.
    shell.expect_before_prompt(&format!("lab-job: PID {job}: {}", groups(shell.pid(), job)));
    shell.expect_before_prompt("lab-job: both lines written");
    shell.expect_prompt();
}
