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
//! loaded the machine, however short the client's pause, no two signals meet, as long as
//! three things hold:
//!
//! - the test may use `SCHED_FIFO` (otherwise the kit says so, and pins nothing);
//! - the server does not block while it handles a bit (a handler that calls `usleep`, or
//!   a `write` to a full pipe, hands the CPU back to the client early);
//! - the CPU has real-time time left: the kernel keeps 5% of each second for ordinary
//!   processes (`/proc/sys/kernel/sched_rt_runtime_us`), which only a server that never
//!   sleeps comes near.
//!
//! A server that never sleeps (a busy loop instead of `pause`) would hog that CPU at
//! real-time priority. `RLIMIT_RTTIME` stops it: the kernel sends `SIGXCPU` to a
//! real-time process that runs longer than the limit without blocking, so such a server
//! dies at once, and the test says the server exited, instead of crawling to a deadline.

use std::process::Command;
use std::sync::OnceLock;

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

/// How long the server may run without blocking, in microseconds: `RLIMIT_RTTIME`'s soft
/// limit (then `SIGXCPU`, which kills) and hard limit (then `SIGKILL`). A server that
/// handles a bit and sleeps again uses a few microseconds of it each time; the count
/// starts again whenever it blocks.
const RUN_WITHOUT_BLOCKING_US: (u64, u64) = (200_000, 1_000_000);

/// Say, on the test's stderr, that the guarantee is missing. Every time: libtest shows a
/// test's output only when that test fails, and each test captures its own.
fn warn_if_not_permitted() -> bool {
    let permitted = realtime_permitted();
    if !permitted {
        eprintln!(
            "NOTE: this user may not use SCHED_FIFO (needs root, CAP_SYS_NICE or `ulimit -r`). \
             The sleep-paced tests now rely on the client's pause alone, and may lose \
             signals on a busy machine."
        );
    }
    permitted
}

/// Prepare `command` to start the server: pinned to the shared CPU and real-time, with a
/// limit on running without blocking. Where real-time is not permitted, nothing is
/// changed: pinning alone would only take a CPU away from the server.
pub fn as_preempting_server(command: &mut Command) -> &mut Command {
    if !warn_if_not_permitted() {
        return command;
    }
    pin_to_shared_cpu(command);
    minitalk_common::sched::realtime(command, RUN_WITHOUT_BLOCKING_US)
}

/// Prepare `command` to start a client: pinned to the server's CPU, with the ordinary
/// policy (nothing changes where real-time is not permitted, as for the server).
pub fn as_preempted_client(command: &mut Command) -> &mut Command {
    if !realtime_permitted() {
        return command;
    }
    pin_to_shared_cpu(command)
}
