//! The socket system calls, one at a time.
//!
//! `std::net::TcpListener::bind` does `socket`, `setsockopt`, `bind` and `listen` in one
//! call, and `TcpStream::connect` does `socket` and `connect`. Here each step is written
//! out with `nix`, so that the code reads like the manual pages; the result is handed to
//! the standard library's types, which then `read`, `write` and `close` as usual.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd};

use nix::errno::Errno;
use nix::sys::socket::{
    AddressFamily, Backlog, SockFlag, SockType, SockaddrStorage, accept4, bind, connect, listen,
    setsockopt, socket, sockopt,
};

/// How many connections the kernel may complete before the server `accept`s them.
const BACKLOG: i32 = 16;

fn family(address: SocketAddr) -> AddressFamily {
    match address {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    }
}

// ANCHOR: listen
/// A socket listening at `address`. With port 0 the kernel picks a free port:
/// ask the listener for its `local_addr()` to learn which.
pub fn listen_at(address: SocketAddr) -> io::Result<TcpListener> {
    // socket(2): a new endpoint for a byte stream (TCP), attached to nothing yet.
    // SOCK_CLOEXEC closes it in any program we might exec; forked children still get
    // a copy, and close it themselves.
    let socket = socket(
        family(address),
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    // A port stays reserved for a minute or two after the connections that used it have
    // closed (the TCP state TIME_WAIT). SO_REUSEADDR lets a restarted server bind it
    // anyway. It does not let two servers listen on the same port at once.
    setsockopt(&socket, sockopt::ReuseAddr, &true)?;
    // bind(2): give the socket its address. This is where "address in use" happens.
    bind(socket.as_raw_fd(), &SockaddrStorage::from(address))?;
    // listen(2): from now on the kernel answers clients' handshakes by itself and queues
    // the finished connections until we accept them.
    listen(&socket, Backlog::new(BACKLOG)?)?;
    Ok(TcpListener::from(socket))
}
// ANCHOR_END: listen

// ANCHOR: accept
/// The next connection: a new socket for talking to that one client, and its address.
///
/// `None` when there was nothing to accept after all: the client gave up before we got
/// to it, or (for a non-blocking listener) nobody is waiting.
pub fn accept(listener: &TcpListener) -> io::Result<Option<(TcpStream, SocketAddr)>> {
    loop {
        match accept4(listener.as_raw_fd(), SockFlag::SOCK_CLOEXEC) {
            Ok(fd) => {
                // SAFETY: accept4 just returned this descriptor; nothing else owns it.
                let stream = unsafe { TcpStream::from_raw_fd(fd) };
                // Linux does not pass a listener's O_NONBLOCK on; other systems do.
                stream.set_nonblocking(false)?;
                // Fails if the client is already gone again (ENOTCONN).
                return Ok(stream.peer_addr().ok().map(|peer| (stream, peer)));
            }
            // A signal arrived while we slept in accept: SIGCHLD, each time a child
            // ends. Thanks to SA_RESTART, Linux restarts accept by itself, but not every
            // system does, and not for every call: a server must expect EINTR and retry.
            Err(Errno::EINTR) => continue,
            // The client reset the connection between the handshake and our accept.
            Err(Errno::ECONNABORTED) => return Ok(None),
            Err(Errno::EAGAIN) => return Ok(None),
            Err(error) => return Err(error.into()),
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: connect
/// Connect to the server at `address`.
pub fn connect_to(address: SocketAddr) -> io::Result<TcpStream> {
    let socket = socket(
        family(address),
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    // connect(2): no bind first; the kernel gives the socket a free local port (the
    // port the server will show next to our lines). It returns once the server's kernel
    // has completed the handshake, which it does even before the server calls accept.
    // Refused at once if nothing listens there (ECONNREFUSED).
    connect(socket.as_raw_fd(), &SockaddrStorage::from(address))?;
    Ok(TcpStream::from(socket))
}
// ANCHOR_END: connect
