//! stage05-client: stage 04's client, made safe: the PID is checked before the first
//! signal, and no answer within the timeout ends the transfer with a clear error.
//!
//! Usage: `stage05-client <server-pid> <message>` (`--help` for the exit codes).

use minitalk_common::{ClientArgs, ExitCode, Help, fail, target};
use nix::errno::Errno;
use nix::sys::signal::kill;
use nix::unistd::Pid;
use stage_05::send::{SendError, send};
use stage_05::{DEFAULT_TIMEOUT, MAX_LEN, TIMEOUT_ENV, frame, frame_bits};

fn main() {
    let help = Help::new(
        "stage05-client",
        "<server-pid> <message>",
        "Sends <message> to the server as a frame: its length, then its bytes, one\n\
         acknowledged bit per signal. A <message> of - is read from standard input.\n\
         Before the first signal, <server-pid> must be a process that exists, that we may\n\
         signal, and that catches or blocks SIGUSR1 and SIGUSR2.",
    )
    .env(
        TIMEOUT_ENV,
        &format!(
            "how long to wait for each answer, in milliseconds (default {})",
            DEFAULT_TIMEOUT.as_millis()
        ),
    )
    .exit_codes(&ExitCode::ALL);
    // Parsing refuses anything but decimal digits, and 0, before anything is sent.
    let args = ClientArgs::from_env(&help);
    let timeout = minitalk_common::env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT);

    // ANCHOR: check
    // pid_max, existence (ESRCH / EPERM), SIGUSR1 and SIGUSR2 caught or blocked: a wrong
    // PID is refused here, with its own exit code, and no signal sent.
    if let Err(refusal) = target::check(args.pid) {
        fail(refusal.exit_code(), refusal);
    }
    // ANCHOR_END: check

    // Raw bytes, not a String: an argument on Unix is any bytes but NUL.
    let message = args.message_bytes();
    let Some(bits) = frame(&message) else {
        fail(
            ExitCode::Usage,
            format!("{} bytes do not fit in a 32-bit length", message.len()),
        );
    };

    let total = frame_bits(message.len());
    match send(args.pid, bits, total, timeout) {
        Ok(()) => println!(
            "stage05-client: {} bytes delivered, PID {} confirmed",
            message.len(),
            args.pid
        ),
        Err(SendError::Signal(error)) => fail(
            ExitCode::Failure,
            format!("cannot signal PID {}: {error}", args.pid),
        ),
        Err(SendError::Refused { after }) => fail(
            ExitCode::Refused,
            format!(
                "PID {} refused the message after {after} bits ({} bytes; the limit is {MAX_LEN})",
                args.pid,
                message.len()
            ),
        ),
        Err(SendError::NotDone) => fail(
            ExitCode::Failure,
            format!("PID {} did not confirm the last bit", args.pid),
        ),
        // ANCHOR: timeout
        Err(SendError::Timeout { after }) => fail(
            ExitCode::Timeout,
            format!(
                "no answer from PID {} within {timeout:?} to bit {after} of {total}: {}",
                args.pid,
                why_silent(args.pid)
            ),
        ),
        // ANCHOR_END: timeout
    }
}

// ANCHOR: why_silent
/// Tell a dead server from a silent one, for the error message. Signal 0 sends nothing.
fn why_silent(server: Pid) -> &'static str {
    match kill(server, None) {
        Err(Errno::ESRCH) => "the server is gone",
        _ => "the server is still there but not answering (stopped, or not a minitalk server)",
    }
}
// ANCHOR_END: why_silent
