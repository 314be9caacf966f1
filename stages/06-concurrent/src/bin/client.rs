//! stage06-client: deliver a message, taking turns with other clients, and report success
//! only once the server has verified and printed it.
//!
//! Usage: `stage06-client <server-pid> <message>` (`--help` for the exit codes).

use minitalk_common::{ClientArgs, ExitCode, Help, env, fail, target};
use stage_06::client::{Failure, deliver};
use stage_06::protocol::{DEFAULT_TIMEOUT, TIMEOUT_ENV};
use stage_06::signals::Signals;

fn main() {
    let help = Help::new(
        "stage06-client",
        "<server-pid> <message>",
        "Sends <message> to the server as a frame: its length, its bytes and a CRC-32, one\n\
         numbered bit per signal. A <message> of - is read from standard input. When the\n\
         server is busy with another client, waits in line.",
    )
    .env(
        TIMEOUT_ENV,
        &format!(
            "how long to wait for an answer, in milliseconds (default {})",
            DEFAULT_TIMEOUT.as_millis()
        ),
    )
    .exit_codes(&ExitCode::ALL);
    // ANCHOR: main
    // Blocked before anything is sent, so that no answer can arrive unseen.
    let signals = Signals::block();
    let args = ClientArgs::from_env(&help);
    let timeout = env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT);
    // No signal goes to a PID that is not a process of ours catching or blocking both.
    if let Err(refusal) = target::check(args.pid) {
        fail(refusal.exit_code(), refusal);
    }
    let message = args.message_bytes();
    let in_line =
        || eprintln!("stage06-client: the server is busy with another client; waiting in line");
    match deliver(&signals, args.pid, &message, timeout, in_line) {
        Ok(_) => println!(
            "stage06-client: {} bytes delivered, PID {} confirmed",
            message.len(),
            args.pid
        ),
        Err(Failure::Refused(why)) => fail(
            ExitCode::Refused,
            format!("PID {} refused the message: {why}", args.pid),
        ),
        Err(Failure::Timeout { while_doing, .. }) => fail(
            ExitCode::Timeout,
            format!(
                "no answer from PID {} within {timeout:?} while {while_doing}: {}",
                args.pid,
                target::why_silent(args.pid)
            ),
        ),
        Err(Failure::Gone { while_doing }) => fail(
            ExitCode::Timeout,
            format!(
                "no answer from PID {} while {while_doing}: the server is gone",
                args.pid
            ),
        ),
        Err(Failure::Send(error)) => fail(
            ExitCode::Failure,
            format!("cannot signal PID {}: {error}", args.pid),
        ),
        Err(Failure::TooLong) => fail(
            ExitCode::Usage,
            format!("{} bytes do not fit in a 32-bit length", message.len()),
        ),
    }
    // ANCHOR_END: main
}
