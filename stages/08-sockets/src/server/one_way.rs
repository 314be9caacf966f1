//! The one-way server's parent: accept a connection, fork a child for it, repeat.

use std::net::TcpListener;
use std::process::exit;

use nix::unistd::{ForkResult, fork};

use crate::exit::{Exit, fail, warn};
use crate::lines::say;
use crate::server::conversation;
use crate::socket::accept;

// ANCHOR: serve
/// Serve clients until the server is killed.
pub fn serve(listener: TcpListener) -> ! {
    loop {
        let next = accept(&listener)
            .unwrap_or_else(|error| fail(Exit::Failure, format!("cannot accept: {error}")));
        let Some((client, address)) = next else {
            continue;
        };
        say(format!("{address} joined"));
        // SAFETY: this process has a single thread (nothing here starts one), so the
        // child is a complete copy: no lock is held by a thread that fork did not copy.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                // The child serves this one client and never accepts: it closes its copy
                // of the listener. Held open, it would keep the port busy after the
                // parent is gone.
                drop(listener);
                exit(conversation::one_way(client, address));
            }
            Ok(ForkResult::Parent { .. }) => {
                // The parent closes its copy of the connection. Otherwise the connection
                // would outlive the child: the client would never see it end.
                drop(client);
            }
            Err(error) => warn(format!("cannot fork for {address} ({error}): hanging up")),
        }
    }
}
// ANCHOR_END: serve
