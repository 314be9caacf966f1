//! Which CPUs a process may run on: how the classic mode gets same-CPU wake-ups.
//!
//! Every bit of the classic mode is a round trip: the client's signal wakes the server,
//! the server's answer wakes the client. When the two sleep on different CPUs, each
//! wake-up is an interrupt sent from one CPU to the other, and the woken CPU may first
//! have to come out of an idle state; when both run on the same CPU, a wake-up is a plain
//! switch from one process to the other. Unpinned, the scheduler tends to put a woken
//! process on whichever CPU is idle, which in a ping-pong is always the other one.
//!
//! So the classic client moves itself, with `sched_setaffinity(2)` (what `taskset` does),
//! to the CPU the server last ran on (`/proc/PID/stat`), and a server whose client runs on
//! one CPU only follows it there for that client's turn, then goes back to the CPUs it
//! had. Nothing of this travels in a signal: the server sees the client's affinity with
//! `sched_getaffinity(2)`. Where the kernel refuses (a CPU outside our cpuset), or where
//! the user has held a side elsewhere (`taskset`: the kernel would let us leave, we do
//! not), each side stays where it is and the protocol works as before, only slower.

use nix::libc;
use nix::unistd::Pid;

/// The CPU `pid` last ran on: field 39 (`processor`) of `/proc/PID/stat`.
pub fn last_cpu(pid: Pid) -> Option<usize> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 2, the command name, is in parentheses and may hold spaces or parentheses:
    // count the fields after the last `)`, which is field 3.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(39 - 3)?.parse().ok()
}

/// The CPUs `pid` may run on (the caller itself for `Pid::from_raw(0)`).
pub fn allowed(pid: Pid) -> Option<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the kernel fills it in.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the size and the pointer describe `set`.
    let result =
        unsafe { libc::sched_getaffinity(pid.as_raw(), std::mem::size_of_val(&set), &mut set) };
    (result == 0).then(|| {
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `cpu` is below CPU_SETSIZE.
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
            .collect()
    })
}

/// Let the calling process run on `cpus` only. `false` where the kernel refuses.
pub fn run_on(cpus: &[usize]) -> bool {
    // SAFETY: a zeroed cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        if cpu < libc::CPU_SETSIZE as usize {
            // SAFETY: `cpu` is below CPU_SETSIZE.
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
    }
    // SAFETY: pid 0 is the calling thread, which in our programs is the only one.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) == 0 }
}

// ANCHOR: join
/// The client's half: move to the CPU `server` last ran on, if we may. Silent either way.
pub fn join(server: Pid) {
    let (Some(cpu), Some(ours)) = (last_cpu(server), allowed(Pid::from_raw(0))) else {
        return;
    };
    if ours.contains(&cpu) {
        let _ = run_on(&[cpu]);
    }
}
// ANCHOR_END: join

// ANCHOR: follow
/// The server's half: for the length of one turn, run on the CPU of a client that runs
/// on one CPU only, then go back to the CPUs we had.
pub struct Follower {
    /// The CPUs the server was started with (by `taskset`, say): it never leaves them.
    own: Vec<usize>,
    /// Whether a turn moved us.
    moved: bool,
}

impl Follower {
    pub fn new() -> Follower {
        Follower {
            own: allowed(Pid::from_raw(0)).unwrap_or_default(),
            moved: false,
        }
    }

    /// A turn begins: if `client` may run on one CPU only, and it is one of ours, go
    /// there. A client that runs anywhere (it was told `--no-pin`, or it is older than
    /// this) changes nothing.
    pub fn follow(&mut self, client: Pid) {
        if let Some([cpu]) = allowed(client).as_deref()
            && self.own.contains(cpu)
            && self.own.len() > 1
        {
            self.moved = run_on(&[*cpu]);
        }
    }

    /// The turn is over: back to every CPU we had.
    pub fn leave(&mut self) {
        if std::mem::take(&mut self.moved) {
            let _ = run_on(&self.own);
        }
    }
}
// ANCHOR_END: follow

impl Default for Follower {
    fn default() -> Follower {
        Follower::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn we_run_on_a_cpu_we_may_run_on() {
        let me = Pid::this();
        let cpu = last_cpu(me).expect("field 39 of /proc/self/stat");
        assert!(allowed(me).unwrap().contains(&cpu));
    }
}
