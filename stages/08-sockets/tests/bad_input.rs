//! Bad input: one clear line on stderr and a documented exit code; and a server that
//! keeps serving the others when one client misbehaves.
//!
//! Exit codes: 2 usage error, 8 no server at that address, 9 cannot listen there.

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::Command;

use common::{CLIENT, ChatServer, SERVER};
use minitalk_kit::{DEADLINE, describe_mismatch};
use nix::sys::signal::Signal;
use nix::sys::socket::{AddressFamily, SockFlag, SockType, SockaddrIn, bind, getsockname, socket};

/// Run `program ARGS` with empty stdin; check that it exits with `code` and prints
/// exactly one line, `program: ...` containing `reason`, on stderr and nothing on stdout.
fn dies(program: &str, args: &[&str], code: i32, reason: &str) {
    let name = program.rsplit('/').next().unwrap();
    let output = assert_cmd::Command::from_std(Command::new(program))
        .args(args)
        .timeout(DEADLINE)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{name} {args:?}: {stderr}"
    );
    assert!(
        stderr.starts_with(&format!("{name}: ")) && stderr.lines().count() == 1,
        "{name} {args:?} should explain itself in one line, not {stderr:?}"
    );
    assert!(
        stderr.contains(reason),
        "{name} {args:?}: {stderr:?} lacks {reason:?}"
    );
    assert!(
        output.stdout.is_empty(),
        "{name} {args:?} printed {:?}",
        output.stdout
    );
}

#[test]
fn dies_on_an_address_that_cannot_be_parsed() {
    for address in [
        "nonsense",
        "127.0.0.1",
        "127.0.0.1:99999",
        "localhost:4242",
        "::1:80",
    ] {
        dies(CLIENT, &[address], 2, "expected IP:PORT");
    }
    dies(CLIENT, &["127.0.0.1:0"], 2, "port 0");
    dies(CLIENT, &[], 2, "expected one address, got 0");
    dies(CLIENT, &["127.0.0.1:1", "127.0.0.1:2"], 2, "got 2");
    dies(CLIENT, &["--loud", "127.0.0.1:1"], 2, "unknown option");
}

#[test]
fn dies_on_server_options_that_cannot_be_parsed() {
    dies(SERVER, &["--port", "http"], 2, "0 to 65535");
    dies(SERVER, &["--port", "65536"], 2, "0 to 65535");
    dies(SERVER, &["--port"], 2, "needs a value");
    dies(SERVER, &["--bind", "localhost"], 2, "IP address");
    dies(SERVER, &["--loud"], 2, "unknown argument");
}

#[test]
fn dies_when_the_port_is_in_use() {
    let first = ChatServer::start(&[]);
    let port = first.address.port().to_string();
    dies(SERVER, &["--port", &port], 9, "Address already in use");
    // The first server is unharmed.
    let mut client = first.connect(&[]);
    client.send("still serving");
    first.expect_line(&format!("{}: still serving", client.address));
}

/// A loopback address where nothing listens: a socket bound to a port the kernel picks,
/// but never listening. Connections to it are refused, and nobody else can take the
/// port while the socket is open.
fn nobody_listening() -> (OwnedFd, SocketAddr) {
    let fd = socket(
        AddressFamily::Inet,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .unwrap();
    bind(fd.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, 0)).unwrap();
    let bound: SockaddrIn = getsockname(fd.as_raw_fd()).unwrap();
    (fd, SocketAddr::V4(bound.into()))
}

#[test]
fn dies_when_no_server_is_there() {
    let (_socket, address) = nobody_listening();
    dies(CLIENT, &[&address.to_string()], 8, "Connection refused");
}

#[test]
fn a_client_that_leaves_in_the_middle_of_a_line_is_reported_and_the_others_served() {
    let server = ChatServer::start(&[]);
    // Our client always sends whole lines, so play a broken one with a bare socket.
    let mut broken = TcpStream::connect(server.address).unwrap();
    let address = broken.local_addr().unwrap();
    server.expect_line(&format!("{address} joined"));
    broken.write_all(b"complete line\nhalf a li").unwrap();
    drop(broken);
    server.expect_line(&format!("{address}: complete line"));
    server.expect_line(&format!("{address} left"));
    let report = server.expect_error("in the middle of a line");
    let expected =
        format!("stage08-server: {address} left in the middle of a line; dropped \"half a li\"\n");
    assert!(
        report == expected,
        "{}",
        describe_mismatch(expected.as_bytes(), report.as_bytes())
    );

    let mut next = server.connect(&[]);
    next.send("the server is still serving");
    server.expect_line(&format!("{}: the server is still serving", next.address));
}

#[test]
fn a_client_killed_mid_conversation_does_not_stop_the_server() {
    let server = ChatServer::start(&[]);
    let mut victim = server.connect(&[]);
    victim.send("about to be killed");
    let gone = victim.address;
    server.expect_line(&format!("{gone}: about to be killed"));
    victim.process.signal(Signal::SIGKILL);
    // The kernel closes a killed process's sockets: the child reads end of file.
    server.expect_line(&format!("{gone} left"));

    let mut next = server.connect(&[]);
    next.send("and life goes on");
    server.expect_line(&format!("{}: and life goes on", next.address));
    assert!(next.finish().success());
}
