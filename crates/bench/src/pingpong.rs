//! The ping-pong: two processes pass signals back and forth, as fast as they can.
//!
//! The ping-pong forks. Forking a process that has threads is unsafe (only the forking
//! thread survives in the child; a lock another thread held stays locked forever), and by
//! the time the benchmark measures this it has threads reading pipes. So the ping-pong
//! runs in a fresh helper: the benchmark starts its own executable again as
//! `bench __pingpong WAY N`, a process with a single thread, which forks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigAction, SigHandler, SigSet, SigmaskHow, Signal, kill, sigaction};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid};

/// The first argument that turns the benchmark into the ping-pong helper.
pub const HELPER: &str = "__pingpong";

/// How the two sides send and wait: the same four ways as the C program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Way {
    /// `kill(2)` SIGUSR1; it stays blocked and is taken synchronously: no handler runs.
    Sigtimedwait,
    /// `kill(2)` SIGUSR1; a handler sets a flag, `sigsuspend` unblocks it only while
    /// sleeping.
    Sigsuspend,
    /// `sigqueue(3)` SIGUSR1 with a 64-bit value, taken with `sigtimedwait`; the value
    /// comes back and is checked.
    Sigqueue,
    /// As `Sigqueue`, with one SIGUSR1 and one SIGUSR2 in flight at once.
    TwoInFlight,
}

impl Way {
    pub const ALL: [Way; 4] = [
        Way::Sigtimedwait,
        Way::Sigsuspend,
        Way::Sigqueue,
        Way::TwoInFlight,
    ];

    /// The name used on the helper's command line, in the C program's, and in the CSV.
    pub fn name(self) -> &'static str {
        match self {
            Way::Sigtimedwait => "sigtimedwait",
            Way::Sigsuspend => "sigsuspend",
            Way::Sigqueue => "sigqueue",
            Way::TwoInFlight => "two-in-flight",
        }
    }

    pub fn parse(text: &str) -> Option<Way> {
        Way::ALL.into_iter().find(|way| way.name() == text)
    }
}

/// The helper's `main`: `bench __pingpong WAY N`. Prints the same line as the C program.
pub fn helper_main(args: &[String]) -> ! {
    let (Some(way), Some(n)) = (
        args.first().and_then(|a| Way::parse(a)),
        args.get(1)
            .and_then(|n| n.parse::<u64>().ok())
            .filter(|&n| n > 0),
    ) else {
        eprintln!("usage: bench {HELPER} sigtimedwait|sigsuspend|sigqueue|two-in-flight N");
        std::process::exit(2);
    };
    match pingpong(way, n) {
        Ok(rate) => {
            println!("round_trips_per_second {rate:.1}");
            std::process::exit(0)
        }
        Err(error) => {
            eprintln!("bench {HELPER}: {error}");
            std::process::exit(1)
        }
    }
}

// ANCHOR: pingpong
/// Set by the handler in the `sigsuspend` variant. The handler touches this atomic and
/// nothing else: it may interrupt the program anywhere, so it must not lock or allocate.
static GOT: AtomicBool = AtomicBool::new(false);

extern "C" fn on_usr1(_: libc::c_int) {
    GOT.store(true, Ordering::SeqCst);
}

/// Parent and child pass signals back and forth `n` times; returns round trips per
/// second. Call it only from a single-threaded process (it forks).
fn pingpong(way: Way, n: u64) -> Result<f64, String> {
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGUSR1);
    if way == Way::TwoInFlight {
        signals.add(Signal::SIGUSR2);
    }
    if way == Way::Sigsuspend {
        let action = SigAction::new(
            SigHandler::Handler(on_usr1),
            nix::sys::signal::SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler only stores to an atomic.
        unsafe { sigaction(Signal::SIGUSR1, &action) }.map_err(|e| format!("sigaction: {e}"))?;
    }
    // Block the signals *before* forking: the child inherits the mask, so a signal sent
    // before the child is ready waits, pending, instead of killing it.
    let mut unblocked = signals
        .thread_swap_mask(SigmaskHow::SIG_BLOCK)
        .map_err(|e| format!("sigprocmask: {e}"))?;
    unblocked.remove(Signal::SIGUSR1);
    let side = Side {
        way,
        signals,
        unblocked,
    };

    let parent = getpid();
    // SAFETY: this process has one thread (it is the freshly started helper).
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            // If the parent dies, do not sit blocked forever waiting for it.
            let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
            // Answer every signal with the same signal and value.
            for _ in 0..n {
                let Ok((signal, value)) = side.take() else {
                    // SAFETY: _exit ends the child without running the parent's atexit
                    // handlers or flushing buffers the parent owns.
                    unsafe { libc::_exit(1) };
                };
                let _ = side.send(parent, signal, value);
            }
            unsafe { libc::_exit(0) };
        }
        ForkResult::Parent { child } => {
            let start = Instant::now();
            let result = side.play(child, n);
            let seconds = start.elapsed().as_secs_f64();
            if let Err(error) = result {
                end_child(child);
                return Err(error);
            }
            while waitpid(child, None) == Err(Errno::EINTR) {}
            Ok(n as f64 / seconds)
        }
    }
}

