//! The command lines of `server` and `client`, with clap.
//!
//! clap writes `--help` and `--version`, and checks the arguments. One thing is ours: a
//! usage error is *one* line on stderr and exit code 2, as in every stage, where clap
//! would print a paragraph. Scripts and the tests read that line.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser};
use minitalk_common::exit::describe;
use minitalk_common::{ExitCode, fail, parse_pid};
use nix::unistd::Pid;

use crate::protocol::{DEFAULT_TIMEOUT, MAX_LEN, TIMEOUT_ENV};

// ANCHOR: client_args
/// Send a message to a minitalk server, using nothing but SIGUSR1 and SIGUSR2.
#[derive(Parser, Debug)]
#[command(name = "client", version)]
pub struct ClientArgs {
    /// The server's PID, as it printed it on its first line
    #[arg(value_parser = pid, allow_negative_numbers = true)]
    pub pid: Pid,

    /// The message; - reads it from standard input (needed above 128 KiB). A message that
    /// starts with - goes after --: client PID -- -message
    #[arg(value_parser = clap::value_parser!(OsString))]
    pub message: OsString,

    /// Payload mode: 64 bits per signal, in the signal's value, instead of one bit per
    /// signal (the server must be stage 07's)
    #[arg(short, long)]
    pub payload: bool,

    /// Give up when the server has not answered for this many milliseconds [default: 5000,
    /// or $MINITALK_TIMEOUT_MS]
    #[arg(short, long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Print nothing but errors: no progress bar, no confirmation
    #[arg(short, long)]
    pub quiet: bool,

    /// When done, print one line on stdout: bytes, time, rate, signals
    #[arg(short, long)]
    pub summary: bool,
}
// ANCHOR_END: client_args

/// The minitalk server: prints its PID, then every message a client sends it with
/// nothing but SIGUSR1 and SIGUSR2, one client at a time.
#[derive(Parser, Debug)]
#[command(name = "server", version)]
pub struct ServerArgs {
    /// How long a client may stay silent during its turn before it loses it, in
    /// milliseconds [default: 5000, or $MINITALK_TIMEOUT_MS]
    #[arg(short, long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// The longest message accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = MAX_LEN)]
    pub max_bytes: u64,

    /// Report only problems on stderr (refusals, dropped messages, unanswered knocks),
    /// not every message
    #[arg(short, long)]
    pub quiet: bool,
}

impl ClientArgs {
    /// This process's arguments, or exit: 0 after `--help`/`--version`, 2 with one line
    /// on stderr for a usage error. Nothing has been sent at that point.
    pub fn from_env() -> ClientArgs {
        let codes = describe(&[
            ExitCode::Ok,
            ExitCode::Failure,
            ExitCode::Usage,
            ExitCode::NoSuchProcess,
            ExitCode::NotPermitted,
            ExitCode::NotAServer,
            ExitCode::Timeout,
            ExitCode::Refused,
        ]);
        parse(ClientArgs::command().after_help(codes))
    }

    /// The timeout: the option, else `MINITALK_TIMEOUT_MS`, else 5 s.
    pub fn timeout(&self) -> std::time::Duration {
        timeout(self.timeout)
    }
}

impl ServerArgs {
    pub fn from_env() -> ServerArgs {
        parse(ServerArgs::command())
    }

    pub fn timeout(&self) -> std::time::Duration {
        timeout(self.timeout)
    }
}

fn timeout(option: Option<u64>) -> std::time::Duration {
    option.map_or_else(
        || minitalk_common::env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT),
        std::time::Duration::from_millis,
    )
}

/// The PID parser: the workbook's own, which refuses 0 and negative numbers with the
/// reason (`kill(2)` would signal a whole process group, or everyone).
fn pid(text: &str) -> Result<Pid, String> {
    parse_pid(text).map_err(|error| error.to_string())
}

// EXERCISE: parse
// ANCHOR: parse
/// Parse this process's arguments with `command`; turn a usage error into one line.
fn parse<T: FromArgMatches>(command: clap::Command) -> T {
    let usage = command.clone().render_usage().to_string();
    let result = command
        .try_get_matches()
        .and_then(|matches| T::from_arg_matches(&matches));
    match result {
        Ok(args) => args,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            error.exit()
        }
        Err(error) => fail(ExitCode::Usage, one_line(&error, &usage)),
    }
}

/// clap's error message up to its first blank line, on one line, with the usage.
fn one_line(error: &clap::Error, usage: &str) -> String {
    let text = error.render().to_string();
    let first: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = first.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let usage = usage.trim().replace("Usage:", "usage:");
    format!("{message} ({usage})")
}
// ANCHOR_END: parse
// END EXERCISE

#[cfg(test)]
mod tests {
    use super::*;

    fn client(args: &[&str]) -> Result<ClientArgs, clap::Error> {
        ClientArgs::try_parse_from(std::iter::once("client").chain(args.iter().copied()))
    }

    #[test]
    fn takes_a_pid_a_message_and_options() {
        let args = client(&["42", "hello", "--payload", "-q", "--timeout", "250"]).unwrap();
        assert_eq!(args.pid.as_raw(), 42);
        assert_eq!(args.message, "hello");
        assert!(args.payload && args.quiet && !args.summary);
        assert_eq!(args.timeout, Some(250));
        assert_eq!(client(&["42", "-"]).unwrap().message, "-");
    }

    #[test]
    fn usage_errors_become_one_line_that_says_why() {
        let usage = ClientArgs::command().render_usage().to_string();
        for (args, why) in [
            (&["-1", "x"][..], "every process"),
            (&["0", "x"][..], "process group"),
            (&["12abc", "x"][..], "decimal digits"),
            (&["1"][..], "<MESSAGE>"),
            (&["1", "a", "b"][..], "unexpected argument"),
            (&["1", "a", "--timeout", "0"][..], "timeout"),
        ] {
            let line = one_line(&client(args).unwrap_err(), &usage);
            assert_eq!(line.lines().count(), 1, "{line}");
            assert!(line.contains(why), "{args:?}: {line}");
            assert!(line.contains("usage: client"), "{line}");
        }
    }
}
