//! stage08-client: connect to a stage08-server and send it the lines of stdin; with
//! `--two-way`, also show what the server sends back.
//!
//! Usage: `stage08-client [--two-way] IP:PORT`, with the address the server printed.
//! The first line printed is `connected to SERVER as OUR-ADDRESS`.
//! Exit codes (see `stage_08::exit::Exit`): 0 every line sent and read by the server,
//! 1 failure, 2 usage error, 8 no server at that address, 10 connection lost.

use std::io::ErrorKind;

use stage_08::args::ClientArgs;
use stage_08::client::{one_way, two_way};
use stage_08::exit::{Exit, fail};
use stage_08::lines::say;
use stage_08::socket::connect_to;

// ANCHOR: main
fn main() {
    let args = ClientArgs::from_env();
    let server = connect_to(args.server).unwrap_or_else(|error| {
        let code = match error.kind() {
            ErrorKind::ConnectionRefused
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::TimedOut => Exit::NoServer,
            _ => Exit::Failure,
        };
        fail(code, format!("cannot connect to {}: {error}", args.server))
    });
    // Our own address: the kernel chose our port. The server shows it next to our lines.
    let me = server
        .local_addr()
        .unwrap_or_else(|error| fail(Exit::Failure, error));
    say(format!("connected to {} as {me}", args.server));
    let code = if args.two_way {
        two_way(server, args.server)
    } else {
        one_way(server, args.server)
    };
    std::process::exit(code as i32)
}
// ANCHOR_END: main
