//! stage00-sender: send one signal to a process, many times, as fast as `kill(2)` goes.
//!
//! Usage: `stage00-sender <pid> <signal> <count>`, for example `stage00-sender 4242 USR1 1000`.
//! Exit codes: 0 all sent, 1 `kill(2)` failed, 2 usage error (nothing sent).

use minitalk_common::cli::{self, Help};
use minitalk_common::{ExitCode, fail, parse_pid};
use nix::sys::signal::kill;
use stage_00::parse_signal;

fn main() {
    let help = Help::new(
        "stage00-sender",
        "<pid> <signal> <count>",
        "Sends <signal> (USR1, USR2, …) to <pid>, <count> times, as fast as kill(2) goes.",
    )
    .exit_codes(&[ExitCode::Ok, ExitCode::Failure, ExitCode::Usage]);
    let args = cli::text_args(&help);
    let [pid, signal, count] = &args[..] else {
        cli::usage_error(&help, format!("expected 3 arguments, got {}", args.len()));
    };
    let pid = parse_pid(pid).unwrap_or_else(|error| cli::usage_error(&help, error));
    let signal = parse_signal(signal)
        .unwrap_or_else(|| cli::usage_error(&help, format!("unknown signal {signal:?}")));
    let count: u64 = count.parse().unwrap_or_else(|_| {
        cli::usage_error(&help, format!("count must be a number, not {count:?}"))
    });

    // EXERCISE: send
    // ANCHOR: send
    for _ in 0..count {
        // Each call returns as soon as the signal is *pending* for the target; whether the
        // target has handled it yet, and how many times, is up to the kernel.
        if let Err(error) = kill(pid, signal) {
            fail(ExitCode::Failure, format!("kill({pid}, {signal}): {error}"));
        }
    }
    // ANCHOR_END: send
    // END EXERCISE
    println!("sent {signal} to PID {pid} {count} times");
}
