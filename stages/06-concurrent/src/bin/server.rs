//! stage06-server: print our PID, then every verified message, from any number of
//! clients, one turn at a time.
//!
//! No handler any more: SIGUSR1, SIGUSR2 and a clock tick stay blocked, and the main loop
//! reads them from a `signalfd`, one at a time, in ordinary code.

use minitalk_common::cli::{self, Help};
use minitalk_common::env;
use nix::unistd::getpid;
use stage_06::protocol::{DEFAULT_TIMEOUT, MAX_LEN, TIMEOUT_ENV};
use stage_06::server::{Config, Server};
use stage_06::signals::Signals;

fn main() {
    cli::no_args(
        &Help::new(
            "stage06-server",
            "",
            "Prints its PID, then every message a client delivers, each on its own line, once\n\
             its checksum is verified. Clients take turns; the others wait in line. Turns,\n\
             refusals and stray signals are reported on stderr.",
        )
        .env(
            TIMEOUT_ENV,
            &format!(
                "how long a client may stay silent during its turn, in milliseconds (default\n  \
                 {:width$}  {}); then its partial message is dropped",
                "",
                DEFAULT_TIMEOUT.as_millis(),
                width = TIMEOUT_ENV.len()
            ),
        ),
    );
    // ANCHOR: main
    // First of all, before anyone can know our PID: from here on SIGUSR1 and SIGUSR2
    // are never delivered, only taken, one at a time, by `signals.wait()`.
    let signals = Signals::block();
    let config = Config {
        timeout: env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT),
        max_bytes: MAX_LEN,
    };
    println!("PID: {}", getpid());

    let mut server = Server::new(config);
    loop {
        server.handle(signals.wait());
    }
    // ANCHOR_END: main
}
