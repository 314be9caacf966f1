//! lab-segv: a write to address 0 raises SIGSEGV with `si_addr` 0; a handler that returns
//! resumes the faulting instruction, which faults again, so the handler runs again (here
//! three times, until it restores the default action and the next fault kills); a child
//! that is not dumpable dies of SIGSEGV with no core dump (`WCOREDUMP` false).

use std::os::unix::process::ExitStatusExt;

fn run(args: &[&str]) -> std::process::Output {
    minitalk_kit::run::output(env!("CARGO_BIN_EXE_lab-segv"), args)
}

#[test]
fn returning_from_the_handler_faults_again_until_the_default_action_kills() {
    let output = run(&["handler"]);
    assert_eq!(
        output.status.signal(),
        Some(nix::libc::SIGSEGV),
        "{output:?}"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let run = |n: u32| {
        format!(
            "handler run {n}: SIGSEGV at address 0x0, si_code 1 (SEGV_MAPERR: nothing mapped there)"
        )
    };
    let expected = [
        "writing to address 0x0".to_owned(),
        run(1),
        run(2),
        run(3),
        "handler run 3 restores the default action and returns".to_owned(),
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected, "{output:?}");
}

#[test]
fn a_child_that_is_not_dumpable_dies_of_sigsegv_without_a_core_dump() {
    let output = run(&["core", "--not-dumpable"]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with("child ")
            && l.ends_with(" (not dumpable) killed by SIGSEGV (signal 11); WCOREDUMP: no core")),
        "{output:?}"
    );
}
