//! Running and observing programs: what every test of every stage is built on.

pub mod affinity;
pub mod canary;
pub mod content;
pub mod crowd;
pub mod diff;
pub mod mixed;
pub mod output;
pub mod preempt;
pub mod process;
pub mod procfs;
pub mod programs;
pub mod pty;
pub mod refusal;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod server;
pub mod shell;
pub mod stillness;
pub mod stranger;
pub mod unordered;
