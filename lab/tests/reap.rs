//! lab-reap: five children that end while SIGCHLD is blocked produce one pending SIGCHLD
//! (standard signals do not queue), so one notification; a `waitpid(WNOHANG)` loop still
//! reaps all five, with their exit codes, and leaves no zombie.

use std::collections::BTreeSet;

use minitalk_kit::run::stdout;

fn run(mode: &str) -> String {
    stdout(env!("CARGO_BIN_EXE_lab-reap"), &[mode])
}

/// The exit codes of the children reaped, and the notifications the loop saw.
fn check(text: &str, notification: &str) {
    let codes: BTreeSet<i32> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("reaped child "))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        codes,
        (1..=5).collect(),
        "every child reaped once, with its code:\n{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("poll woke up"))
            .count(),
        1,
        "one wake-up:\n{text}"
    );
    assert!(
        text.contains(&format!("poll woke up: read 1 {notification}\n")),
        "five SIGCHLD sent while blocked are one pending signal:\n{text}"
    );
    assert!(
        text.ends_with("all 5 children reaped after 1 notification(s)\n"),
        "{text}"
    );
}

#[test]
fn a_signalfd_reads_one_sigchld_for_five_children_and_the_loop_reaps_all() {
    check(&run("signalfd"), "SIGCHLD from the signalfd");
}

#[test]
fn the_self_pipe_gets_one_byte_for_five_children_and_the_loop_reaps_all() {
    check(&run("self-pipe"), "byte(s) from the self-pipe");
}
