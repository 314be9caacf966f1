//! server: print our PID, then every verified message, from any number of clients, one
//! turn at a time, in the classic or the payload mode.
//!
//! `server --help` for the options.

use nix::unistd::getpid;
use stage_07::cli::ServerArgs;
use stage_07::server::{Config, Server};
use stage_07::signals::Signals;

fn main() {
    // ANCHOR: main
    // Before anything else, and before anyone can know our PID: from here on SIGUSR1
    // and SIGUSR2 are never delivered, only read, one at a time, from a signalfd. So are
    // SIGTERM and SIGINT: a stop request waits for the message in flight.
    let signals = Signals::block_with_stop();
    let args = ServerArgs::from_env();
    let config = Config {
        timeout: args.timeout(),
        max_bytes: args.max_bytes,
        quiet: args.quiet,
    };
    println!("PID: {}", getpid());
    Server::new(signals, config).run();
    // Returning from main exits 0: we stopped because we were asked to, cleanly.
    // ANCHOR_END: main
}
