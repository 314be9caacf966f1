//! Whole tests that several stages share. Each is a function of the [`Programs`](crate::Programs)
//! under test; a stage's `tests/` file calls it in one line, or writes a whole group of
//! them with one macro (`delivery_tests!(framed)`, `client_usage_tests!()`, …), so the
//! stage's `tests/` directory reads as its specification and no stage copies another's
//! test file.
//!
//! - [`delivery`]: messages of every kind arrive exactly; the client confirms.
//! - [`usage`]: command-line errors are refused without a signal.
//! - [`killed_client`]: a client killed mid-byte leaves the next message intact.
//! - [`stray`]: a process that signals the server without a handler gets no answer.
//! - [`refused`]: a header above the server's limit is refused (stages 04, 05).
//! - [`pid_safety`]: a PID that is not a server is refused without a signal (05 to 07).
//! - [`timeouts`]: nobody waits forever (05 to 07).
//! - [`concurrent`]: many clients at once, and signals wiped out by strangers (06, 07).
//! - [`megabyte`]: a megabyte arrives byte-exact, at about its size in memory (04, 07).
//! - [`answers`]: only the server's answers move a client on (03 to 05).
//! - [`command_line`]: what each stage's programs say and do on their command line.

pub mod answers;
pub mod command_line;
pub mod concurrent;
pub mod delivery;
pub mod killed_client;
pub mod megabyte;
pub mod pid_safety;
pub mod refused;
pub mod stray;
pub mod timeouts;
pub mod usage;

/// A `#[test]` for each name, calling the function of that name in `specs::$module` with
/// the programs `$programs` (evaluated in the stage's test crate, so that
/// [`programs!`](crate::programs) finds the stage's `stage.toml`).
#[doc(hidden)]
#[macro_export]
macro_rules! __spec_tests {
    ($module:ident, $programs:expr; $($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::specs::$module::$name(&$programs);
            }
        )+
    };
}
