//! A client must not signal a PID before it knows the process there is a minitalk
//! server: SIGUSR1's and SIGUSR2's default action is to terminate, so a typo in the PID
//! would kill an innocent process. Each refusal: one line on stderr, its own exit code,
//! and no signal sent.
//!
//! The proof that nothing was sent is a canary: a process this test started, with no
//! handler, *stopped* with SIGSTOP. A stopped process acts on no signal, so anything the
//! client sent it would still be pending afterwards, for `/proc` to show.

use std::process::{Command, Output};

use minitalk_kit::refusal::expect_refusal;
use minitalk_kit::sandbox::{self, CANARY};
use minitalk_kit::{DEADLINE, Programs, canary, procfs};
use nix::sys::signal::Signal;

fn programs() -> Programs {
    minitalk_kit::programs!()
}

fn run(mut command: Command) -> Output {
    command.envs([("MINITALK_TIMEOUT_MS", "1000")]);
    assert_cmd::Command::from_std(command)
        .timeout(DEADLINE)
        .output()
        .expect("run the client")
}

fn client_at(programs: &Programs, pid: nix::unistd::Pid) -> Command {
    let mut command = programs.client_command();
    command.args([pid.to_string().as_str(), "are you a server?"]);
    command
}

#[test]
fn a_process_that_does_not_catch_the_signals_is_refused() {
    // The wrong-but-existing PID: a real process, ours to signal, that does not listen.
    let programs = programs();
    let canary = canary::sleeper();
    let output = run(client_at(&programs, canary.pid()));
    expect_refusal(&programs, &output, 5, "not a minitalk server");
    canary::assert_unharmed(&canary);
}

#[test]
fn a_process_that_catches_only_sigusr1_is_refused_too() {
    // The shell installs a handler for SIGUSR1 only: SIGUSR2 would still kill it.
    let programs = programs();
    let mut command = Command::new("sh");
    command.args(["-c", "trap 'echo USR1' USR1; read line"]);
    let canary = canary::start(command, |shell| {
        procfs::caught(shell.pid()).is_some_and(|caught| caught.contains(Signal::SIGUSR1))
    });
    let output = run(client_at(&programs, canary.pid()));
    expect_refusal(&programs, &output, 5, "SIGUSR2");
    canary::assert_unharmed(&canary);
}

#[test]
fn a_process_of_another_user_is_refused_as_not_permitted() {
    let programs = programs();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { nix::libc::geteuid() } != 0 {
        eprintln!("SKIPPED: making a process of another user needs root");
        return;
    }
    let canary = canary::sleeper(); // root's
    // The client runs as `nobody`: kill(canary, 0) says EPERM.
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
    let client = client_at(&programs, canary.pid());
    command.arg(client.get_program()).args(client.get_args());
    let output = run(command);
    expect_refusal(&programs, &output, 4, "not permitted");
    canary::assert_unharmed(&canary);
}

/// Run the client in a PID namespace beside the sandbox's own canary; `None` (with a
/// message) where namespaces are not available.
fn in_sandbox(args: &[&str]) -> Option<(Output, bool)> {
    let refusal = sandbox::run_client(
        &programs().with_client_env("MINITALK_TIMEOUT_MS", "1000"),
        args,
    );
    if refusal.is_none() {
        eprintln!("SKIPPED {args:?}: PID namespaces are not available here");
    }
    refusal.map(|r| (r.output, r.canary_survived))
}

#[test]
fn a_pid_nobody_has_is_refused_as_no_such_process() {
    // A fresh PID namespace holds a handful of processes with the lowest PIDs: none has
    // pid_max - 1, the highest PID this kernel hands out (pid_max itself is never used).
    // Below pid_max, so the client cannot refuse it on sight: it must ask the kernel.
    let pid_max = minitalk_common::target::pid_max().expect("Linux has /proc/sys/kernel/pid_max");
    let nobody = (pid_max - 1).to_string();
    let Some((output, canary_survived)) = in_sandbox(&[nobody.as_str(), "hello"]) else {
        return;
    };
    expect_refusal(&programs(), &output, 3, "no process has PID");
    assert!(canary_survived);
}

#[test]
fn the_sandbox_canary_is_refused_as_not_a_server() {
    let Some((output, canary_survived)) = in_sandbox(&[CANARY, "hello"]) else {
        return;
    };
    expect_refusal(&programs(), &output, 5, "not a minitalk server");
    assert!(canary_survived);
}

#[test]
fn a_real_server_is_accepted() {
    // The checks must not refuse what they protect: a server blocks and catches both.
    let programs = programs();
    let mut server = programs.start_server();
    programs.send(&server, "checked and sent").success();
    server.expect_message("checked and sent\n");
}

#[test]
fn a_pid_equal_to_pid_max_is_a_usage_error() {
    // /proc/sys/kernel/pid_max is one more than the largest PID (proc(5)): no process can
    // have it, so the client refuses it on sight, like any PID that cannot be one, and
    // signals nothing. (Not in the sandbox: a PID namespace may have a pid_max of its own,
    // and the client reads the one it sees, which here is the test's.)
    let programs = programs();
    let pid_max = minitalk_common::target::pid_max().expect("Linux has /proc/sys/kernel/pid_max");
    let mut command = programs.client_command();
    command.args([pid_max.to_string().as_str(), "hello"]);
    let output = run(command);
    expect_refusal(&programs, &output, 2, "pid_max");
}
