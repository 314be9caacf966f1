//! Running a server and its client on the same CPU.
//!
//! With one acknowledged bit per signal, a transfer is a long chain of round trips, and
//! each round trip is two wake-ups. Waking a process that sleeps on *another* CPU costs
//! an inter-processor interrupt, and an idle virtual CPU may take tens of microseconds to
//! come back; waking one on the same CPU is a plain context switch. Pinning both ends of
//! a long transfer to one CPU changes nothing in what is sent or received, only how long
//! the test takes. (Small C programs passing a signal back and forth on an idle 2-core
//! virtual machine: 75 000 to 87 000 round trips a second across CPUs, 230 000 to 310 000
//! on one.)
//!
//! One CPU for both is also half of what [`super::preempt`] needs to make a sleep-paced
//! server run between two signals; there, it does change what arrives.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::OnceLock;

use nix::libc;
use nix::unistd::Pid;

/// The CPU the kit pins to: the highest-numbered one this test process may run on.
pub fn shared_cpu() -> usize {
    static CPU: OnceLock<usize> = OnceLock::new();
    *CPU.get_or_init(|| {
        *cpus_of(Pid::from_raw(0))
            .last()
            .expect("this process may run on at least one CPU")
    })
}

/// The CPUs `pid` may run on (`sched_getaffinity(2)`, what `taskset -p` shows), in
/// increasing order; `Pid::from_raw(0)` is the test process itself.
pub fn cpus_of(pid: Pid) -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the kernel fills it in.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the size and pointer describe `set`.
    let ok =
        unsafe { libc::sched_getaffinity(pid.as_raw(), std::mem::size_of_val(&set), &mut set) };
    assert_eq!(ok, 0, "sched_getaffinity({pid}) failed: is it gone?");
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect()
}

/// The CPU `pid` ran on last: field 39 (`processor`) of `/proc/PID/stat`, or `None` if
/// it is gone.
pub fn last_cpu(pid: Pid) -> Option<usize> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from the
    // last `)`, which ends field 2.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(39 - 3)?.parse().ok()
}

/// Make `command` start its program pinned to [`shared_cpu`], like `taskset -c CPU`.
/// Everything the program forks inherits the pinning.
pub fn pin_to_shared_cpu(command: &mut Command) -> &mut Command {
    pin_to(command, shared_cpu())
}

/// Make `command` start its program pinned to `cpu`, like `taskset -c CPU`.
pub fn pin_to(command: &mut Command, cpu: usize) -> &mut Command {
    // SAFETY: between fork and exec only `sched_setaffinity` runs: a plain system call,
    // async-signal-safe, touching nothing the parent shares with the child.
    unsafe {
        command.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            if libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_child_runs_where_it_was_pinned() {
        let cpu = cpus_of(Pid::from_raw(0))[0];
        let mut command = Command::new("sleep");
        command.arg("5");
        pin_to(&mut command, cpu);
        // Killed and reaped when the handle drops, whether or not the assertions hold.
        let child = crate::Process::spawn(command);
        let pid = child.pid();
        assert_eq!(cpus_of(pid), [cpu]);
        assert_eq!(last_cpu(pid), Some(cpu));
    }
}
