//! A client must not signal a PID before it knows the process there is a minitalk server
//! (stages 05 to 07): SIGUSR1's and SIGUSR2's default action is to terminate, so a typo
//! in the PID would kill an innocent process. Each refusal: one line on stderr, its own
//! exit code, and no signal sent.
//!
//! The proof that nothing was sent is a canary: a process this test started, with no
//! handler, *stopped* with SIGSTOP. A stopped process acts on no signal, so anything the
//! client sent it would still be pending afterwards, for `/proc` to show (see
//! [`canary`](crate::harness::canary)).

use std::process::{Command, Output};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::Programs;
use crate::deadlines::STARTUP;
use crate::harness::refusal::expect_refusal;
use crate::harness::sandbox::{self, CANARY};
use crate::harness::{canary, procfs};

/// Run `command` (a client) to completion, with a client timeout of one second: ours
/// refuse within it. One that is still running after [`STARTUP`] waits for an answer
/// that will not come (it is killed, and the canary tells what it sent).
fn run(mut command: Command) -> Output {
    command.envs([("MINITALK_TIMEOUT_MS", "1000")]);
    assert_cmd::Command::from_std(command)
        .timeout(STARTUP)
        .output()
        .expect("run the client")
}

fn client_at(programs: &Programs, pid: Pid) -> Command {
    let mut command = programs.client_command();
    command.args([pid.to_string().as_str(), "are you a server?"]);
    command
}

/// The wrong-but-existing PID: a real process, ours to signal, that does not listen.
pub fn a_process_that_does_not_catch_the_signals_is_refused(programs: &Programs) {
    let canary = canary::sleeper();
    let output = run(client_at(programs, canary.pid()));
    canary::assert_unharmed(&canary);
    expect_refusal(programs, &output, 5, "not a minitalk server");
}

/// A shell with a handler for SIGUSR1 only: SIGUSR2 would still kill it.
pub fn a_process_that_catches_only_sigusr1_is_refused_too(programs: &Programs) {
    let mut command = Command::new("sh");
    command.args(["-c", "trap 'echo USR1' USR1; read line"]);
    let canary = canary::start(command, |shell| {
        procfs::caught(shell.pid()).is_some_and(|caught| caught.contains(Signal::SIGUSR1))
    });
    let output = run(client_at(programs, canary.pid()));
    canary::assert_unharmed(&canary);
    expect_refusal(programs, &output, 5, "SIGUSR2");
}

/// The client runs as `nobody`, the canary as root: `kill(canary, 0)` says EPERM.
pub fn a_process_of_another_user_is_refused_as_not_permitted(programs: &Programs) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { nix::libc::geteuid() } != 0 {
        crate::skip("making a process of another user needs root");
        return;
    }
    let canary = canary::sleeper();
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
    let client = client_at(programs, canary.pid());
    command.arg(client.get_program()).args(client.get_args());
    let output = run(command);
    canary::assert_unharmed(&canary);
    expect_refusal(programs, &output, 4, "not permitted");
}

/// `/proc/sys/kernel/pid_max` is one more than the largest PID (proc(5)): no process can
/// have it, so the client refuses it on sight, like any PID that cannot be one, and
/// signals nothing. (Not in the sandbox: a PID namespace may have a pid_max of its own,
/// and the client reads the one it sees, which here is the test's.)
pub fn a_pid_equal_to_pid_max_is_a_usage_error(programs: &Programs) {
    let mut command = programs.client_command();
    command.args([procfs::pid_max().to_string().as_str(), "hello"]);
    let output = run(command);
    expect_refusal(programs, &output, 2, "pid_max");
}

/// Run the client in a PID namespace beside the sandbox's own canary; `None` (and the
/// test is skipped) where namespaces are not available.
fn in_sandbox(programs: &Programs, args: &[&str]) -> Option<(Output, bool)> {
    let refusal = sandbox::run_client(
        &programs
            .clone()
            .with_client_env("MINITALK_TIMEOUT_MS", "1000"),
        args,
    );
    if refusal.is_none() {
        crate::skip(format!("{args:?}: PID namespaces are not available here"));
    }
    refusal.map(|r| (r.output, r.canary_survived))
}

/// A fresh PID namespace holds a handful of processes with the lowest PIDs: none has
/// pid_max - 1, the highest PID this kernel hands out (pid_max itself is never used).
/// Below pid_max, so the client cannot refuse it on sight: it must ask the kernel.
pub fn a_pid_nobody_has_is_refused_as_no_such_process(programs: &Programs) {
    let nobody = (procfs::pid_max() - 1).to_string();
    let Some((output, canary_survived)) = in_sandbox(programs, &[nobody.as_str(), "hello"]) else {
        return;
    };
    assert!(canary_survived, "the client signalled the sandbox's canary");
    expect_refusal(programs, &output, 3, "no process has PID");
}

/// The sandbox's canary: a `sleep`, which catches nothing.
pub fn the_sandbox_canary_is_refused_as_not_a_server(programs: &Programs) {
    let Some((output, canary_survived)) = in_sandbox(programs, &[CANARY, "hello"]) else {
        return;
    };
    assert!(
        canary_survived,
        "the client signalled the sandbox's canary, a process that is no minitalk server: it \
         must make sure of the process before it signals it"
    );
    expect_refusal(programs, &output, 5, "not a minitalk server");
}

/// Writes the tests of PIDs that are not a server (stages 05 to 07).
#[macro_export]
macro_rules! pid_safety_tests {
    () => {
        $crate::__spec_tests!(pid_safety, $crate::programs!();
            a_process_that_does_not_catch_the_signals_is_refused,
            a_process_that_catches_only_sigusr1_is_refused_too,
            a_process_of_another_user_is_refused_as_not_permitted,
            a_pid_nobody_has_is_refused_as_no_such_process,
            the_sandbox_canary_is_refused_as_not_a_server,
        );
    };
}
