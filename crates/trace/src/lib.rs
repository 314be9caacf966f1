//! See the signals: the kernel's own record of every SIGUSR1 and SIGUSR2 that a minitalk
//! server and its clients send each other, decoded with the stage's protocol.
//!
//! Linux has two tracepoints for signals: `signal:signal_generate` (a signal is sent: the
//! sender, the target, the signal, and what became of it; `res=2` means it merged into
//! one already pending and is lost) and `signal:signal_deliver` (the target's handler
//! runs). This crate records them for exactly the processes it starts, in a tracefs
//! instance of its own ([`tracefs`]), streams them ([`run`]), decodes them ([`decode`],
//! with the table in [`protocol`]) and renders a summary ([`summary`]), a text timeline
//! ([`describe`]) and an SVG timeline ([`svg`]). Nothing in the programs has to
//! cooperate: a C minitalk is traced like ours.
//!
//! The command is `cargo run -p minitalk-trace -- 01` (see `src/bin/minitalk-trace.rs`).

pub mod cli;
pub mod decode;
pub mod describe;
pub mod event;
pub mod pipeline;
pub mod protocol;
pub mod record;
pub mod run;
pub mod stage;
pub mod summary;
pub mod svg;
pub mod tracefs;

pub use pipeline::{Outputs, replay};
pub use protocol::Protocol;
pub use run::{Plan, Program, Report, Scheduling, Stray, run};
