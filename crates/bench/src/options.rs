//! The command line, declared with clap: the same parser as the learner tool's.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::size::parse_size;

/// What `bench --help` says before the options.
const ABOUT: &str = "\
Builds every stage (cargo build --release --workspace --bins), measures the signal
ceilings (ping-pongs in Rust and in C), then every stage end to end through its release
binaries. Tables on stdout, progress on stderr. A full run writes the results into the
book (book/src/performance/), but only from a quiet machine: it measures how busy other
programs keep the CPUs, refuses to start when they are busy (or waits, with
--wait-for-quiet), and writes nothing when they were busy during the run (exit code 3).
A partial run writes the results only with --out.";

/// The options as typed.
#[derive(Parser, Debug)]
#[command(
    name = "bench",
    override_usage = "cargo run --release --bin bench -- [OPTIONS]",
    about = "Every stage's real programs against the signal ceiling",
    long_about = ABOUT
)]
struct Args {
    /// Only this stage (01 … 08; repeat for several)
    #[arg(long = "stage", value_name = "ID")]
    stages: Vec<String>,
    /// Only this message size for every selected stage (100, 10k, 1M; repeatable)
    #[arg(long = "size", value_name = "SIZE", value_parser = size)]
    sizes: Vec<usize>,
    /// Runs per figure; the median is reported
    #[arg(long, value_name = "R", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// Round trips per ping-pong run
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    n: u64,
    /// A transfer taking longer counts as failed
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Skip the several-clients-at-once rows
    #[arg(long)]
    no_concurrency: bool,
    /// Do not run cargo build first (use the binaries already built)
    #[arg(long)]
    no_build: bool,
    /// Write the tables, CSV and SVG there (whatever the load)
    #[arg(long, value_name = "DIR", conflicts_with = "no_write")]
    out: Option<PathBuf>,
    /// Write nothing, print only
    #[arg(long)]
    no_write: bool,
    /// Before a run that writes into the book, wait up to this long for the machine to
    /// be quiet instead of refusing at once
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..))]
    wait_for_quiet: Option<u64>,
}

fn size(text: &str) -> Result<usize, String> {
    parse_size(text).ok_or_else(|| format!("not a size (100, 10k, 1M): {text:?}"))
}

#[derive(Debug)]
pub struct Options {
    pub stages: Vec<String>,
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub n: u64,
    pub timeout: Duration,
    pub concurrency: bool,
    pub build: bool,
    /// Where to write the results; `None`: nowhere.
    pub out: Option<PathBuf>,
    /// Whether `out` is the book (the default of a full run): only from a quiet machine.
    pub into_book: bool,
    /// How long to wait for a quiet machine before a run that writes into the book.
    pub wait_for_quiet: Duration,
}

impl Options {
    /// Parse the arguments after the program name; on an error or `--help`, clap prints
    /// and exits (code 2 for a bad command line, as every program of the workbook).
    pub fn parse(args: &[String], default_out: PathBuf) -> Options {
        let args =
            Args::parse_from(std::iter::once("bench").chain(args.iter().map(String::as_str)));
        Options::from_args(args, default_out)
    }

    fn from_args(args: Args, default_out: PathBuf) -> Options {
        let partial = !args.stages.is_empty() || !args.sizes.is_empty();
        let into_book = !args.no_write && args.out.is_none() && !partial;
        let out = match (args.no_write, args.out) {
            (true, _) => None,
            (false, Some(dir)) => Some(dir),
            // A partial run must not overwrite the book's full results.
            (false, None) if partial => None,
            (false, None) => Some(default_out),
        };
        Options {
            stages: args.stages,
            sizes: args.sizes,
            runs: args.runs as usize,
            n: args.n,
            timeout: Duration::from_secs(args.timeout),
            concurrency: !args.no_concurrency,
            build: !args.no_build,
            out,
            into_book,
            wait_for_quiet: Duration::from_secs(60 * args.wait_for_quiet.unwrap_or(0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        let args = Args::try_parse_from(std::iter::once("bench").chain(args.iter().copied()))?;
        Ok(Options::from_args(args, PathBuf::from("book")))
    }

    #[test]
    fn a_full_run_writes_into_the_book_and_a_partial_one_does_not() {
        assert_eq!(parse(&[]).unwrap().out, Some(PathBuf::from("book")));
        assert!(parse(&[]).unwrap().into_book);
        assert!(!parse(&["--out", "x"]).unwrap().into_book);
        assert!(!parse(&["--no-write"]).unwrap().into_book);
        assert_eq!(
            parse(&["--wait-for-quiet", "30"]).unwrap().wait_for_quiet,
            Duration::from_secs(1800)
        );
        assert_eq!(parse(&["--stage", "07"]).unwrap().out, None);
        assert_eq!(
            parse(&["--size", "1k", "--out", "x"]).unwrap().out,
            Some(PathBuf::from("x"))
        );
        assert_eq!(parse(&["--no-write"]).unwrap().out, None);
    }

    #[test]
    fn values_are_checked() {
        let options = parse(&["--size", "10k", "--runs", "5", "--n", "1000"]).unwrap();
        assert_eq!(
            (options.sizes, options.runs, options.n),
            (vec![10_000], 5, 1000)
        );
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--size"]).is_err());
        assert!(parse(&["--size", "ten"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--out", "x", "--no-write"]).is_err());
    }
}
