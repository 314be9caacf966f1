//! lab-handler-flags: with SA_RESETHAND the second signal meets the default action (and
//! SIGUSR1's kills); without SA_NODEFER a signal raised inside its own handler waits until
//! the handler returns; with SA_NODEFER it interrupts the handler, which runs nested.

use std::os::unix::process::ExitStatusExt;

use minitalk_kit::run::output;

/// Run `lab-handler-flags MODE`; assert that it ended with `signal` (or exit code 0 for
/// `None`) and that, after the line saying how the handler was installed, it printed
/// exactly `lines`.
fn expect_run(mode: &str, signal: Option<i32>, lines: &[&str]) {
    let output = output(env!("CARGO_BIN_EXE_lab-handler-flags"), &[mode]);
    match signal {
        Some(signal) => assert_eq!(output.status.signal(), Some(signal), "{output:?}"),
        None => assert!(output.status.success(), "{output:?}"),
    }
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.lines().skip(1).collect::<Vec<_>>(),
        lines,
        "{output:?}"
    );
}

#[test]
fn with_sa_resethand_the_second_sigusr1_kills() {
    // The second SIGUSR1 meets the default action.
    expect_run(
        "resethand",
        Some(nix::libc::SIGUSR1),
        &[
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 ends",
            "main raises SIGUSR1 (2)",
        ],
    );
}

#[test]
fn without_sa_nodefer_a_signal_raised_in_its_handler_waits_for_it_to_return() {
    expect_run(
        "defer",
        None,
        &[
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 raises SIGUSR1",
            "  handler run 1 ends",
            "  handler run 2 starts, depth 1",
            "  handler run 2 ends",
            "main goes on: 2 handler runs",
        ],
    );
}

#[test]
fn with_sa_nodefer_the_handler_runs_nested() {
    expect_run(
        "nodefer",
        None,
        &[
            "main raises SIGUSR1 (1)",
            "  handler run 1 starts, depth 1",
            "  handler run 1 raises SIGUSR1",
            "  handler run 2 starts, depth 2",
            "  handler run 2 ends",
            "  handler run 1 ends",
            "main goes on: 2 handler runs",
        ],
    );
}
