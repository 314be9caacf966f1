//! stage04-client: send a frame (length, then bytes) one acknowledged bit per signal.
//!
//! Usage: `stage04-client <server-pid> <message>`; a message of `-` is read from
//! standard input (one argument can hold at most 128 KiB). Any bytes travel, including
//! invalid UTF-8 and none at all.

use minitalk_common::{ClientArgs, ExitCode, Help, fail};
use stage_04::send::{SendError, send};
use stage_04::{MAX_LEN, frame, frame_bits};

fn main() {
    let help = Help::new(
        "stage04-client",
        "<server-pid> <message>",
        "Sends <message> to the server as a frame: its length, then its bytes, one\n\
         acknowledged bit per signal. A <message> of - is read from standard input.",
    )
    .exit_codes(&[
        ExitCode::Ok,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Refused,
    ]);
    // Parsing refuses 0 and negative PIDs before anything is sent.
    let args = ClientArgs::from_env(&help);
    // ANCHOR: message
    // Raw bytes, not a String: an argument on Unix is any bytes but NUL.
    let message = args.message_bytes();
    let Some(bits) = frame(&message) else {
        fail(
            ExitCode::Usage,
            format!("{} bytes do not fit in a 32-bit length", message.len()),
        );
    };
    // ANCHOR_END: message

    // ANCHOR: outcome
    match send(args.pid, bits, frame_bits(message.len())) {
        Ok(()) => println!(
            "stage04-client: {} bytes delivered, PID {} confirmed",
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
    }
    // ANCHOR_END: outcome
}
