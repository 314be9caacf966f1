//! Where and how a program the tools start is scheduled: the CPUs a process may run on,
//! pinning a program to one CPU, and the real-time policy. The kit (same-CPU transfers,
//! a server that preempts its client) and the tracer (a client that runs first) start
//! their programs with these; one home for them.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::OnceLock;

use nix::libc;
use nix::unistd::Pid;

/// The CPUs `pid` may run on (`sched_getaffinity(2)`, what `taskset -p` shows), in
/// increasing order; `Pid::from_raw(0)` is the calling thread. `None` if it is gone.
pub fn cpus_of(pid: Pid) -> Option<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the kernel fills it in.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the size and pointer describe `set`.
    let ok =
        unsafe { libc::sched_getaffinity(pid.as_raw(), std::mem::size_of_val(&set), &mut set) };
    (ok == 0).then(|| {
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `cpu` is below CPU_SETSIZE.
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
            .collect()
    })
}

/// The CPU the tools pin to: the highest-numbered one this process may run on (looked up
/// once).
pub fn shared_cpu() -> usize {
    static CPU: OnceLock<usize> = OnceLock::new();
    *CPU.get_or_init(|| {
        cpus_of(Pid::from_raw(0))
            .and_then(|cpus| cpus.last().copied())
            .unwrap_or(0)
    })
}

/// Make `command` start its program pinned to `cpu`, like `taskset -c CPU`. Everything
/// the program forks inherits the pinning.
pub fn pin_to(command: &mut Command, cpu: usize) -> &mut Command {
    // SAFETY: between fork and exec only `sched_setaffinity` runs: a plain system call,
    // async-signal-safe, touching nothing the parent shares with the child.
    unsafe {
        command.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            if libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// Make `command` start its program under `SCHED_FIFO`, with `RLIMIT_RTTIME` set to
/// `(soft, hard)` microseconds: a real-time program that runs that long without blocking
/// gets SIGXCPU (then SIGKILL at the hard limit), so one that never sleeps cannot hog its
/// CPU. The start fails where real-time is not permitted.
pub fn realtime(command: &mut Command, (soft, hard): (u64, u64)) -> &mut Command {
    // SAFETY: between fork and exec only `setrlimit` and `sched_setscheduler` run: plain
    // system calls, no allocation, no locks, nothing the parent shares with the child.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: soft,
                rlim_max: hard,
            };
            if libc::setrlimit(libc::RLIMIT_RTTIME, &limit) != 0 {
                return Err(io::Error::last_os_error());
            }
            let param = libc::sched_param { sched_priority: 1 };
            if libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_cpu_is_one_we_may_run_on_and_a_pinned_child_runs_there() {
        let cpus = cpus_of(Pid::from_raw(0)).expect("our own CPUs");
        assert_eq!(cpus.last(), Some(&shared_cpu()));
        let mut command = Command::new("true");
        pin_to(&mut command, cpus[0]);
        assert!(command.status().expect("true").success());
    }
}
