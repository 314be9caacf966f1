//! Noticing that nothing happens: the processes of a transfer all asleep, none of them
//! running at all, which no deadline needs to wait out.
//!
//! A client that waits for an answer its server never sends (a lost signal, a part of an
//! exercise still to write) and a server that waits for the next bit sleep forever, both
//! of them. Asleep is not enough to tell: a sleep-paced client sleeps between its
//! signals, and a client waits asleep while the server serves another. But every time a
//! process wakes up it is switched in and out, and the kernel counts that
//! (`voluntary_ctxt_switches` in `/proc/PID/task/TID/status`). When the counts of every
//! process of the transfer stay the same for a while, and none of them is even waiting
//! for a CPU, nothing has happened in between: a deadlock, not a slow machine.

use std::time::{Duration, Instant};

use nix::unistd::Pid;

use super::procfs;

/// How long the processes of a transfer must all have slept without running once before
/// the kit calls it a deadlock. Longer than any wait a passing test makes in which every
/// process sleeps (a server giving a silent client 1 s), short enough that a deadlocked
/// test fails in seconds.
pub const STILL: Duration = Duration::from_secs(2);

/// Watches processes for a time in which none of them runs.
pub struct Stillness {
    pids: Vec<Pid>,
    last: Vec<Option<u64>>,
    since: Instant,
}

impl Stillness {
    pub fn new(pids: &[Pid]) -> Stillness {
        Stillness {
            pids: pids.to_vec(),
            last: Vec::new(),
            since: Instant::now(),
        }
    }

    /// How long every one of the processes has slept without running, as far as this
    /// reading and the ones before it tell: zero when one of them ran since the last
    /// reading, is runnable or stopped now, or is gone.
    pub fn still_for(&mut self) -> Duration {
        let now: Vec<Option<(u64, bool)>> =
            self.pids.iter().map(|&pid| procfs::activity(pid)).collect();
        let counts: Vec<Option<u64>> = now.iter().map(|a| a.map(|(count, _)| count)).collect();
        // A stopped process (SIGSTOP) does not run either, but the test stopped it: that is
        // no deadlock.
        let stopped = self.pids.iter().any(|&pid| procfs::state(pid) == Some('T'));
        let quiet =
            !stopped && now.iter().all(|a| matches!(a, Some((_, false)))) && counts == self.last;
        if !quiet {
            self.last = counts;
            self.since = Instant::now();
        }
        self.since.elapsed()
    }
}
