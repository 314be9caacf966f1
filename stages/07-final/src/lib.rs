//! Stage 07: the final `server` and `client`, the programs users run.
//!
//! Everything from stage 06 (synchronous reception, turns, numbered bits, a checksum),
//! plus:
//!
//! - a real command line ([`cli`], with clap): `--help`, `--version`, options, and usage
//!   errors that exit with code 2 on one line;
//! - a **payload mode**: 64 bits of the frame per signal, in the `sigqueue` value
//!   ([`protocol::Mode::Payload`], [`frame::chunk`]);
//! - a progress bar on a terminal ([`progress`]), and a summary line for scripts and
//!   benchmarks;
//! - speed: in the classic mode the client and the server share one CPU, so that every
//!   wake-up is a context switch rather than a call across CPUs ([`affinity`]); the
//!   payload mode keeps two chunks in flight, one on each signal, so that both
//!   processes work at once ([`protocol::Tag`]).

pub mod affinity;
pub mod checksum;
pub mod cli;
pub mod client;
pub mod frame;
pub mod progress;
pub mod protocol;
pub mod server;
pub mod signals;
