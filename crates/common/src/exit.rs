//! Exit codes shared by every client in the workbook, and the one way to leave with them.

use std::fmt::Display;

/// The documented exit codes. A shell script (or a test) can tell these apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitCode {
    /// The message was sent (and, from stage 03 on, confirmed by the server).
    Ok = 0,
    /// The command line was fine, but the work failed: for example `kill(2)` said
    /// there is no such process.
    Failure = 1,
    /// The command line was wrong: missing or extra arguments, or a PID that is not a
    /// single positive process ID. Nothing was sent.
    Usage = 2,
    /// No process has that PID (`kill(pid, 0)` said `ESRCH`). Nothing was sent.
    NoSuchProcess = 3,
    /// The process exists but we may not signal it (`EPERM`). Nothing was sent.
    NotPermitted = 4,
    /// The process exists but does not catch or block SIGUSR1 and SIGUSR2: our first
    /// signal would terminate it, so it is not a minitalk server. Nothing was sent.
    NotAServer = 5,
    /// The server stopped answering: no acknowledgement within the timeout.
    Timeout = 6,
    /// The server answered that it refused or could not verify the message.
    Refused = 7,
}

impl ExitCode {
    /// Every code, in order: what a client that checks its target and waits for answers
    /// (stages 05 to 07) may exit with.
    pub const ALL: [ExitCode; 8] = [
        ExitCode::Ok,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::NoSuchProcess,
        ExitCode::NotPermitted,
        ExitCode::NotAServer,
        ExitCode::Timeout,
        ExitCode::Refused,
    ];

    /// A few words for usage texts: what a script can conclude from this code.
    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Ok => "the server confirmed the message",
            ExitCode::Failure => "a signal could not be sent, or the message could not be read",
            ExitCode::Usage => "wrong arguments, or a PID that cannot be one process; nothing sent",
            ExitCode::NoSuchProcess => "no process has that PID; nothing sent",
            ExitCode::NotPermitted => "that process is not ours to signal; nothing sent",
            ExitCode::NotAServer => {
                "that process does not catch SIGUSR1 and SIGUSR2 (not a server); nothing sent"
            }
            ExitCode::Timeout => "no answer from the server within the timeout",
            ExitCode::Refused => {
                "the server refused the message (stderr says why); it printed nothing"
            }
        }
    }
}

/// The "exit codes" section of a usage text, one line per code, from one source: the
/// documentation of [`ExitCode`] and the text a program prints cannot drift apart.
pub fn describe(codes: &[ExitCode]) -> String {
    let mut text = String::from("exit codes:\n");
    for &code in codes {
        text.push_str(&format!("  {}  {}\n", code as i32, code.meaning()));
    }
    text
}

/// Print `program: message` as one line on stderr and exit with `code`.
pub fn fail(code: ExitCode, message: impl Display) -> ! {
    eprintln!("{}: {message}", program_name());
    std::process::exit(code as i32)
}

/// The name this program was started as (`stage01-client`, `client`, …), for messages.
pub fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|path| path.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "minitalk".to_owned())
}
