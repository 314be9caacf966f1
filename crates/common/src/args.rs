//! The client's command line: `<server-pid> <message>`.

use std::ffi::{OsStr, OsString};

use nix::unistd::Pid;

use crate::cli::{self, Help};
use crate::exit::{ExitCode, fail};
use crate::pid::parse_pid;

/// What every minitalk client is asked to do: send `message` to the server `pid`.
#[derive(Debug)]
pub struct ClientArgs {
    pub pid: Pid,
    /// Raw bytes: on Unix an argument is any sequence of non-NUL bytes, not always UTF-8.
    pub message: OsString,
}

impl ClientArgs {
    /// Read `<server-pid> <message>` from this process's arguments, or exit: 0 after
    /// printing `help` for `--help`, [`ExitCode::Usage`] with a one-line reason for
    /// anything else than a PID and a message. Nothing has been sent at that point. The
    /// message may be anything, `-1` or `--help` included: it is the second argument.
    pub fn from_env(help: &Help) -> ClientArgs {
        match Self::parse(cli::args(help), &help.usage()) {
            Ok(args) => args,
            Err(reason) => fail(ExitCode::Usage, reason),
        }
    }

    /// The message as bytes: see [`read_message`].
    pub fn message_bytes(&self) -> Vec<u8> {
        read_message(&self.message)
    }

    /// The pure part of [`ClientArgs::from_env`], for tests; `usage` ends the reasons.
    pub fn parse(args: Vec<OsString>, usage: &str) -> Result<ClientArgs, String> {
        let [pid, message]: [OsString; 2] = args.try_into().map_err(|args: Vec<OsString>| {
            format!("expected 2 arguments, got {} ({usage})", args.len())
        })?;
        let pid = pid
            .to_str()
            .ok_or_else(|| format!("the server PID must be decimal digits only, not {pid:?}"))
            .and_then(|text| parse_pid(text).map_err(|error| error.to_string()))?;
        Ok(ClientArgs { pid, message })
    }
}

/// A message given on the command line, as bytes. A message of exactly `-` means "read
/// it from standard input, to its end": Linux limits one argument to 128 KiB
/// (`MAX_ARG_STRLEN`; a longer one makes `execve` fail with `E2BIG`), so long messages
/// come that way. To send a lone `-`, pipe it: `printf %s - | client PID -`. A message
/// that cannot be read is [`ExitCode::Failure`].
pub fn read_message(message: &OsStr) -> Vec<u8> {
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    if message != "-" {
        return message.as_bytes().to_vec();
    }
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
        fail(
            ExitCode::Failure,
            format!("cannot read the message from standard input: {error}"),
        );
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ClientArgs, String> {
        ClientArgs::parse(
            args.iter().map(OsString::from).collect(),
            "usage: client <server-pid> <message>",
        )
    }

    #[test]
    fn takes_a_pid_and_a_message() {
        let args = parse(&["123", "hi"]).unwrap();
        assert_eq!(args.pid.as_raw(), 123);
        assert_eq!(args.message, "hi");
    }

    #[test]
    fn wrong_argument_counts_explain_the_usage() {
        for args in [&[][..], &["1"], &["1", "a", "b"]] {
            let error = parse(args).unwrap_err();
            assert!(error.contains("usage:"), "{error}");
            assert!(error.contains(&format!("got {}", args.len())), "{error}");
        }
    }

    #[test]
    fn a_message_may_look_like_an_option() {
        for message in ["-1", "-hello", "--help", "-", "--"] {
            assert_eq!(parse(&["123", message]).unwrap().message, message);
        }
    }

    #[test]
    fn bad_pids_are_refused_with_the_reason() {
        assert!(parse(&["0", "x"]).unwrap_err().contains("process group"));
        assert!(parse(&["-1", "x"]).unwrap_err().contains("every process"));
    }
}
