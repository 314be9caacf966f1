//! `cargo run -p workbook -- <command>`: do the stages as exercises. The command line is
//! clap's; `cargo run -p workbook -- help` prints it.
//!
//! Exit codes: 0 done (for `check`: the tests pass), 1 failed, 2 usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use nix::sys::signal::{SigHandler, Signal, signal};
use workbook::commands::{CommandResult, Workbook};
use workbook::workspace::Workspace;

/// Do the minitalk workbook's stages as exercises: the lesson's code of a stage becomes
/// stubs for you to write, and its tests check your code.
#[derive(Parser)]
#[command(
    name = "workbook",
    bin_name = "cargo run -p workbook --",
    after_help = "A STAGE is a number (03), a package (stage-03) or a directory (03-acknowledged).\n\
                  Exit codes: 0 done (for check: the tests pass), 1 failed, 2 usage error."
)]
struct Cli {
    /// The workspace to work in (by default, the one around the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every stage, its state, and the parts done
    List,
    /// Turn a stage into its exercise: its parts (all, or those named) become stubs
    Start {
        stage: String,
        /// Only these parts (by default, every part of the stage)
        parts: Vec<String>,
        /// Start even though the stage has changes not committed to git (they become part of
        /// what `reset` restores)
        #[arg(long)]
        force: bool,
    },
    /// Run the stage's tests and sum them up, part by part
    Check {
        stage: String,
        /// Show cargo's whole output too (otherwise it goes to a log file under .workbook/logs)
        #[arg(short, long)]
        verbose: bool,
    },
    /// Check the stage, and again each time one of its files changes (Ctrl-C stops)
    Watch { stage: String },
    /// The next hint for a part (by default, the first part still to do)
    Hint { stage: String, part: Option<String> },
    /// The reference code of a part (by default, of every part)
    Solution { stage: String, part: Option<String> },
    /// Show your changes, save them under .workbook/saved, and restore the reference
    Reset {
        #[arg(required_unless_present = "all")]
        stage: Option<String>,
        /// Every stage that is an exercise
        #[arg(long, conflicts_with = "stage")]
        all: bool,
    },
    /// Bring back work that `reset` saved (the latest, or the one named)
    Restore {
        stage: String,
        /// A name under .workbook/saved/<stage>/, e.g. 2026-05-01T12-30-05Z
        saved: Option<String>,
    },
    /// What stage TO changes from stage FROM: files kept, changed (as diffs), and new
    Diff { from: String, to: String },
    /// Run a stage's server and client (or any pair) and show every signal as the kernel
    /// saw it: a summary, a text timeline, an SVG timeline (needs root, for tracefs)
    Trace(Box<minitalk_trace::cli::Args>),
    /// Grade anyone's minitalk with the checks of every stage that applies (01 to 07):
    /// a report (markdown) and JUnit XML, in target/grade/
    Grade(workbook::commands::grade::Args),
}

fn main() -> ExitCode {
    // Like any filter, stop quietly when the reader of our output goes away (`… | head`)
    // instead of panicking on the next print. Every command prints what it is about to do
    // before doing it, so dying on a print never leaves a half-done change behind.
    // SAFETY: restoring the default action installs no handler.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    // clap prints usage errors on stderr and exits 2; help and --version on stdout, 0.
    let cli = Cli::parse();
    let start = match &cli.root {
        Some(root) => root.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let Some(workspace) = Workspace::find(&start)
        .or_else(|| Workspace::find(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))))
    else {
        eprintln!(
            "workbook: no workbook workspace (a Cargo.toml with [workspace] beside stages/) at or above {}",
            start.display()
        );
        return ExitCode::from(1);
    };
    match run(&Workbook::new(workspace), cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("workbook: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(workbook: &Workbook, command: Command) -> CommandResult {
    match command {
        Command::List => workbook.list(),
        Command::Start {
            stage,
            parts,
            force,
        } => workbook.start(&stage, &parts, force),
        Command::Check { stage, verbose } => workbook.check(&stage, verbose),
        Command::Watch { stage } => workbook.watch(&stage),
        Command::Hint { stage, part } => workbook.hint(&stage, part.as_deref()),
        Command::Solution { stage, part } => workbook.solution(&stage, part.as_deref()),
        Command::Reset { all: true, .. } => workbook.reset_all(),
        Command::Reset { stage, .. } => workbook.reset(stage.as_deref().unwrap_or_default()),
        Command::Restore { stage, saved } => workbook.restore(&stage, saved.as_deref()),
        Command::Diff { from, to } => workbook.diff(&from, &to),
        Command::Trace(args) => workbook.trace(*args),
        Command::Grade(args) => workbook.grade(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
