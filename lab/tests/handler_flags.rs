//! lab-handler-flags: with SA_RESETHAND the second signal meets the default action (and
//! SIGUSR1's kills); without SA_NODEFER a signal raised inside its own handler waits until
//! the handler returns; with SA_NODEFER it interrupts the handler, which runs nested.

use std::os::unix::process::ExitStatusExt;

use assert_cmd::Command;
use minitalk_kit::DEADLINE;

fn run(mode: &str) -> (std::process::Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lab-handler-flags"))
        .arg(mode)
        .timeout(DEADLINE)
        .output()
        .expect("run lab-handler-flags");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, text)
}

fn lines_after_install(text: &str) -> Vec<&str> {
    text.lines().skip(1).collect()
}

#[test]
fn with_sa_resethand_the_second_sigusr1_kills() {
    let (output, text) = run("resethand");
    assert_eq!(
        output.status.signal(),
        Some(nix::libc::SIGUSR1),
        "the second SIGUSR1 should meet the default action and kill: {output:?}"
    );
    assert_eq!(
        lines_after_install(&text),
        [
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 ends",
            "main raises SIGUSR1 (2)",
        ],
        "{output:?}"
    );
}

#[test]
fn without_sa_nodefer_a_signal_raised_in_its_handler_waits_for_it_to_return() {
    let (output, text) = run("defer");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        lines_after_install(&text),
        [
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 raises SIGUSR1",
            "  handler run 1 ends",
            "  handler run 2 starts, depth 1",
            "  handler run 2 ends",
            "main goes on: 2 handler runs",
        ],
        "{output:?}"
    );
}

#[test]
fn with_sa_nodefer_the_handler_runs_nested() {
    let (output, text) = run("nodefer");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        lines_after_install(&text),
        [
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 raises SIGUSR1",
            "  handler run 2 starts, depth 2",
            "  handler run 2 ends",
            "  handler run 1 ends",
            "main goes on: 2 handler runs",
        ],
        "{output:?}"
    );
}
