//! stage03-client: send a message one bit per signal, each bit only once the server has
//! acknowledged the previous one.
//!
//! Usage: `stage03-client <server-pid> <message>`. Prints a confirmation once the server
//! says the whole message is printed. Exit codes: 0 confirmed, 1 a signal could not be
//! sent or the server answered out of turn, 2 usage error.

use std::os::unix::ffi::OsStrExt;

use minitalk_common::{ClientArgs, ExitCode, Help, fail};
use nix::sys::signal::kill;
use stage_03::wait::{block_answers, catch_answers, next_answer};
use stage_03::{ACK, DONE, ONE, TERMINATOR, ZERO, bits};

fn main() {
    let help = Help::new(
        "stage03-client",
        "<server-pid> <message>",
        "Sends <message> to the server, one acknowledged bit per signal.",
    )
    .exit_codes(&[ExitCode::Ok, ExitCode::Failure, ExitCode::Usage]);
    // Parsing refuses 0 and negative PIDs before anything is sent.
    let args = ClientArgs::from_env(&help);

    // So that the server, which checks us before it answers, sees an answer cannot kill us.
    catch_answers();
    // ANCHOR: block
    // Before the first signal: from here on an answer can only wait for us, pending.
    let answers = block_answers();
    // ANCHOR_END: block

    // ANCHOR: send
    let message = args.message.as_bytes();
    let total = (message.len() + 1) * 8;
    let all_bits = message.iter().chain(&[TERMINATOR]).flat_map(|&b| bits(b));
    for (sent, bit) in all_bits.enumerate().map(|(i, bit)| (i + 1, bit)) {
        let signal = if bit { ONE } else { ZERO };
        if let Err(error) = kill(args.pid, signal) {
            fail(
                ExitCode::Failure,
                format!("cannot signal PID {}: {error}", args.pid),
            );
        }
        // No sleeping: the server tells us when it is ready for the next bit.
        let answer = next_answer(&answers, args.pid);
        let expected = if sent == total { DONE } else { ACK };
        if answer != expected {
            fail(
                ExitCode::Failure,
                format!(
                    "the server answered {answer} to bit {sent} of {total}, expected {expected}"
                ),
            );
        }
    }
    // ANCHOR_END: send
    println!(
        "stage03-client: {} bytes delivered, PID {} confirmed",
        message.len(),
        args.pid
    );
}
