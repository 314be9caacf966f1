//! stage00-process: who am I, who is my parent, and how did my child end?
//!
//! Usage: `stage00-process exit <code>` (the child exits with that code) or
//! `stage00-process wait-for-signal` (the child waits until a signal ends it).
//! Exit codes: 0 the child was waited for, 1 fork or wait failed, 2 usage error.

use minitalk_common::cli::{self, Help};
use minitalk_common::{ExitCode, fail};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork, getpid, getppid, pause};
use stage_00::describe;

enum Child {
    Exit(i32),
    WaitForSignal,
}

fn main() {
    let help = Help::new(
        "stage00-process",
        "exit <code> | wait-for-signal",
        "Forks a child and reports how it ended: `exit <code>`, the child exits with that\n\
         code; `wait-for-signal`, the child waits until a signal ends it.",
    )
    .exit_codes(&[ExitCode::Ok, ExitCode::Failure, ExitCode::Usage]);
    let args = cli::args(&help);
    let plan = match args.iter().map(|arg| arg.to_str()).collect::<Vec<_>>()[..] {
        [Some("exit"), Some(code)] => match code.parse() {
            Ok(code) if (0..=255).contains(&code) => Child::Exit(code),
            _ => cli::usage_error(&help, format!("exit code must be 0 to 255, not {code:?}")),
        },
        [Some("wait-for-signal")] => Child::WaitForSignal,
        _ => cli::usage_error(&help, "expected `exit <code>` or `wait-for-signal`"),
    };

    // EXERCISE: fork
    // ANCHOR: fork
    println!("parent: pid={} ppid={}", getpid(), getppid());
    // SAFETY: this program has a single thread, so the child may run any code after fork.
    match unsafe { fork() } {
        Err(error) => fail(ExitCode::Failure, format!("fork failed: {error}")),
        Ok(ForkResult::Child) => {
            // A copy of the parent: same code, same memory, a new PID. Its parent is us.
            println!("child: pid={} ppid={}", getpid(), getppid());
            match plan {
                Child::Exit(code) => std::process::exit(code),
                Child::WaitForSignal => loop {
                    // No handler is installed: SIGUSR1's default action terminates us.
                    pause();
                },
            }
        }
        Ok(ForkResult::Parent { child }) => {
            // waitpid blocks until the child ends, then reaps it: without this wait
            // the dead child would stay a zombie until we exit.
            match waitpid(child, None) {
                Ok(status) => println!("parent: {}", describe(status)),
                Err(error) => fail(ExitCode::Failure, format!("waitpid failed: {error}")),
            }
        }
    }
    // ANCHOR_END: fork
    // END EXERCISE
}
