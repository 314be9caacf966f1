//! stage00-process: who am I, who is my parent, and how did my child end?
//!
//! Usage: `stage00-process exit <code>` (the child exits with that code) or
//! `stage00-process wait-for-signal` (the child waits until a signal ends it).
//! Exit codes: 0 the child was waited for, 1 fork or wait failed, 2 usage error.

use minitalk_common::{ExitCode, fail};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork, getpid, getppid, pause};
use stage_00::describe;

enum Child {
    Exit(i32),
    WaitForSignal,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["exit", code] => match code.parse() {
            Ok(code) if (0..=255).contains(&code) => Child::Exit(code),
            _ => fail(
                ExitCode::Usage,
                format!("exit code must be 0 to 255, not {code:?}"),
            ),
        },
        ["wait-for-signal"] => Child::WaitForSignal,
        _ => fail(
            ExitCode::Usage,
            "usage: stage00-process exit <code> | stage00-process wait-for-signal",
        ),
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
