//! Stage 08: beyond signals. The same exchange as every earlier stage, a server that
//! shows what clients send, rebuilt on TCP sockets the classic UNIX way:
//!
//! - the server `listen`s, and for every connection it `accept`s it `fork`s a child that
//!   holds that one conversation ([`server`]);
//! - a SIGCHLD handler reaps each child when it ends, so no zombie is left behind
//!   ([`reaper`]);
//! - in two-way mode, `poll(2)` waits for the keyboard and the network at once, in the
//!   server, in its children and in the client ([`ready`]).
//!
//! The programs: `stage08-server [--two-way] [--port PORT] [--bind IP] [--no-reap]` and
//! `stage08-client [--two-way] IP:PORT`. Exit codes: [`exit::Exit`].

pub mod args;
pub mod client;
pub mod exit;
pub mod lines;
pub mod ready;
pub mod reaper;
pub mod server;
pub mod socket;
