//! Stage 05's behaviour through the final programs: no signal to a PID that is not a
//! server (each refusal with its own exit code), nobody waits forever, and a message the
//! server will not take is refused with exit code 7.
//!
//! The first lines write stage 05's tests of the PIDs to refuse and of clients that give
//! up, and stage 06's of a client silent during its turn, here with the next client in
//! payload mode (`crates/kit/src/specs/pid_safety.rs` and `timeouts.rs`).

use minitalk_kit::Server;

minitalk_kit::pid_safety_tests!();
minitalk_kit::client_timeout_tests!();

#[test]
fn a_client_silent_during_its_turn_loses_it_and_the_next_is_served() {
    minitalk_kit::specs::timeouts::a_client_silent_during_its_turn_loses_it_and_the_next_is_served(
        &minitalk_kit::programs!(),
        &["--payload"],
    );
}

#[test]
fn a_message_above_the_servers_limit_is_refused_with_exit_code_7() {
    let programs = minitalk_kit::programs!();
    if programs.skip_unless_own("--max-bytes") {
        return;
    }
    let mut command = programs.server_command();
    command.args(["--max-bytes", "10"]);
    let mut server = Server::start(command);
    let pid = server.pid().to_string();
    for mode in [None, Some("--payload")] {
        let mut args: Vec<&str> = mode.into_iter().collect();
        args.extend([pid.as_str(), "eleven bytes"]);
        programs
            .client_to(&server, &args, Vec::new())
            .code(7)
            .stderr(predicates::str::contains("longer than the server accepts"));
    }
    server.expect_stderr("refused 12 bytes announced by PID");
    programs.send(&server, "ten bytes!").success();
    server.expect_message("ten bytes!\n");
}
