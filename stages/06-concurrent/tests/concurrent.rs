//! Many clients at once, stray signals, and a client that dies in the middle: every
//! message is printed exactly once, whole, and nothing else is.
//!
//! Standard signals coalesce: while a SIGUSR1 is pending, another SIGUSR1 is discarded,
//! whoever sent it. So these tests do not *hope* for collisions; where a loss matters,
//! they arrange it for certain by stopping processes with SIGSTOP (a stopped process
//! takes no signal out of its pending set) and checking `/proc` before going on.
//!
//! The line below writes them, in a module `concurrency`: eight clients at once; the same
//! with a stray sender signalling all along; a knock, a first bit, an answer and a "done"
//! each wiped out by a stranger's signal and sent again; a client killed among live ones.
//! Stage 07 keeps them, in both its modes (`crates/kit/src/specs/concurrent.rs`).

minitalk_kit::concurrency_tests!(classic);
