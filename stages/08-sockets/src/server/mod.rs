//! The server: a parent that accepts connections and forks one child per client.
//!
//! - [`one_way`]: the parent only accepts and forks; each child shows its client's lines.
//! - [`two_way`]: the parent also reads the server's keyboard and hands every line typed
//!   there to each child, which sends it to its client.
//! - [`conversation`]: what a child does for its one client.

pub mod conversation;
pub mod one_way;
pub mod two_way;
