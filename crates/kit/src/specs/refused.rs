//! The server must not trust a header: a length above its limit is refused before
//! anything is allocated, the sender is told (SIGUSR2 before its last bit), and the
//! server goes on serving (stages 04 and 05).

use std::process::Command;

use crate::deadlines::DEADLINE;
use crate::harness::programs::binary_path;
use crate::{Process, Programs};

/// A forge (the stage's `stageNN-forge`, named in its `stage.toml`) sends a header that
/// announces 4 294 967 295 bytes. A separate process sends it and takes the answers:
/// the test process must not receive SIGUSR1 or SIGUSR2.
pub fn an_absurd_length_is_refused_without_allocating_and_the_server_goes_on(
    programs: &Programs,
    forge: &str,
) {
    if programs.skip_unless_own("the forged header and the stderr wording") {
        return;
    }
    let mut server = programs.start_server();
    let before = server.peak_virtual_kb();

    let mut command = Command::new(binary_path(forge));
    command.args([&server.pid().to_string(), "4294967295"]);
    let forge = Process::spawn(command);
    let status = server
        .wait_for_sender(&forge, DEADLINE)
        .unwrap_or_else(|why| panic!("the forged header got no answer: {why}"));
    assert_eq!(status.code(), Some(7), "{:?}", forge.stderr.text());
    assert!(
        forge.stdout.text().contains("refused after 32 bits"),
        "the refusal comes right after the header: {:?}",
        forge.stdout.text()
    );
    server.expect_stderr("refused 4294967295 bytes announced by PID");

    let grown_kb = server.peak_virtual_kb().saturating_sub(before);
    assert!(
        grown_kb < 64 * 1024,
        "the server's address space grew by {grown_kb} kB for a refused header"
    );

    programs.send(&server, "still serving").success();
    server.expect_message("still serving\n");
}

/// A message one byte above the server's limit (16 MiB), read from stdin with `-`: the
/// client says the server refused it, with exit code 7, and the server serves the next.
pub fn the_client_reports_a_refusal_with_exit_code_7(programs: &Programs) {
    if programs.skip_unless_own("the limit (16 MiB) and `-` for stdin") {
        return;
    }
    let mut server = programs.start_server();
    let too_long = vec![b'x'; 16 * 1024 * 1024 + 1];
    let pid = server.pid().to_string();
    programs
        .client_to(&server, [pid.as_str(), "-"], too_long)
        .code(7)
        .stderr(predicates::str::contains(
            "refused the message after 32 bits",
        ));
    programs.send(&server, "next").success();
    server.expect_message("next\n");
}

/// Writes the two refusal tests, with the stage's forge: `refused_tests!("stage04-forge")`.
#[macro_export]
macro_rules! refused_tests {
    ($forge:literal) => {
        #[test]
        fn an_absurd_length_is_refused_without_allocating_and_the_server_goes_on() {
            $crate::specs::refused::an_absurd_length_is_refused_without_allocating_and_the_server_goes_on(
                &$crate::programs!(),
                $forge,
            );
        }

        $crate::__spec_tests!(refused, $crate::programs!();
            the_client_reports_a_refusal_with_exit_code_7,
        );
    };
}
