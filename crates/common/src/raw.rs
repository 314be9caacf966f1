//! `write(2)` without the standard library's machinery, for signal handlers.
//!
//! `println!` and `std::io::stdout()` take a lock and may allocate. If a handler called
//! them while the interrupted code held that lock, the process would deadlock on itself.
//! `write(2)` is a plain system call on POSIX's list of async-signal-safe functions
//! (`man 7 signal-safety`), so a handler may call it.

use nix::errno::Errno;
use nix::libc;

// ANCHOR: write_all
/// Write all of `bytes` to file descriptor `fd` with `write(2)`, retrying after partial
/// writes and `EINTR`. Async-signal-safe: no allocation, no locks. Errors are dropped:
/// a handler has nowhere to report them.
pub fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: the pointer and length describe the live slice `bytes`.
        let written = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if written > 0 {
            bytes = &bytes[written as usize..];
        } else if written < 0 && Errno::last() == Errno::EINTR {
            continue;
        } else {
            return;
        }
    }
}
// ANCHOR_END: write_all
