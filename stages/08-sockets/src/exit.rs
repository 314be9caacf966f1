//! This stage's exit codes, and the one way to leave with them.
//!
//! Codes 0, 1 and 2 mean what they mean everywhere in the workbook
//! ([`minitalk_common::ExitCode`]). Codes 3 to 7 are about PIDs and signals, which this
//! stage does not use; 8 to 10 are new, for what can go wrong with a network address.

use std::fmt::Display;

use minitalk_common::ExitCode;
use minitalk_common::exit::program_name;
use minitalk_common::raw::write_all;

// ANCHOR: codes
/// The documented exit codes of `stage08-server` and `stage08-client`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Exit {
    /// Client: every line of its input was sent and the server has read it (it closed
    /// the connection in turn). Server: its input ended, which closes a two-way chat.
    Ok = ExitCode::Ok as i32,
    /// Something failed that no code below describes; the message says what.
    Failure = ExitCode::Failure as i32,
    /// The command line was wrong: an unknown option, a port that is not a number from 0
    /// to 65535, an address that is not `IP:PORT`. Nothing was sent.
    Usage = ExitCode::Usage as i32,
    /// Client: nothing accepts connections at that address (connection refused, or no
    /// route to it). Nothing was sent.
    NoServer = 8,
    /// Server: it cannot listen at that address: the port is in use, the IP address is
    /// not one of this machine's, or the port is reserved for the administrator.
    CannotListen = 9,
    /// Client: the connection ended before all of its input was delivered: the server
    /// closed it, or went away.
    ConnectionLost = 10,
}
// ANCHOR_END: codes

/// Print `program: message` as one line on stderr and exit with `code`.
pub fn fail(code: Exit, message: impl Display) -> ! {
    warn(message);
    std::process::exit(code as i32)
}

/// Print `program: message` as one line on stderr, and carry on. The server uses it for
/// a problem with one client: it reports the problem and keeps serving the others.
///
/// The line goes out in one `write(2)`, so that lines from the server's children, which
/// share one stderr, never mix halfway.
pub fn warn(message: impl Display) {
    let line = format!("{}: {message}\n", program_name());
    write_all(2, line.as_bytes());
}
