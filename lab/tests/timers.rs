//! lab-timers: while SIGALRM is blocked, the expirations of an interval timer leave one
//! SIGALRM pending, taken once; a timerfd counts every expiration (at least one per 10 ms
//! elapsed: a timer never expires early).

use minitalk_kit::run::stdout;

#[test]
fn sigalrm_is_taken_once_and_the_timerfd_counts_every_expiration() {
    let text = stdout(env!("CARGO_BIN_EXE_lab-timers"), &[] as &[&str]);
    let number = |prefix: &str| -> u64 {
        let line = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in:\n{text}"));
        line.split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let elapsed = number("after ");
    assert!(elapsed >= 105, "{text}");
    let expirations = number("timerfd: one read says ");
    // Read after `elapsed` ms had passed: at least that many whole 10 ms intervals.
    assert!(expirations >= elapsed / 10, "{text}");
    assert_eq!(number("setitimer: SIGALRM taken "), 1, "{text}");
}
