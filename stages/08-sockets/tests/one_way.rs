//! The one-way chat: clients send lines, the server shows each one after the address of
//! the client that sent it.

mod common;

use common::{ChatServer, count_lines};
use minitalk_kit::{DEADLINE, procfs};

#[test]
fn the_server_prints_the_address_it_listens_on_first() {
    let server = ChatServer::start(&[]);
    // Loopback unless told otherwise, and a real port: the one the kernel picked for 0.
    assert!(server.address.ip().is_loopback(), "{}", server.address);
    assert_ne!(server.address.port(), 0);
}

#[test]
fn clients_in_a_row_are_shown_with_their_own_address() {
    let server = ChatServer::start(&[]);
    for (n, lines) in [
        &["hello", "how are you?"][..],
        &["a second client, later"],
        &[
            "",
            "an empty line came first",
            "punctuation: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let mut client = server.connect(&[]);
        for line in lines {
            client.send(line);
        }
        let address = client.address;
        assert!(client.finish().success(), "client {n} failed");
        for line in lines {
            server.expect_line(&format!("{address}: {line}"));
        }
        server.expect_line(&format!("{address} left"));
    }
}

#[test]
fn clients_at_the_same_time_each_have_a_child_and_are_served_at_once() {
    let server = ChatServer::start(&[]);
    let mut clients: Vec<_> = (0..3).map(|_| server.connect(&[])).collect();
    // One child per connected client, all alive together.
    procfs::poll(DEADLINE, "the server to have 3 children", || {
        (server.children().len() == 3).then_some(())
    });
    // Take turns. A server that served one client at a time would never show the second
    // client's line while the first is still connected, and this would time out.
    for round in 0..2 {
        for (n, client) in clients.iter_mut().enumerate() {
            let line = format!("round {round} from client {n}");
            client.send(&line);
            server.expect_line(&format!("{}: {line}", client.address));
        }
    }
    for client in clients {
        assert!(client.finish().success());
    }
    // Each line was shown exactly once, with the address of the client that typed it.
    assert_eq!(
        count_lines(&server.process.stdout, |l| l.contains(": round ")),
        6
    );
}

#[test]
fn a_last_line_without_a_newline_is_still_a_line() {
    let server = ChatServer::start(&[]);
    let mut client = server.connect(&[]);
    client.process.write_stdin(b"no newline at the end");
    let address = client.address;
    assert!(client.finish().success());
    server.expect_line(&format!("{address}: no newline at the end"));
    server.expect_line(&format!("{address} left"));
    assert_eq!(
        server.process.stderr.text(),
        "",
        "nothing to complain about"
    );
}

#[test]
fn many_lines_arrive_whole_once_and_in_order() {
    // TCP keeps the bytes in order but not the boundaries between writes: one read may
    // end in the middle of a line. The server's child must put lines back together.
    let server = ChatServer::start(&[]);
    let mut client = server.connect(&[]);
    let lines: Vec<String> = (0..2000).map(|i| format!("line {i:04}")).collect();
    client.process.write_stdin(lines.join("\n").as_bytes());
    let address = client.address;
    assert!(client.finish().success());
    server.expect_line(&format!("{address} left"));
    let shown: Vec<String> = server
        .process
        .stdout
        .text()
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{address}: ")).map(str::to_owned))
        .collect();
    assert_eq!(shown, lines, "every line, once, in order");
}
