//! The command lines of `server` and `client`, with clap.
//!
//! clap writes `--help` and `--version`, and checks the arguments. Two things are ours: a
//! usage error is *one* line on stderr and exit code 2, as in every stage, where clap
//! would print a paragraph (scripts and the tests read that line); and the client's
//! message is whatever follows the PID, as in the classic `client <pid> <string>`, even
//! when it starts with `-`: options come before the PID.

use std::ffi::{OsStr, OsString};

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

    /// The message, whatever it starts with (options go before the PID); - reads it from
    /// standard input (needed above 128 KiB)
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

    /// Classic mode: stay on whatever CPU the scheduler picks, instead of moving to the
    /// server's (slower; for comparison)
    #[arg(long)]
    pub no_pin: bool,

    /// Payload mode: one chunk in flight at a time, as a client that does not know two
    /// would send (slower; for comparison)
    #[arg(long, requires = "payload")]
    pub one_in_flight: bool,
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
        let command = ClientArgs::command().after_help(describe(&ExitCode::ALL));
        let args = message_after_pid(&command, std::env::args_os().collect());
        parse(command, args)
    }

    /// The message's bytes: the argument as it is (any bytes but NUL), or standard input.
    pub fn message_bytes(&self) -> Vec<u8> {
        minitalk_common::args::read_message(&self.message)
    }

    /// The timeout: the option, else `MINITALK_TIMEOUT_MS`, else 5 s.
    pub fn timeout(&self) -> std::time::Duration {
        timeout(self.timeout)
    }
}

/// What SIGTERM and SIGINT do to the server, for its `--help`.
const STOPPING: &str = "Stopping: SIGTERM or SIGINT (kill, Ctrl-C) stops the server with exit code \
0, at once between messages; during one, once that message is printed whole, or dropped \
when its client stays silent for the timeout. Nobody is served after it. A second SIGTERM \
or SIGINT while it finishes stops it at once, printing nothing of that message.";

impl ServerArgs {
    pub fn from_env() -> ServerArgs {
        let command = ServerArgs::command().after_help(STOPPING);
        parse(command, std::env::args_os().collect())
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

// ANCHOR: message_after_pid
/// `args` (the program's name first) with a `--` after the PID, unless one is there: then
/// clap takes what follows as the message, whatever it starts with. `client 42 -1` sends
/// `-1`, and `client 42 -hello` sends `-hello` where clap alone would read `-h`, print the
/// help and exit 0, with nothing sent. The PID is the first argument that is neither an
/// option nor an option's value, so the options must come before it.
fn message_after_pid(command: &clap::Command, mut args: Vec<OsString>) -> Vec<OsString> {
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let mut index = 1;
    while index < args.len() {
        let arg = args[index].as_encoded_bytes();
        if arg == b"--" {
            return args; // the user's own: what follows is positional already
        }
        let value_follows = if let Some(long) = arg.strip_prefix(b"--") {
            // --timeout 250 (but not --timeout=250)
            !long.contains(&b'=')
                && command
                    .get_arguments()
                    .filter(|a| a.get_long().is_some_and(|name| name.as_bytes() == long))
                    .any(takes_value)
        } else if arg.len() > 1 && arg[0] == b'-' && !arg[1].is_ascii_digit() {
            // -qt 250: a cluster of short options, the last of which may take the next.
            let last = *arg.last().expect("longer than one byte");
            command
                .get_arguments()
                .filter(|a| a.get_short().is_some_and(|c| u8::try_from(c) == Ok(last)))
                .any(takes_value)
        } else {
            // The PID (-1 included, to be refused as one): the message comes after it.
            if args
                .get(index + 1)
                .is_none_or(|next| next != OsStr::new("--"))
            {
                args.insert(index + 1, OsString::from("--"));
            }
            return args;
        };
        index += if value_follows { 2 } else { 1 };
    }
    args
}
// ANCHOR_END: message_after_pid

// EXERCISE: parse
// ANCHOR: parse
/// Parse `args` (the program's name first) with `command`; turn a usage error into one
/// line.
fn parse<T: FromArgMatches>(command: clap::Command, args: Vec<OsString>) -> T {
    let usage = command.clone().render_usage().to_string();
    let result = command
        .try_get_matches_from(args)
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
        let args = std::iter::once("client").chain(args.iter().copied());
        let args = message_after_pid(&ClientArgs::command(), args.map(OsString::from).collect());
        ClientArgs::try_parse_from(args)
    }

    #[test]
    fn takes_options_then_a_pid_and_a_message() {
        let args = client(&["--payload", "-q", "--timeout", "250", "42", "hello"]).unwrap();
        assert_eq!(args.pid.as_raw(), 42);
        assert_eq!(args.message, "hello");
        assert!(args.payload && args.quiet && !args.summary);
        assert_eq!(args.timeout, Some(250));
        assert_eq!(client(&["42", "-"]).unwrap().message, "-");
        let args = client(&["-qt", "250", "-s", "42", "x"]).unwrap();
        assert_eq!(
            (args.timeout, args.quiet, args.summary),
            (Some(250), true, true)
        );
        assert_eq!(
            client(&["--timeout=300", "42", "x"]).unwrap().timeout,
            Some(300)
        );
    }

    #[test]
    fn the_message_after_the_pid_is_never_an_option() {
        for message in [
            "-1",
            "-456",
            "-hello",
            "-h",
            "--help",
            "--version",
            "-",
            "--payload",
        ] {
            let args = client(&["42", message]).unwrap();
            assert_eq!(args.message, message, "{message}");
            assert!(!args.payload);
        }
        // `--` stays accepted, and sends what follows it.
        assert_eq!(client(&["42", "--", "-x"]).unwrap().message, "-x");
        assert_eq!(client(&["-q", "42", "--", "--"]).unwrap().message, "--");
        // An option after the message is one argument too many, not an option.
        assert!(client(&["42", "hello", "--quiet"]).is_err());
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
            (&["--timeout", "0", "1", "a"][..], "timeout"),
        ] {
            let line = one_line(&client(args).unwrap_err(), &usage);
            assert_eq!(line.lines().count(), 1, "{line}");
            assert!(line.contains(why), "{args:?}: {line}");
            assert!(line.contains("usage: client"), "{line}");
        }
    }
}
