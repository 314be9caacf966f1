//! The two-way chat on terminals, as people use it: each program on a pseudo-terminal
//! of its own, driven with rexpect (every read with a timeout).

mod common;

use std::net::SocketAddr;
use std::process::Command;

use common::{CLIENT, SERVER};
use minitalk_kit::DEADLINE;
use nix::sys::wait::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

/// Start `program ARGS` on a new pty. Dropping the session ends the program (SIGTERM);
/// the server's children then see the server's pipes close, and hang up.
fn on_a_terminal(program: &str, args: &[&str]) -> PtySession {
    let mut command = Command::new(program);
    command.args(args);
    spawn_command(command, Some(DEADLINE.as_millis() as u64))
        .unwrap_or_else(|error| panic!("cannot start {program} on a pty: {error}"))
}

/// Read a first line `PREFIX ADDRESS` and return the address.
fn address_after(session: &mut PtySession, prefix: &str) -> SocketAddr {
    let line = session.read_line().expect("a first line");
    line.strip_prefix(prefix)
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("expected `{prefix}IP:PORT`, got {line:?}"))
}

#[test]
fn lines_typed_at_either_end_appear_at_the_other() {
    let mut server = on_a_terminal(SERVER, &["--two-way", "--port", "0"]);
    let address = address_after(&mut server, "listening on ");
    let mut client = on_a_terminal(CLIENT, &["--two-way", &address.to_string()]);
    let me = address_after(&mut client, &format!("connected to {address} as "));
    server
        .exp_string(&format!("{me} joined"))
        .expect("the server shows the client joining");

    client.send_line("hello from the client").unwrap();
    server
        .exp_string(&format!("{me}: hello from the client"))
        .expect("the client's line at the server");

    server.send_line("hello from the server").unwrap();
    client
        .exp_string(&format!("{address}: hello from the server"))
        .expect("the server's line at the client");

    // Ctrl-D at the client: it hangs up, the server's child shows it leaving and closes
    // the connection, and the client exits 0.
    client.send_control('d').unwrap();
    server
        .exp_string(&format!("{me} left"))
        .expect("the server shows the client leaving");
    client.exp_eof().expect("the client ends");
    assert!(matches!(
        client.process().wait(),
        Ok(WaitStatus::Exited(_, 0))
    ));
}
