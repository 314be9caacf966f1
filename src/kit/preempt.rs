//! Making the server run before the client can send its next signal.
//!
//! A sleep-paced protocol (stages 01 and 02) is correct only if the server handles each
//! signal before the next one of the same kind arrives: standard signals do not queue. A
//! pause only makes that likely. The kernel's scheduler can make it certain:
//!
//! - both programs run on one CPU, so they can never run at the same moment;
//! - the server runs under the real-time policy `SCHED_FIFO`, the client under the
//!   ordinary one, and a real-time process that becomes runnable takes the CPU from an
//!   ordinary one at once.
//!
//! So when the client's `kill` makes the server runnable, the client is preempted on its
//! way back from the system call; the server runs its handler, goes back to sleep in
//! `pause` or `sigsuspend`, and only then does the client get the CPU back. However
//! loaded the machine, however long the client's pause, no two signals can meet.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::{Once, OnceLock};

use nix::libc;

use super::affinity::pin_to_shared_cpu;

/// Whether this process may give a program the `SCHED_FIFO` policy (root, `CAP_SYS_NICE`,
/// or a non-zero `ulimit -r`; a container or control group may forbid it even to root).
///
/// Found by trying it on a short-lived thread of our own: on Linux the policy belongs to a
/// thread, so the test runner's other threads are untouched.
pub fn realtime_permitted() -> bool {
    static PERMITTED: OnceLock<bool> = OnceLock::new();
    *PERMITTED.get_or_init(|| {
        std::thread::spawn(|| {
            let param = libc::sched_param { sched_priority: 1 };
            // SAFETY: pid 0 is the calling thread, which ends right after.
            unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) == 0 }
        })
        .join()
        .unwrap_or(false)
    })
}

/// Say once per test binary, on the test's stderr, that the guarantee is missing.
fn warn_once_if_not_permitted() -> bool {
    static WARNING: Once = Once::new();
    let permitted = realtime_permitted();
    if !permitted {
        WARNING.call_once(|| {
            eprintln!(
                "NOTE: this user may not use SCHED_FIFO (needs root, CAP_SYS_NICE or `ulimit -r`). \
                 The sleep-paced tests now rely on the client's pause alone, and may lose \
                 signals on a busy machine."
            );
        });
    }
    permitted
}

/// Prepare `command` to start the server: pinned to the shared CPU, and real-time when
/// permitted.
pub fn as_preempting_server(command: &mut Command) -> &mut Command {
    pin_to_shared_cpu(command);
    if warn_once_if_not_permitted() {
        // SAFETY: between fork and exec only `sched_setscheduler` runs: a plain system
        // call, async-signal-safe, touching nothing the parent shares with the child.
        unsafe {
            command.pre_exec(|| {
                let param = libc::sched_param { sched_priority: 1 };
                if libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    command
}

/// Prepare `command` to start a client: pinned to the same CPU, with the ordinary policy.
pub fn as_preempted_client(command: &mut Command) -> &mut Command {
    pin_to_shared_cpu(command)
}
