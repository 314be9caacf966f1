//! Stage 06: many clients at once, and nothing lost, duplicated, mixed up or forged.
//!
//! - **Synchronous reception**: no handlers. SIGUSR1, SIGUSR2 and a clock tick stay
//!   blocked; both programs take them out of the pending set by reading a `signalfd`, in
//!   ordinary code ([`signals`]).
//! - **One turn at a time**: a client knocks; the server gives the turn to one client and
//!   puts the others in line ([`server`]).
//! - **Numbered bits**: each bit's signal carries its index in the `sigqueue` value, so a
//!   bit wiped out by a stray signal can be sent again, and a copy is recognised
//!   ([`client`]).
//! - **A checksum**: the frame of stage 04 (a 32-bit length, then the bytes) ends with a
//!   CRC-32; the server prints only a verified message ([`frame`], [`checksum`]).
//!
//! [`protocol`] lists what every signal and value means.

pub mod checksum;
pub mod client;
pub mod frame;
pub mod protocol;
pub mod server;
pub mod signals;
