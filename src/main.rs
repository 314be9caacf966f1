//! `cargo run -p workbook -- <command>`: do the stages as exercises.
//!
//! ```text
//! list                      every stage: reference, exercise started, exercise passing
//! start <stage> [<name>…]   turn the stage into its exercise (all its parts, or those named)
//! check <stage> [-q]        run `cargo test -p stage-NN` and sum up, exercise by exercise
//! hint <stage> [<name>]     the next hint for an exercise (the first unfinished one)
//! solution <stage> [<name>] print the reference code of an exercise
//! reset <stage> | --all     show your changes, save them, restore the reference
//! ```
//!
//! `<stage>` is a number (`1`, `01`) or a name (`stage-01`, `01-naive`). `--root <dir>`
//! names the workspace (by default, the one around the current directory).
//! Exit codes: 0 done (for `check`: the tests pass), 1 failed, 2 usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use nix::sys::signal::{SigHandler, Signal, signal};
use workbook::exercise::{Workbook, Workspace};

const USAGE: &str = "\
usage: cargo run -p workbook -- <command>

  list                       every stage and its state
  start <stage> [<part>…]    turn a stage into an exercise (all its parts, or those named)
  check <stage> [-q]         run the stage's tests and sum them up, part by part
  hint <stage> [<part>]      the next hint (for the first unfinished part by default)
  solution <stage> [<part>]  print the reference code of a part (or of all)
  reset <stage>              show your changes, save them, restore the reference
  reset --all                the same for every stage that is an exercise

<stage> is a number (01) or a name (stage-01). Options: --root <workspace directory>.";

fn main() -> ExitCode {
    // Like any filter, stop quietly when the reader of our output goes away (`… | head`)
    // instead of panicking on the next print. Every command prints what it is about to do
    // before doing it, so dying on a print never leaves a half-done change behind.
    // SAFETY: restoring the default action installs no handler.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root: Option<PathBuf> = None;
    if let Some(at) = args.iter().position(|a| a == "--root") {
        if at + 1 >= args.len() {
            return usage("--root needs a directory");
        }
        root = Some(args.remove(at + 1).into());
        args.remove(at);
    }
    let start = match root {
        Some(root) => root,
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
    let workbook = Workbook::new(workspace);
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words[..] {
        [] | ["help" | "-h" | "--help"] => {
            println!("{USAGE}");
            Ok(0)
        }
        ["list"] => workbook.list(),
        ["start", stage, ref names @ ..] => {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            workbook.start(stage, &names)
        }
        ["check", stage] => workbook.check(stage, false),
        ["check", stage, "-q" | "--quiet"] | ["check", "-q" | "--quiet", stage] => {
            workbook.check(stage, true)
        }
        ["hint", stage] => workbook.hint(stage, None),
        ["hint", stage, name] => workbook.hint(stage, Some(name)),
        ["solution", stage] => workbook.solution(stage, None),
        ["solution", stage, name] => workbook.solution(stage, Some(name)),
        ["reset", "--all" | "all"] => workbook.reset_all(),
        ["reset", stage] => workbook.reset(stage),
        _ => return usage(&format!("unknown command: {}", args.join(" "))),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(message) => {
            eprintln!("workbook: {message}");
            ExitCode::from(1)
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("workbook: {message}\n{USAGE}");
    ExitCode::from(2)
}
