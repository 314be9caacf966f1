//! stage06-forge: a client that misbehaves on purpose, to watch the server defend itself.
//!
//! Usage: `stage06-forge <trick> <server-pid> <message>`, where `<trick>` is one of
//!
//! - `bad-checksum`: a correct transfer of a frame whose CRC-32 is off by one bit. The
//!   server must refuse it and print nothing (exit code 7).
//! - `claim-length=N`: a header that announces N bytes. If N is above what the server
//!   accepts, it refuses right after the 32 bits of the length (exit code 7).
//! - `no-catch`: knock once *without* blocking or catching SIGUSR1 and SIGUSR2, then
//!   wait to be killed. A server that answered a process it had not checked would kill
//!   it with its answer; a correct one leaves it alone.

use minitalk_common::cli::{self, Help};
use minitalk_common::{ExitCode, env, fail, parse_pid, target};
use nix::unistd::Pid;
use stage_06::client::{Failure, send_frame};
use stage_06::frame::encode;
use stage_06::protocol::{DEFAULT_TIMEOUT, KNOCK, Knock, Mode, TIMEOUT_ENV};
use stage_06::signals::{Signals, send};

fn main() {
    let help = Help::new(
        "stage06-forge",
        "bad-checksum|claim-length=N|no-catch <server-pid> <message>",
        "A client that misbehaves on purpose: a frame with a wrong CRC-32, a header that\n\
         announces N bytes, or a knock from a process that neither catches nor blocks\n\
         SIGUSR1 and SIGUSR2 (it then waits to be killed).",
    )
    .exit_codes(&[
        ExitCode::Ok,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Refused,
    ]);
    let args = cli::text_args(&help);
    let [trick, pid, message] = &args[..] else {
        cli::usage_error(&help, format!("expected 3 arguments, got {}", args.len()));
    };
    let pid = parse_pid(pid).unwrap_or_else(|error| cli::usage_error(&help, error));
    let known =
        trick == "bad-checksum" || trick == "no-catch" || trick.starts_with("claim-length=");
    if !known {
        cli::usage_error(&help, format!("unknown trick {trick:?}"));
    }
    if trick == "no-catch" {
        knock_unprotected(pid);
    }
    let signals = Signals::block();
    if let Err(refusal) = target::check(pid) {
        fail(refusal.exit_code(), refusal);
    }
    let mut frame = encode(message.as_bytes()).expect("a short message");
    if trick == "bad-checksum" {
        *frame.last_mut().expect("the checksum's last byte") ^= 1;
    } else if let Some(length) = trick.strip_prefix("claim-length=") {
        let length: u32 = length
            .parse()
            .unwrap_or_else(|_| cli::usage_error(&help, "claim-length needs a 32-bit number"));
        frame[..4].copy_from_slice(&length.to_be_bytes());
    } else {
        fail(ExitCode::Usage, format!("unknown trick {trick:?}"));
    }
    let timeout = env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT);
    match send_frame(&signals, pid, &frame, timeout, || {}) {
        Ok(_) => println!("stage06-forge: the server accepted the forged frame"),
        Err(Failure::Refused(why)) => fail(ExitCode::Refused, format!("refused: {why}")),
        Err(other) => fail(ExitCode::Failure, format!("{other:?}")),
    }
}

/// Knock with SIGUSR1 and SIGUSR2 at their default action (terminate), then wait.
fn knock_unprotected(server: Pid) -> ! {
    if let Err(error) = send(server, KNOCK, Knock::new(Mode::Classic).encode()) {
        fail(
            ExitCode::Failure,
            format!("cannot signal PID {server}: {error}"),
        );
    }
    println!("stage06-forge: knocked unprotected");
    loop {
        // Until the test kills us, or the server's answer does.
        std::thread::park();
    }
}
