//! What a server's child does: hold the conversation with its one client.
//!
//! Each function returns the child's exit status. Nobody reads it but the parent's
//! SIGCHLD handler; what a person needs to know is printed instead.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;

use crate::exit::{Exit, warn};
use crate::lines::{Lines, say, show};
use crate::ready::readable;

/// The most a child reads at a time.
const CHUNK: usize = 4096;

// ANCHOR: one_way
/// Show every line `client` sends, until it hangs up.
pub fn one_way(client: TcpStream, address: SocketAddr) -> i32 {
    let mut lines = Lines::default();
    while receive(&client, address, &mut lines) {}
    goodbye(address, &lines)
}
// ANCHOR_END: one_way

// ANCHOR: two_way
/// Show every line `client` sends, and send it everything the parent passes down the
/// pipe `from_server` (what is typed at the server), until either side ends.
pub fn two_way(client: TcpStream, address: SocketAddr, from_server: OwnedFd) -> i32 {
    let mut lines = Lines::default();
    let mut typed = [0u8; CHUNK];
    loop {
        let [client_wrote, server_typed] =
            match readable([Some(client.as_fd()), Some(from_server.as_fd())]) {
                Ok(ready) => ready,
                Err(error) => {
                    warn(format!("{address}: cannot wait for input: {error}"));
                    return Exit::Failure as i32;
                }
            };
        if client_wrote && !receive(&client, address, &mut lines) {
            return goodbye(address, &lines);
        }
        if server_typed {
            match nix::unistd::read(&from_server, &mut typed) {
                Err(Errno::EINTR) => continue,
                // End of file: the parent has closed its end of the pipe, because the
                // server is shutting down. Hang up on the client too.
                Ok(0) | Err(_) => {
                    let _ = client.shutdown(Shutdown::Both);
                    return Exit::Ok as i32;
                }
                Ok(n) => {
                    if let Err(error) = (&client).write_all(&typed[..n]) {
                        warn(format!("{address}: cannot send: {error}"));
                        return Exit::Failure as i32;
                    }
                }
            }
        }
    }
}
// ANCHOR_END: two_way

// ANCHOR: receive
/// Read what the client sent and show each line it completes. False once the client
/// has hung up.
fn receive(client: &TcpStream, address: SocketAddr, lines: &mut Lines) -> bool {
    let mut chunk = [0u8; CHUNK];
    match read_retrying(client, &mut chunk) {
        // End of file: the client closed its side of the connection.
        Ok(0) => false,
        Ok(n) => {
            lines.push(&chunk[..n], |line| show(address, line));
            true
        }
        // ECONNRESET, for example: the client's kernel aborted the connection.
        Err(error) => {
            warn(format!("{address}: {error}"));
            false
        }
    }
}

/// Say that the client left, and whether it left in the middle of a line.
fn goodbye(address: SocketAddr, lines: &Lines) -> i32 {
    let unfinished = lines.unfinished();
    if !unfinished.is_empty() {
        warn(format!(
            "{address} left in the middle of a line; dropped {:?}",
            String::from_utf8_lossy(unfinished)
        ));
    }
    say(format!("{address} left"));
    Exit::Ok as i32
}
// ANCHOR_END: receive

/// `read`, retried when a signal interrupts it. A child has no children of its own, so
/// SIGCHLD should not reach it, but a read must always be ready for EINTR.
fn read_retrying(mut from: impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match from.read(buffer) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}
