//! `minitalk-trace`: run a minitalk server and client and show the kernel's record of
//! their signals (`cargo run -p workbook -- trace` is the same command).
//!
//! ```text
//! minitalk-trace 01 "hi" --delay-us 0 --svg 01.svg
//! minitalk-trace --server ./server --client ./client "hello" --timeline -
//! ```
//!
//! Exit codes: 0 traced, 1 the run failed or tracing is not possible here, 2 usage error.

use clap::Parser;

#[derive(Parser)]
#[command(name = "minitalk-trace")]
struct Cli {
    #[command(flatten)]
    args: minitalk_trace::cli::Args,
}

fn main() {
    std::process::exit(minitalk_trace::cli::main(Cli::parse().args, None));
}
