//! lab-rt-queue: every real-time signal that `sigqueue` accepted is delivered, in the order
//! sent, with its value; a standard signal sent 1000 times while blocked is delivered once;
//! RLIMIT_SIGPENDING bounds the queue and the kernel answers EAGAIN beyond it.

use minitalk_kit::run::stdout;

fn run() -> String {
    stdout(env!("CARGO_BIN_EXE_lab-rt-queue"), &[] as &[&str])
}

/// The numbers on the line `SIGNAL: N sent, M received…` that comes after `after`.
fn counts(text: &str, after: &str, signal: &str) -> (usize, usize, String) {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in:\n{text}"));
    let prefix = format!("{signal}: ");
    let line = text[start..]
        .lines()
        .find(|l| l.starts_with(&prefix) && l.contains(" sent, "))
        .unwrap_or_else(|| panic!("no {prefix}… sent line after {after:?} in:\n{text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |at: usize| words[at].parse().unwrap_or_else(|_| panic!("{line:?}"));
    (number(1), number(3), line.to_owned())
}

#[test]
fn every_queued_real_time_signal_arrives_in_order_with_its_value() {
    let text = run();
    let (sent, received, line) = counts(&text, "blocked", "SIGRTMIN");
    assert_eq!(received, sent, "{line}");
    if sent > 1 {
        assert!(
            line.ends_with(&format!("values 1 to {sent} in order")),
            "{line}"
        );
    }
    // All 1000 are accepted unless this user's queue was full, which the program says.
    let first_part = &text[..text.find("SigQ was").unwrap_or(text.len())];
    if !first_part.contains("SIGRTMIN: sigqueue number") {
        assert_eq!(sent, 1000, "{text}");
    }
}

#[test]
fn a_standard_signal_sent_a_thousand_times_while_blocked_arrives_once() {
    let text = run();
    let (sent, received, line) = counts(&text, "blocked", "SIGUSR1");
    assert_eq!((sent, received), (1000, 1), "{line}");
}

#[test]
fn beyond_rlimit_sigpending_sigqueue_fails_with_eagain_and_nothing_accepted_is_lost() {
    let text = run();
    let limit_line = text
        .lines()
        .find(|l| l.contains("RLIMIT_SIGPENDING lowered to"))
        .unwrap_or_else(|| panic!("no limit line in:\n{text}"));
    let limit: usize = limit_line.rsplit(' ').next().unwrap().parse().unwrap();
    let tail = &text[text.find(limit_line).unwrap()..];
    assert!(
        tail.lines()
            .any(|l| l.starts_with("SIGRTMIN: sigqueue number") && l.contains("EAGAIN")),
        "one more sigqueue than the limit allows must fail with EAGAIN:\n{tail}"
    );
    let (accepted, received, line) = counts(tail, "lowered", "SIGRTMIN");
    assert!(
        accepted <= limit,
        "{line}: more accepted than RLIMIT_SIGPENDING {limit}"
    );
    assert_eq!(received, accepted, "{line}");
}
