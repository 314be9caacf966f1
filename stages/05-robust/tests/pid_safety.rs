//! A client must not signal a PID before it knows the process there is a minitalk
//! server: SIGUSR1's and SIGUSR2's default action is to terminate, so a typo in the PID
//! would kill an innocent process. Each refusal: one line on stderr, its own exit code,
//! and no signal sent.
//!
//! The line below writes the tests of the PIDs to refuse, which stages 05 to 07 share
//! (`crates/kit/src/specs/pid_safety.rs`): a process that catches neither signal, one that
//! catches only SIGUSR1, one of another user, a PID nobody has, and the sandbox's canary.
//! The proof that nothing was sent is a canary: a process this test started, with no
//! handler, *stopped* with SIGSTOP, so that anything sent to it stays pending for `/proc`
//! to show.

minitalk_kit::pid_safety_tests!();

#[test]
fn a_real_server_is_accepted() {
    // The checks must not refuse what they protect: a server blocks and catches both.
    let programs = minitalk_kit::programs!();
    let mut server = programs.start_server();
    programs.send(&server, "checked and sent").success();
    server.expect_message("checked and sent\n");
}

#[test]
fn a_pid_equal_to_pid_max_is_a_usage_error() {
    minitalk_kit::specs::pid_safety::a_pid_equal_to_pid_max_is_a_usage_error(
        &minitalk_kit::programs!(),
    );
}
