//! The kit's Shell: a real interactive bash on a pty, with job control, that takes
//! everything it started with it when dropped.

use minitalk_kit::{DEADLINE, Shell, procfs};
use nix::unistd::Pid;

/// Whether `pid` runs `sleep` already: the shell's child has set up the job (its group,
/// the terminal) and exec'd it, so Ctrl-Z now reaches it.
fn is_sleep(pid: Pid) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep")
}

#[test]
fn ctrl_z_stops_the_foreground_job_and_the_shell_reports_it() {
    let mut shell = Shell::start();
    shell.run("sleep 1000");
    let job = procfs::poll(DEADLINE, "the shell to start sleep", || {
        shell.descendants().first().copied()
    });
    procfs::poll(DEADLINE, "sleep to run", || is_sleep(job).then_some(()));
    shell.control('z');
    procfs::wait_for_state(job, 'T', DEADLINE);
    assert!(shell.expect_prompt().contains("Stopped"));
}

#[test]
fn dropping_the_shell_kills_stopped_and_background_jobs_too() {
    let mut shell = Shell::start();
    shell.run("sleep 1000 &");
    shell.expect_prompt();
    shell.run("sleep 1001");
    let jobs = procfs::poll(DEADLINE, "two jobs", || {
        let jobs = shell.descendants();
        (jobs.len() == 2 && jobs.iter().all(|&j| is_sleep(j))).then_some(jobs)
    });
    shell.control('z');
    shell.expect_prompt();
    drop(shell);
    // Killed and reaped: by the shell before it died, or by init after.
    for job in jobs {
        procfs::poll(DEADLINE, "the job to be gone", || {
            (procfs::state(job).is_none_or(|s| s == 'Z')).then_some(())
        });
        assert_ne!(procfs::state(job), Some('T'), "job {job} survived");
    }
}

#[test]
fn a_command_that_ends_without_the_expected_text_fails_at_once() {
    let mut shell = Shell::start();
    shell.run("echo something else");
    let started = std::time::Instant::now();
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        shell.expect_before_prompt("never printed");
    }))
    .expect_err("the prompt came first");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("something else"), "{message}");
    assert!(started.elapsed() < DEADLINE / 2);
}
