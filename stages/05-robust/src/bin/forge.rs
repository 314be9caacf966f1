//! stage05-forge: send a frame whose header says whatever we like.
//!
//! Usage: `stage05-forge <server-pid> <announced-length> [<bytes>]`
//!
//! A well-behaved client always announces its true length. A server must not trust
//! that: this sender announces `<announced-length>` (up to 4294967295), then sends
//! `<bytes>` (none by default), waiting for the server's answer after every bit like a
//! real client. It prints what happened; the exit codes are the client's.

use minitalk_common::cli::{self, Help};
use minitalk_common::{ExitCode, fail, parse_pid};
use stage_05::send::{SendError, send};
use stage_05::{DEFAULT_TIMEOUT, HEADER_BITS, TIMEOUT_ENV, bits, frame_bits};

fn main() {
    let help = Help::new(
        "stage05-forge",
        "<server-pid> <announced-length> [<bytes>]",
        "Sends a frame whose header announces <announced-length> bytes, then <bytes> (none\n\
         by default), and says what the server did with it.",
    )
    .exit_codes(&[
        ExitCode::Ok,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Refused,
    ]);
    let args = cli::text_args(&help);
    let (pid, announced, payload) = match &args[..] {
        [pid, len] => (pid, len, ""),
        [pid, len, payload] => (pid, len, payload.as_str()),
        _ => cli::usage_error(
            &help,
            format!("expected 2 or 3 arguments, got {}", args.len()),
        ),
    };
    let pid = parse_pid(pid).unwrap_or_else(|error| cli::usage_error(&help, error));
    let announced: u32 = announced
        .parse()
        .unwrap_or_else(|_| cli::usage_error(&help, "the announced length must fit in 32 bits"));

    if let Err(refusal) = minitalk_common::target::check(pid) {
        fail(refusal.exit_code(), refusal);
    }

    let header = (0..HEADER_BITS).rev().map(|i| (announced >> i) & 1 == 1);
    let body = payload.bytes().flat_map(bits);
    let sent = HEADER_BITS + 8 * payload.len();
    // Where the server should say DONE if it believes the header: a DONE before it is a
    // refusal, no DONE at all means the server is still waiting for the rest.
    let total = frame_bits(announced as usize);
    let timeout = minitalk_common::env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT);
    match send(pid, header.chain(body), total, timeout) {
        Ok(()) => println!("stage05-forge: announced {announced}, sent {sent} bits, confirmed"),
        Err(SendError::Refused { after }) => {
            println!("stage05-forge: announced {announced}, refused after {after} bits");
            std::process::exit(ExitCode::Refused as i32);
        }
        // The server still wants bits: the payload was shorter than announced.
        Err(SendError::NotDone) => {
            println!("stage05-forge: announced {announced}, sent {sent} bits, server wants more")
        }
        Err(SendError::Signal(error)) => fail(ExitCode::Failure, format!("kill: {error}")),
        Err(SendError::Timeout { after }) => fail(
            ExitCode::Timeout,
            format!("no answer to bit {after} within {timeout:?}"),
        ),
    }
}
