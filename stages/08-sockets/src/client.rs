//! The client: send the lines of stdin to the server, and in two-way mode show what the
//! server sends back.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::fd::AsFd;

use nix::errno::Errno;

use crate::exit::{Exit, fail};
use crate::lines::{Lines, show};
use crate::ready::readable;

// ANCHOR: one_way
/// Send every line of stdin to the server, then hang up.
pub fn one_way(server: TcpStream, address: SocketAddr) -> Exit {
    let mut line = Vec::new();
    let mut input = io::stdin().lock();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) => fail(Exit::Failure, format!("cannot read stdin: {error}")),
        }
        // The server shows whole lines: finish a last line that has no newline.
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        if let Err(error) = (&server).write_all(&line) {
            lost(address, error);
        }
    }
    hang_up(&server, address)
}

/// Tell the server we have finished, and wait until it has read everything.
///
/// `shutdown(Write)` sends end of file while we keep our side open for reading. The
/// server's child reads our last lines, then the end of file, shows them, and closes
/// the connection: our `read` returns 0. So when the client exits with 0, the server
/// has shown every line.
fn hang_up(server: &TcpStream, address: SocketAddr) -> Exit {
    if let Err(error) = server.shutdown(Shutdown::Write) {
        lost(address, error);
    }
    let mut ignored = [0u8; 4096];
    loop {
        match (&*server).read(&mut ignored) {
            Ok(0) => return Exit::Ok,
            Ok(_) => continue,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => lost(address, error),
        }
    }
}
// ANCHOR_END: one_way

// ANCHOR: two_way
/// Send what is typed to the server and show what it sends, whichever comes first,
/// until the server hangs up.
pub fn two_way(server: TcpStream, address: SocketAddr) -> Exit {
    let mut typing = true; // until stdin ends
    let mut last_typed = b'\n';
    let mut lines = Lines::default();
    let mut chunk = [0u8; 4096];
    let stdin = io::stdin();
    loop {
        let keyboard = typing.then(|| stdin.as_fd());
        let [typed, arrived] = readable([keyboard, Some(server.as_fd())])
            .unwrap_or_else(|error| fail(Exit::Failure, format!("cannot poll: {error}")));
        if arrived {
            match (&server).read(&mut chunk) {
                Ok(0) if typing => fail(
                    Exit::ConnectionLost,
                    format!("{address} closed the connection"),
                ),
                // We had finished: this is the server's answer to our end of file.
                Ok(0) => return Exit::Ok,
                Ok(n) => lines.push(&chunk[..n], |line| show(address, line)),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => lost(address, error),
            }
        }
        if typed {
            // Raw read(2), not a buffered reader: a reader that read ahead would keep
            // lines in its buffer, where poll cannot see them.
            match nix::unistd::read(&stdin, &mut chunk) {
                Err(Errno::EINTR) => {}
                Ok(0) | Err(_) => {
                    typing = false;
                    // Finish a last line that has no newline, as in one-way mode.
                    let end: &[u8] = if last_typed == b'\n' { b"" } else { b"\n" };
                    let done = (&server)
                        .write_all(end)
                        .and_then(|()| server.shutdown(Shutdown::Write));
                    if let Err(error) = done {
                        lost(address, error);
                    }
                }
                Ok(n) => {
                    last_typed = chunk[n - 1];
                    if let Err(error) = (&server).write_all(&chunk[..n]) {
                        lost(address, error);
                    }
                }
            }
        }
    }
}
// ANCHOR_END: two_way

/// Exit with [`Exit::ConnectionLost`]: the connection broke before we were done.
fn lost(address: SocketAddr, error: io::Error) -> ! {
    fail(
        Exit::ConnectionLost,
        format!("lost the connection to {address}: {error}"),
    )
}
