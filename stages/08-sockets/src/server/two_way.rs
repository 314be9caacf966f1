//! The two-way server's parent: accept and fork as in one-way mode, and also read the
//! server's keyboard, handing every line typed there to every child.
//!
//! Who gets what the server types? Everyone connected at that moment, as in a chat room
//! where the host speaks to the whole room: no line goes to a client chosen behind the
//! host's back. Each client's lines are shown at the server only, after the client's
//! address, so the host can see who said what. (Clients do not see each other's lines:
//! relaying them is an exercise at the end of the chapter.)
//!
//! Only the parent reads the keyboard. If every child read it too, each line would go to
//! whichever child's `read` happened to win: to one client, chosen at random.

use std::io::stdin;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::{AsFd, OwnedFd};
use std::process::exit;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::libc::PIPE_BUF;
use nix::unistd::{ForkResult, fork, pipe};

use crate::exit::{Exit, fail, warn};
use crate::lines::say;
use crate::ready::readable;
use crate::server::conversation;
use crate::socket::accept;

/// A child the parent passes typed lines to.
struct Child {
    /// Its client's address, for messages.
    address: SocketAddr,
    /// The writing end of a pipe whose reading end the child holds.
    pipe: OwnedFd,
}

// ANCHOR: serve
/// Serve clients and pass on what is typed at the server, until its input ends.
pub fn serve(listener: TcpListener) -> ! {
    // poll may say "a client is waiting" and the client may give up before we accept:
    // a blocking accept would then sleep, deaf to the keyboard, until the next client.
    listener
        .set_nonblocking(true)
        .unwrap_or_else(|error| fail(Exit::Failure, error));
    let mut children: Vec<Child> = Vec::new();
    let mut typed = [0u8; PIPE_BUF];
    loop {
        let [client_waiting, server_typed] =
            readable([Some(listener.as_fd()), Some(stdin().as_fd())])
                .unwrap_or_else(|error| fail(Exit::Failure, format!("cannot poll: {error}")));
        // New clients first: a line typed after "... joined" was printed reaches the
        // client that joined (the next `read` of stdin comes after this).
        if client_waiting {
            let next = accept(&listener)
                .unwrap_or_else(|error| fail(Exit::Failure, format!("cannot accept: {error}")));
            if let Some((client, address)) = next {
                let (from_server, to_child) = hub_pipe();
                say(format!("{address} joined"));
                // SAFETY: single-threaded, as in one-way mode.
                match unsafe { fork() } {
                    Ok(ForkResult::Child) => {
                        // Keep only this conversation's descriptors. The child has a copy
                        // of every descriptor the parent had: the listener, and the
                        // writing ends of the other children's pipes and of its own. A
                        // pipe's reader sees end of file only once *every* copy of its
                        // writing end is closed, so these copies must go.
                        drop(listener);
                        drop(children);
                        drop(to_child);
                        exit(conversation::two_way(client, address, from_server));
                    }
                    Ok(ForkResult::Parent { .. }) => children.push(Child {
                        address,
                        pipe: to_child,
                    }),
                    Err(error) => warn(format!("cannot fork for {address} ({error}): hanging up")),
                }
                // The parent's copies of `client` and `from_server` close here.
            }
        }
        if server_typed {
            match nix::unistd::read(stdin(), &mut typed) {
                Err(Errno::EINTR) => {}
                Ok(n) if n > 0 => hand_out(&mut children, &typed[..n]),
                // End of input (Ctrl-D), or a terminal that went away. Exiting closes
                // every pipe: each child sees end of file and hangs up on its client.
                _ => {
                    say("input ended: closing every connection");
                    exit(Exit::Ok as i32);
                }
            }
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: hand_out
/// Write `bytes` (at most `PIPE_BUF` of them) into every child's pipe.
///
/// A write of at most `PIPE_BUF` bytes to a pipe is atomic: it goes in whole or not at
/// all. The pipes are non-blocking so that one child that cannot keep up (its client
/// does not read) fills its own pipe without stopping the whole server.
fn hand_out(children: &mut Vec<Child>, bytes: &[u8]) {
    children.retain(|child| match nix::unistd::write(&child.pipe, bytes) {
        Ok(_) => true,
        // The child has exited and its end of the pipe is closed: its conversation is
        // over, forget it. Writing to such a pipe raises SIGPIPE, which would kill us,
        // but Rust programs start with SIGPIPE ignored, so write fails with EPIPE.
        Err(Errno::EPIPE) => false,
        Err(Errno::EAGAIN) => {
            warn(format!(
                "{} is not keeping up: a line was not sent",
                child.address
            ));
            true
        }
        Err(error) => {
            warn(format!("cannot pass a line to {}: {error}", child.address));
            false
        }
    });
}

/// A pipe from the parent to one child: (reading end, non-blocking writing end).
fn hub_pipe() -> (OwnedFd, OwnedFd) {
    let (reading, writing) =
        pipe().unwrap_or_else(|error| fail(Exit::Failure, format!("cannot make a pipe: {error}")));
    fcntl(&writing, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
        .unwrap_or_else(|error| fail(Exit::Failure, format!("cannot configure a pipe: {error}")));
    (reading, writing)
}
// ANCHOR_END: hand_out