/// What both sides of one ping-pong share.
struct Side {
    way: Way,
    /// The signals this ping-pong passes, blocked.
    signals: SigSet,
    /// The mask to sleep with in `sigsuspend`.
    unblocked: SigSet,
}

impl Side {
    /// The parent's `n` round trips.
    fn play(&self, child: Pid, n: u64) -> Result<(), String> {
        let in_flight = match self.way {
            Way::TwoInFlight => [Signal::SIGUSR1, Signal::SIGUSR2].as_slice(),
            _ => &[Signal::SIGUSR1],
        };
        let mut sent = 0;
        for &signal in in_flight.iter().take(n as usize) {
            self.send(child, signal, value_of(sent))
                .map_err(|e| format!("send: {e}"))?;
            sent += 1;
        }
        for done in 0..n {
            let (signal, value) = self
                .take()
                .map_err(|e| format!("no answer after {done} round trips: {e}"))?;
            // The kill variants carry no value; the others must bring back what went.
            if matches!(self.way, Way::Sigqueue) && value != value_of(done) {
                return Err(format!("round trip {done} came back with {value:#x}"));
            }
            if sent < n {
                // The answer frees its signal: send the next round trip with it.
                self.send(child, signal, value_of(sent))
                    .map_err(|e| format!("send: {e}"))?;
                sent += 1;
            }
        }
        Ok(())
    }

    fn send(&self, to: Pid, signal: Signal, value: u64) -> Result<(), Errno> {
        match self.way {
            Way::Sigtimedwait | Way::Sigsuspend => kill(to, signal),
            Way::Sigqueue | Way::TwoInFlight => {
                let sigval = libc::sigval {
                    sival_ptr: value as usize as *mut libc::c_void,
                };
                // SAFETY: plain system call wrapper; nix 0.31 has no sigqueue.
                Errno::result(unsafe { libc::sigqueue(to.as_raw(), signal as i32, sigval) })
                    .map(drop)
            }
        }
    }

    /// Wait for the peer's next signal; returns it with its value (0 for `kill`).
    fn take(&self) -> Result<(Signal, u64), Errno> {
        if self.way == Way::Sigsuspend {
            // Test the flag with SIGUSR1 blocked, and unblock it only inside sigsuspend,
            // atomically with going to sleep: `while !flag { pause() }` would lose a
            // wake-up that lands between the test and the pause.
            while !GOT.swap(false, Ordering::SeqCst) {
                self.unblocked.suspend()?;
            }
            return Ok((Signal::SIGUSR1, 0));
        }
        // nix 0.31 has no wrapper for sigtimedwait; the deadline keeps a lost signal
        // from hanging the benchmark (in a ping-pong none should be lost).
        let deadline = libc::timespec {
            tv_sec: 5,
            tv_nsec: 0,
        };
        let mut info = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
        loop {
            // SAFETY: valid pointers for the duration of the call.
            let got =
                unsafe { libc::sigtimedwait(self.signals.as_ref(), info.as_mut_ptr(), &deadline) };
            if got > 0 {
                // SAFETY: the kernel filled `info` in; a queued signal has a value.
                let value = unsafe { info.assume_init().si_value().sival_ptr as u64 };
                let signal = Signal::try_from(got).map_err(|_| Errno::EINVAL)?;
                return Ok((signal, value));
            }
            match Errno::last() {
                Errno::EINTR => continue,
                error => return Err(error),
            }
        }
    }
}

/// The value round trip `index` carries: different every time, so that a value that
/// came back wrong is seen.
fn value_of(index: u64) -> u64 {
    index.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
// ANCHOR_END: pingpong

fn end_child(child: Pid) {
    let _ = kill(child, Signal::SIGKILL);
    while waitpid(child, None) == Err(Errno::EINTR) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn way_names_round_trip() {
        for way in Way::ALL {
            assert_eq!(Way::parse(way.name()), Some(way));
        }
    }
}
