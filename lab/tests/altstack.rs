//! lab-altstack: after a stack overflow, a SIGSEGV handler without an alternate stack cannot
//! run (the kernel has nowhere to put its frame and kills the process with SIGSEGV); with
//! `sigaltstack` and SA_ONSTACK it runs, on the alternate stack. Rust's own handler (the
//! `std` run) is one of the latter: it reports the overflow and aborts.

use std::os::unix::process::ExitStatusExt;

use minitalk_kit::run::output;
use nix::libc;

fn run(mode: &str) -> (std::process::Output, String) {
    let output = output(env!("CARGO_BIN_EXE_lab-altstack"), &[mode]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, text)
}

#[test]
fn without_an_alternate_stack_the_handler_never_runs() {
    let (output, text) = run("plain");
    assert_eq!(output.status.signal(), Some(libc::SIGSEGV), "{output:?}");
    assert_eq!(text, "recursing until the stack runs out\n", "{output:?}");
}

#[test]
fn on_an_alternate_stack_the_handler_runs() {
    let (output, text) = run("altstack");
    assert_eq!(output.status.signal(), Some(libc::SIGSEGV), "{output:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{output:?}");
    assert!(lines[1].starts_with("handler: SIGSEGV at 0x"), "{output:?}");
    assert!(
        lines[1].ends_with(", running on the alternate stack: yes"),
        "{output:?}"
    );
}

#[test]
fn rusts_own_handler_reports_the_overflow_and_aborts() {
    let (output, _) = run("std");
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has overflowed its stack"), "{stderr}");
}
