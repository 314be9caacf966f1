//! Sending bits one at a time, each only once the server has answered the previous one:
//! the client's loop, shared with `stage04-forge`.

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::wait::{block_answers, catch_answers, next_answer};
use crate::{DONE, ONE, ZERO};

/// Why a transfer ended before the server confirmed it.
#[derive(Debug)]
pub enum SendError {
    /// `kill` failed: the server is gone, or not ours to signal.
    Signal(Errno),
    /// The server answered "done" before the last bit: it refused the frame.
    Refused { after: usize },
    /// The server answered "got it" (ACK) to the last bit: it expects more than we sent.
    NotDone,
}

// ANCHOR: send
/// Send `total` bits to `server`, waiting for its answer after each one.
pub fn send(server: Pid, bits: impl Iterator<Item = bool>, total: usize) -> Result<(), SendError> {
    // So that the server, which checks us before it answers, sees an answer cannot kill us.
    catch_answers();
    // Before the first signal: from here on an answer can only wait for us, pending.
    let answers = block_answers();
    for (sent, bit) in bits.enumerate().map(|(i, bit)| (i + 1, bit)) {
        let signal: Signal = if bit { ONE } else { ZERO };
        kill(server, signal).map_err(SendError::Signal)?;
        // DONE ends the transfer: on the last bit it means "printed", before it "refused".
        if next_answer(&answers, server) == DONE {
            return if sent == total {
                Ok(())
            } else {
                Err(SendError::Refused { after: sent })
            };
        }
    }
    // Every bit answered with ACK: the server still waits for more than we had.
    Err(SendError::NotDone)
}
// ANCHOR_END: send
