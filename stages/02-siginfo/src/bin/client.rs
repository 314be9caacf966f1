//! stage02-client: send a message one bit per signal, sleeping between signals.
//!
//! Usage: `stage02-client <server-pid> <message>`. Exit codes: 0 sent (not confirmed:
//! nobody answers in this stage), 1 a signal could not be sent, 2 usage error.

use std::os::unix::ffi::OsStrExt;

use minitalk_common::{ClientArgs, ExitCode, Help, fail};
use nix::sys::signal::kill;
use stage_02::{DEFAULT_DELAY, ONE, TERMINATOR, ZERO, bits};

fn main() {
    let help = Help::new(
        "stage02-client",
        "<server-pid> <message>",
        "Sends <message> to the server, one bit per signal, sleeping between signals.",
    )
    .env(
        "MINITALK_DELAY_US",
        "the pause after each signal, in microseconds (default 200)",
    )
    .exit_code(
        ExitCode::Ok,
        "every signal was sent (nobody confirms anything in this stage)",
    )
    .exit_codes(&[ExitCode::Failure, ExitCode::Usage]);
    // Parsing refuses 0 and negative PIDs before anything is sent.
    let args = ClientArgs::from_env(&help);
    let delay = minitalk_common::env::micros("MINITALK_DELAY_US", DEFAULT_DELAY);

    // ANCHOR: send
    let message = args.message.as_bytes();
    for &byte in message.iter().chain(&[TERMINATOR]) {
        for bit in bits(byte) {
            let signal = if bit { ONE } else { ZERO };
            if let Err(error) = kill(args.pid, signal) {
                fail(
                    ExitCode::Failure,
                    format!("cannot signal PID {}: {error}", args.pid),
                );
            }
            // The whole flow control of this stage: hope that the server has handled this
            // signal before the next one arrives. Nothing tells us it has.
            std::thread::sleep(delay);
        }
    }
    // ANCHOR_END: send
}
