//! The command line. Hand-parsed: a dozen flags do not need a parser library.

use std::path::PathBuf;
use std::time::Duration;

use crate::size::parse_size;

pub const USAGE: &str = "\
usage: cargo run --release --bin bench -- [OPTIONS]

Builds every stage (cargo build --release --workspace --bins), measures the signal
ceilings (ping-pongs in Rust and in C), then every stage end to end through its release
binaries. Tables on stdout, progress on stderr. A full run writes the results into the
book (book/src/performance/), but only from a quiet machine: it measures how busy other
programs keep the CPUs, refuses to start when they are busy (or waits, with
--wait-for-quiet), and writes nothing when they were busy during the run (exit code 3).
A partial run writes the results only with --out.

options:
  --stage ID      only this stage (01 … 08; repeat for several)
  --size SIZE     only this message size for every selected stage (100, 10k, 1M; repeatable)
  --runs R        runs per figure; the median is reported (default 3)
  --n N           round trips per ping-pong run (default 100000)
  --timeout SECS  a transfer taking longer counts as failed (default 300)
  --no-concurrency   skip the several-clients-at-once rows
  --no-build      do not run cargo build first (use the binaries already built)
  --out DIR       write the tables, CSV and SVG there (whatever the load)
  --no-write      write nothing, print only
  --wait-for-quiet MINUTES   before a run that writes into the book, wait up to this
                  long for the machine to be quiet instead of refusing at once
  -h, --help      this text";

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
    /// Parse the arguments after the program name. `Err` holds a one-line reason.
    pub fn parse(args: &[String], default_out: PathBuf) -> Result<Options, String> {
        let mut options = Options {
            stages: Vec::new(),
            sizes: Vec::new(),
            runs: 3,
            n: 100_000,
            timeout: Duration::from_secs(300),
            concurrency: true,
            build: true,
            out: None,
            into_book: false,
            wait_for_quiet: Duration::ZERO,
        };
        let mut out = None;
        let mut write = true;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |what: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{arg} needs {what}"))
            };
            match arg.as_str() {
                "--stage" => options.stages.push(value("a stage number")?),
                "--size" => {
                    let text = value("a size")?;
                    options
                        .sizes
                        .push(parse_size(&text).ok_or_else(|| format!("bad size {text:?}"))?);
                }
                "--runs" => options.runs = positive(&value("a number")?, arg)?,
                "--n" => options.n = positive(&value("a number")?, arg)? as u64,
                "--timeout" => {
                    options.timeout = Duration::from_secs(positive(&value("seconds")?, arg)? as u64)
                }
                "--no-concurrency" => options.concurrency = false,
                "--no-build" => options.build = false,
                "--out" => out = Some(PathBuf::from(value("a directory")?)),
                "--no-write" => write = false,
                "--wait-for-quiet" => {
                    let minutes = positive(&value("minutes")?, arg)? as u64;
                    options.wait_for_quiet = Duration::from_secs(60 * minutes);
                }
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        let partial = !options.stages.is_empty() || !options.sizes.is_empty();
        let out_given = out.clone();
        options.out = match (write, out) {
            (false, _) => None,
            (true, Some(dir)) => Some(dir),
            // A partial run must not overwrite the book's full results.
            (true, None) if partial => None,
            (true, None) => Some(default_out),
        };
        options.into_book = write && out_given.is_none() && !partial;
        Ok(options)
    }
}

fn positive(text: &str, option: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|&n: &usize| n > 0)
        .ok_or_else(|| format!("{option} needs a positive whole number, not {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Options::parse(&args, PathBuf::from("book"))
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
        assert!(parse(&["--size"]).unwrap_err().contains("needs"));
        assert!(parse(&["--bogus"]).is_err());
    }
}
