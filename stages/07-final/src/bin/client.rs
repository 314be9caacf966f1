//! client: deliver a message to a minitalk server, and report success only once the
//! server has verified and printed it.
//!
//! `client --help` for the options and the exit codes.

use std::time::Duration;

use minitalk_common::{ExitCode, fail, target};
use stage_07::cli::ClientArgs;
use stage_07::client::{Delivery, Failure, deliver};
use stage_07::progress::Progress;
use stage_07::protocol::{Mode, Refusal};
use stage_07::signals::Signals;

fn main() {
    // ANCHOR: main
    // Blocked before anything is sent (and before any thread starts), so that no answer
    // can arrive unseen.
    let signals = Signals::block();
    let args = ClientArgs::from_env();
    let timeout = args.timeout();
    // No signal goes to a PID that is not a process of ours catching or blocking both.
    if let Err(refusal) = target::check(args.pid) {
        fail(refusal.exit_code(), refusal);
    }
    let message = args.message_bytes();
    let mode = match (args.payload, args.one_in_flight) {
        (false, _) => Mode::Classic,
        (true, false) => Mode::TwoInFlight,
        (true, true) => Mode::Payload,
    };
    let mut progress = Progress::new(args.quiet, args.payload);
    let pin = !args.no_pin;
    let result = deliver(
        &signals,
        args.pid,
        &message,
        (mode, pin),
        timeout,
        &mut progress,
    );
    progress.finish();
    match result {
        Ok(delivery) => {
            if !args.quiet {
                println!(
                    "client: {} bytes delivered, PID {} confirmed",
                    message.len(),
                    args.pid
                );
            }
            if args.summary {
                println!("{}", summary(message.len(), &delivery));
            }
        }
        Err(failure) => fail_with(failure, &args, timeout, message.len()),
    }
    // ANCHOR_END: main
}

// ANCHOR: summary
/// One line for scripts and benchmarks: what was sent, how fast, at what cost.
fn summary(bytes: usize, delivery: &Delivery) -> String {
    let seconds = delivery.transfer.as_secs_f64();
    let rate = if seconds > 0.0 {
        bytes as f64 / seconds
    } else {
        0.0
    };
    let mut line = format!(
        "client: {bytes} bytes in {seconds:.3} s ({:.2} kB/s), {} mode, {} signals ({} resent)",
        rate / 1000.0,
        delivery.mode.name(),
        delivery.signals,
        delivery.resent,
    );
    if let Some(waited) = delivery.in_line {
        line.push_str(&format!(", after {:.3} s in line", waited.as_secs_f64()));
    }
    line
}
// ANCHOR_END: summary

fn fail_with(failure: Failure, args: &ClientArgs, timeout: Duration, bytes: usize) -> ! {
    let pid = args.pid;
    match failure {
        Failure::Refused(Refusal::UnsupportedMode) => fail(
            ExitCode::Refused,
            format!(
                "PID {pid} refused the message: it does not know the payload mode (try without --payload)"
            ),
        ),
        Failure::Refused(why) => fail(
            ExitCode::Refused,
            format!("PID {pid} refused the message: {why}"),
        ),
        Failure::Timeout { while_doing } => fail(
            ExitCode::Timeout,
            format!(
                "no answer from PID {pid} within {timeout:?} while {while_doing}: {}",
                target::why_silent(pid)
            ),
        ),
        Failure::Gone { while_doing } => fail(
            ExitCode::Timeout,
            format!("no answer from PID {pid} while {while_doing}: the server is gone"),
        ),
        Failure::Send(error) => fail(
            ExitCode::Failure,
            format!("cannot signal PID {pid}: {error}"),
        ),
        Failure::TooLong => fail(
            ExitCode::Usage,
            format!("{bytes} bytes do not fit in a 32-bit length"),
        ),
    }
}
