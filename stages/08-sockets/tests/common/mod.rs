//! What the tests of this stage do again and again: start a server and read the address
//! on its first line, connect clients and read theirs, wait for a line to be shown.
//!
//! Everything goes through the real programs, started with the kit's `Process`: each
//! one runs in its own process group, and dropping its handle kills that group (the
//! server's children with it) and reaps it. Every wait has a deadline.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::{Command, ExitStatus};
use std::time::Instant;

use minitalk_kit::{Captured, DEADLINE, Process, STARTUP, procfs};
use nix::unistd::Pid;

pub const SERVER: &str = env!("CARGO_BIN_EXE_stage08-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_stage08-client");

/// A running `stage08-server`, listening on a port the kernel chose.
pub struct ChatServer {
    pub process: Process,
    pub address: SocketAddr,
}

impl ChatServer {
    /// Start `stage08-server --port 0 ARGS` and read `listening on IP:PORT`.
    pub fn start(args: &[&str]) -> ChatServer {
        let mut command = Command::new(SERVER);
        command.args(["--port", "0"]).args(args);
        let process = Process::spawn(command);
        let line = first_line(&process, "the server");
        let address = line
            .strip_prefix("listening on ")
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("expected `listening on IP:PORT`, got {line:?}"));
        ChatServer { process, address }
    }

    pub fn pid(&self) -> Pid {
        self.process.pid()
    }

    /// Wait until the server has printed exactly `line` (without its newline).
    pub fn expect_line(&self, line: &str) {
        expect_line(&self.process.stdout, line, "the server's stdout");
    }

    /// Wait until the server's stderr contains `text`.
    pub fn expect_error(&self, text: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        self.process
            .stderr
            .wait_for_text(text, deadline)
            .unwrap_or_else(|seen| panic!("the server never reported {text:?}; stderr: {seen:?}"))
    }

    /// The server's children, as `/proc` lists them (zombies included).
    pub fn children(&self) -> Vec<Pid> {
        procfs::children(self.pid())
    }

    /// Connect a new client and wait until the server has shown that it joined.
    pub fn connect(&self, args: &[&str]) -> ChatClient {
        let client = ChatClient::connect(self.address, args);
        self.expect_line(&format!("{} joined", client.address));
        client
    }
}

/// A running `stage08-client`, connected.
pub struct ChatClient {
    pub process: Process,
    /// The client's own address: the one the server must show next to its lines.
    pub address: SocketAddr,
}

impl ChatClient {
    /// Start `stage08-client ARGS SERVER` and read `connected to SERVER as IP:PORT`.
    pub fn connect(server: SocketAddr, args: &[&str]) -> ChatClient {
        let mut command = Command::new(CLIENT);
        command.args(args).arg(server.to_string());
        let process = Process::spawn(command);
        let line = first_line(&process, "the client");
        let address = line
            .strip_prefix(&format!("connected to {server} as "))
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("expected `connected to {server} as IP:PORT`, got {line:?}"));
        ChatClient { process, address }
    }

    /// Type `line` (a newline is added).
    pub fn send(&mut self, line: &str) {
        self.process.write_stdin(format!("{line}\n").as_bytes());
    }

    /// Wait until the client has printed exactly `line`.
    pub fn expect_line(&self, line: &str) {
        expect_line(&self.process.stdout, line, "the client's stdout");
    }

    /// End the client's input (Ctrl-D) and wait for it to exit.
    pub fn finish(mut self) -> ExitStatus {
        self.process.close_stdin();
        self.process.wait_with_output(DEADLINE)
    }
}

/// The first line `process` prints, within [`STARTUP`].
fn first_line(process: &Process, who: &str) -> String {
    let line = process
        .stdout
        .first_line(Instant::now() + STARTUP)
        .unwrap_or_else(|seen| {
            panic!(
                "{who} printed no first line within {STARTUP:?}; stdout: {:?}, stderr: {:?}",
                String::from_utf8_lossy(&seen),
                process.stderr.text()
            )
        });
    String::from_utf8(line).expect("the first line is text")
}

/// Wait until `output` holds a complete line equal to `line`.
pub fn expect_line(output: &Captured, line: &str, what: &str) {
    let deadline = Instant::now() + DEADLINE;
    let found = output.wait_until(deadline, |bytes, _| {
        let text = String::from_utf8_lossy(bytes);
        text.split_inclusive('\n')
            .any(|l| l.strip_suffix('\n') == Some(line))
            .then_some(())
    });
    if let Err(seen) = found {
        panic!(
            "{what} never showed the line {line:?}; it holds:\n{}",
            String::from_utf8_lossy(&seen)
        );
    }
}

/// How many complete lines of `output` so far satisfy `wanted`.
pub fn count_lines(output: &Captured, wanted: impl Fn(&str) -> bool) -> usize {
    output.text().lines().filter(|line| wanted(line)).count()
}
