//! Reaping children: a SIGCHLD handler that collects every child that has ended.
//!
//! A child that exits does not disappear: it stays a *zombie* (state `Z` in `/proc`,
//! `<defunct>` in `ps`), holding its PID and exit status until its parent collects them
//! with `wait`. A server that forks for every client and never waits collects zombies
//! until it runs out of PIDs. Waiting in the main loop would not do: the server spends
//! its life asleep in `accept` or `poll`. So the kernel tells us instead: it sends the
//! parent SIGCHLD whenever a child ends.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};

// EXERCISE: reaper
// ANCHOR: handler
/// The SIGCHLD handler: reap every child that has ended, then return.
///
/// Everything in here is async-signal-safe (`man 7 signal-safety`): `waitpid(2)` is a
/// plain system call, and nix's wrapper only decodes the status it returns; errno is a
/// thread-local integer. No allocation, no lock, no `println!`: the handler may have
/// interrupted the main program in the middle of any of those.
extern "C" fn reap_children(_signal: nix::libc::c_int) {
    // waitpid sets errno when it fails (ECHILD: no children left). The code we
    // interrupted may have been about to read errno from a call of its own: whatever
    // we do here must leave errno as we found it.
    let saved = Errno::last_raw();
    // One SIGCHLD may stand for several children. SIGCHLD is a standard signal: while
    // one is pending, more are not queued, they are discarded. So do not reap one child
    // per signal; reap until nobody is left to reap.
    loop {
        // -1 (None): any child. WNOHANG: if none has ended, return at once instead of
        // waiting for the ones still talking to their clients.
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => break, // children remain, none has ended
            Ok(_) => continue,                   // reaped one; look for another
            Err(_) => break,                     // ECHILD: no children at all
        }
    }
    Errno::set_raw(saved);
}
// ANCHOR_END: handler

// ANCHOR: install
/// Install [`reap_children`] for SIGCHLD. Call it before the first `fork`: a child that
/// ended earlier would stay a zombie until the next one ends.
///
/// The handler reaps *any* child, so this program must not also wait for a particular
/// child elsewhere (as `std::process::Command::wait` does): the handler would take it.
pub fn reap_children_when_they_end() {
    let action = SigAction::new(
        SigHandler::Handler(reap_children),
        // SA_RESTART: a system call the handler interrupted (read, write, accept) is
        // resumed when the handler returns, instead of failing with EINTR.
        // SA_NOCLDSTOP: no SIGCHLD when a child is merely stopped or continued
        // (Ctrl-Z, SIGSTOP): there would be nothing to reap.
        SaFlags::SA_RESTART | SaFlags::SA_NOCLDSTOP,
        // Block nothing extra while the handler runs (SIGCHLD itself is blocked then).
        SigSet::empty(),
    );
    // SAFETY: the handler only calls waitpid(2) and reads and writes errno, all of them
    // async-signal-safe.
    unsafe { sigaction(Signal::SIGCHLD, &action) }
        .unwrap_or_else(|error| panic!("cannot install the SIGCHLD handler: {error}"));
}
// ANCHOR_END: install
// END EXERCISE
