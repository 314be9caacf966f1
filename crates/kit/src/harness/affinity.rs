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

use std::process::Command;

use nix::unistd::Pid;

/// The CPU the kit pins to (the highest-numbered one this test process may run on), and
/// pinning a program to a CPU: shared with the tracer, in `minitalk_common::sched`.
pub use minitalk_common::sched::{pin_to, shared_cpu};

/// The CPUs `pid` may run on (`sched_getaffinity(2)`, what `taskset -p` shows), in
/// increasing order; `Pid::from_raw(0)` is the test process itself.
pub fn cpus_of(pid: Pid) -> Vec<usize> {
    minitalk_common::sched::cpus_of(pid)
        .unwrap_or_else(|| panic!("sched_getaffinity({pid}) failed: is it gone?"))
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
