//! Waiting for several file descriptors at once with `poll(2)`.
//!
//! A chat has two sources of input: the keyboard and the network. A blocking `read` on
//! one of them would miss the other until it returned. Threads are one answer, but a
//! process that forks should not have any: `fork` copies only the calling thread, and a
//! lock another thread held at that moment stays locked forever in the child. `poll`
//! is the single-threaded answer: sleep until at least one descriptor has something.

use std::io;
use std::os::fd::BorrowedFd;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

// ANCHOR: readable
/// Sleep until at least one of `fds` can be read without blocking, and say which.
/// `None` entries are not watched (and are reported as not ready).
///
/// "Can be read" includes end of file and errors: the `read` that follows returns them.
pub fn readable<const N: usize>(fds: [Option<BorrowedFd<'_>>; N]) -> io::Result<[bool; N]> {
    let mut watched: Vec<PollFd> = fds
        .iter()
        .flatten()
        .map(|fd| PollFd::new(*fd, PollFlags::POLLIN))
        .collect();
    loop {
        match poll(&mut watched, PollTimeout::NONE) {
            Ok(_) => break,
            // A signal handler ran (SIGCHLD: a child ended). SA_RESTART restarts many
            // system calls after a handler, but never poll(2) (see `man 7 signal`):
            // it always fails with EINTR. Nothing is ready; wait again.
            Err(Errno::EINTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    // POLLIN, but also POLLHUP (the other end closed), POLLERR and POLLNVAL.
    let mut ready = watched
        .iter()
        .map(|fd| fd.revents().is_some_and(|events| !events.is_empty()));
    Ok(fds.map(|fd| fd.is_some() && ready.next() == Some(true)))
}
// ANCHOR_END: readable
