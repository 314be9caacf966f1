//! stage08-server: listen on TCP and show every line clients send, each after its
//! sender's address; with `--two-way`, also send what is typed here to every client.
//!
//! Usage: `stage08-server [--two-way] [--port PORT] [--bind IP] [--no-reap]`.
//! The first line printed is the address to give the clients: `listening on IP:PORT`.
//! Exit codes (see `stage_08::exit::Exit`): 0 input ended (two-way), 1 failure,
//! 2 usage error, 9 cannot listen at that address (for example: port in use).

use stage_08::args::ServerArgs;
use stage_08::exit::{Exit, fail};
use stage_08::lines::say;
use stage_08::reaper::reap_children_when_they_end;
use stage_08::server::{one_way, two_way};
use stage_08::socket::listen_at;

// ANCHOR: main
fn main() {
    let args = ServerArgs::from_env();
    let listener = listen_at(args.address).unwrap_or_else(|error| {
        let hint = match error.kind() {
            std::io::ErrorKind::AddrInUse => " (choose another --port, or 0 for any)",
            _ => "",
        };
        fail(
            Exit::CannotListen,
            format!("cannot listen on {}: {error}{hint}", args.address),
        )
    });
    if args.reap {
        reap_children_when_they_end();
    }
    // As the signal servers print their PID, this one prints its address: with port 0,
    // only the listener knows which port the kernel picked.
    let address = listener
        .local_addr()
        .unwrap_or_else(|error| fail(Exit::Failure, error));
    say(format!("listening on {address}"));
    if args.two_way {
        two_way::serve(listener)
    } else {
        one_way::serve(listener)
    }
}
// ANCHOR_END: main
