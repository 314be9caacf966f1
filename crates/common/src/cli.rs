//! The command line of every program in the workbook except the final `server` and
//! `client` (stage 07, which use clap): `--help` (or `-h`) as the first argument prints
//! what the program does and exits 0; anything the program does not take is a usage error,
//! one line on stderr and exit code 2, before it does anything. A mistyped option never
//! starts a server, and never reaches `kill(2)`.
//!
//! A program describes itself once, with [`Help`], and reads its arguments with [`args`]
//! (or [`no_args`]), so that its `src/bin` file stays about its lesson:
//!
//! ```no_run
//! use minitalk_common::cli::{self, Help};
//! let help = Help::new("stage00-receiver", "[--block]", "Counts SIGUSR1 and SIGUSR2.");
//! let block = match &cli::args(&help)[..] {
//!     [] => false,
//!     [flag] if flag == "--block" => true,
//!     _ => cli::usage_error(&help, "expected nothing, or --block"),
//! };
//! ```

use std::ffi::OsString;
use std::fmt::Display;

use crate::exit::{ExitCode, fail};

/// What a program's `--help` prints: its synopsis, what it does, the environment variables
/// it reads and its exit codes.
#[derive(Clone, Debug)]
pub struct Help {
    program: &'static str,
    synopsis: String,
    text: String,
}

impl Help {
    /// `program` is the binary's name; `synopsis` what follows it (`<server-pid>
    /// <message>`, or `""` for a program without arguments); `about` a few lines.
    pub fn new(program: &'static str, synopsis: &str, about: &str) -> Help {
        let mut help = Help {
            program,
            synopsis: synopsis.to_owned(),
            text: String::new(),
        };
        help.text = format!("{}\n{}\n", help.usage(), about.trim_end());
        help
    }

    /// One environment variable the program reads, and what it means.
    pub fn env(mut self, name: &str, meaning: &str) -> Help {
        if !self.text.contains("\nenvironment:\n") {
            self.text.push_str("environment:\n");
        }
        self.text.push_str(&format!("  {name}  {meaning}\n"));
        self
    }

    /// The exit codes the program may leave with, each with its documented meaning.
    pub fn exit_codes(mut self, codes: &[ExitCode]) -> Help {
        for &code in codes {
            self = self.exit_code(code, code.meaning());
        }
        self
    }

    /// One exit code, with what it means for this program.
    pub fn exit_code(mut self, code: ExitCode, meaning: &str) -> Help {
        if !self.text.contains("\nexit codes:\n") {
            self.text.push_str("exit codes:\n");
        }
        self.text
            .push_str(&format!("  {}  {meaning}\n", code as i32));
        self
    }

    /// `usage: program synopsis`, the line a usage error ends with.
    pub fn usage(&self) -> String {
        format!("usage: {} {}", self.program, self.synopsis)
            .trim_end()
            .to_owned()
    }

    /// The whole text `--help` prints.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// This program's arguments, after its name. If the first one is `--help` or `-h`, print
/// `help` on stdout and exit 0. (Only the first: a client's message may be `-h`.)
pub fn args(help: &Help) -> Vec<OsString> {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args
        .first()
        .is_some_and(|first| first == "--help" || first == "-h")
    {
        print!("{}", help.text());
        std::process::exit(ExitCode::Ok as i32);
    }
    args
}

/// [`args`], as text: for programs whose arguments are all ASCII (PIDs, numbers, names).
/// One that is not valid UTF-8 is a usage error.
pub fn text_args(help: &Help) -> Vec<String> {
    args(help)
        .into_iter()
        .map(|arg| {
            arg.into_string()
                .unwrap_or_else(|arg| usage_error(help, format!("{arg:?} is not valid UTF-8")))
        })
        .collect()
}

/// For a program that takes no arguments: `--help` prints `help`; any argument at all is
/// a usage error.
pub fn no_args(help: &Help) {
    if let Some(arg) = args(help).first() {
        usage_error(help, format!("unexpected argument {arg:?}"));
    }
}

/// A usage error: `program: reason (usage: …)` on stderr, exit code 2.
pub fn usage_error(help: &Help, reason: impl Display) -> ! {
    fail(ExitCode::Usage, format!("{reason} ({})", help.usage()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_says_usage_about_environment_and_exit_codes_in_that_order() {
        let help = Help::new("stage09-client", "<pid>", "Does things.\n")
            .env("MINITALK_X", "an example")
            .exit_codes(&[ExitCode::Ok, ExitCode::Usage]);
        let text = help.text();
        assert!(
            text.starts_with("usage: stage09-client <pid>\nDoes things.\n"),
            "{text}"
        );
        let environment = text
            .find("environment:\n  MINITALK_X  an example\n")
            .unwrap();
        let codes = text.find("exit codes:\n  0  ").unwrap();
        assert!(environment < codes, "{text}");
        assert!(text.contains("\n  2  "), "{text}");
    }

    #[test]
    fn a_program_without_arguments_has_a_usage_without_trailing_space() {
        assert_eq!(
            Help::new("stage09-server", "", "x").usage(),
            "usage: stage09-server"
        );
    }
}
