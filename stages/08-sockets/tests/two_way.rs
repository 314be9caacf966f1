//! The two-way chat, driven through pipes: what is typed at the server reaches every
//! client connected at that moment, and the server's input ending closes the chat.
//! (`pty.rs` drives the same programs through terminals, as a person would.)

mod common;

use common::ChatServer;

#[test]
fn a_line_typed_at_the_server_reaches_every_connected_client() {
    let mut server = ChatServer::start(&["--two-way"]);
    // `connect` waits until the server has shown "... joined": from then on, what is
    // typed at the server reaches that client.
    let first = server.connect(&["--two-way"]);
    let second = server.connect(&["--two-way"]);
    server.process.write_stdin(b"hello, everyone\n");
    let from_server = format!("{}: hello, everyone", server.address);
    first.expect_line(&from_server);
    second.expect_line(&from_server);
}

#[test]
fn each_client_line_is_shown_at_the_server_with_its_sender() {
    let server = ChatServer::start(&["--two-way"]);
    let mut first = server.connect(&["--two-way"]);
    let mut second = server.connect(&["--two-way"]);
    first.send("I am the first");
    second.send("I am the second");
    server.expect_line(&format!("{}: I am the first", first.address));
    server.expect_line(&format!("{}: I am the second", second.address));
    // Lines go to the server only, not to the other clients.
    let (first_address, second_address) = (first.address, second.address);
    assert!(first.finish().success());
    assert!(second.finish().success());
    server.expect_line(&format!("{first_address} left"));
    server.expect_line(&format!("{second_address} left"));
}

#[test]
fn a_client_that_left_does_not_stop_the_others_from_hearing_the_server() {
    let mut server = ChatServer::start(&["--two-way"]);
    let leaving = server.connect(&["--two-way"]);
    let staying = server.connect(&["--two-way"]);
    let gone = leaving.address;
    assert!(leaving.finish().success());
    server.expect_line(&format!("{gone} left"));
    // The parent still holds its pipe to the child that served `leaving`. That child
    // has exited or is about to: the write fails with EPIPE (the parent forgets the
    // pipe) or lands in a pipe nobody reads. Either way the others get the line.
    server.process.write_stdin(b"are you still there?\n");
    staying.expect_line(&format!("{}: are you still there?", server.address));
    assert_eq!(
        server.process.stderr.text(),
        "",
        "an ended conversation is no error"
    );
}

#[test]
fn when_the_server_input_ends_every_client_is_told_and_exits_10() {
    let mut server = ChatServer::start(&["--two-way"]);
    let clients = [
        server.connect(&["--two-way"]),
        server.connect(&["--two-way"]),
    ];
    server.process.close_stdin(); // Ctrl-D at the server
    assert_eq!(
        server
            .process
            .wait_with_output(minitalk_kit::DEADLINE)
            .code(),
        Some(0)
    );
    server.expect_line("input ended: closing every connection");
    for client in clients {
        let address = server.address;
        // Its input is still open: the connection was lost before it had finished.
        let status = client.process.wait_with_output(minitalk_kit::DEADLINE);
        assert_eq!(status.code(), Some(10), "{}", client.process.stderr.text());
        assert_eq!(
            client.process.stderr.text(),
            format!("stage08-client: {address} closed the connection\n")
        );
    }
}
