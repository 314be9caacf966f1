//! The ping-pong: two processes pass SIGUSR1 back and forth, as fast as they can.
//!
//! The ping-pong forks. Forking a process that has threads is unsafe (only the forking
//! thread survives in the child; a lock another thread held stays locked forever), and by
//! the time the benchmark measures this it has threads reading pipes. So the ping-pong
//! runs in a fresh helper: the benchmark starts its own executable again as
//! `bench __pingpong MODE N`, a process with a single thread, which forks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigAction, SigHandler, SigSet, SigmaskHow, Signal, kill, sigaction};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid};

/// The first argument that turns the benchmark into the ping-pong helper.
pub const HELPER: &str = "__pingpong";

/// How each side waits for the other's signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// SIGUSR1 stays blocked and is taken synchronously: no handler runs at all.
    Sigtimedwait,
    /// A handler sets a flag; `sigsuspend` unblocks SIGUSR1 only while sleeping.
    Sigsuspend,
}

impl Wait {
    pub const ALL: [Wait; 2] = [Wait::Sigtimedwait, Wait::Sigsuspend];

    /// The name used on the helper's command line, in the C program's, and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Wait::Sigtimedwait => "sigtimedwait",
            Wait::Sigsuspend => "sigsuspend",
        }
    }

    pub fn parse(text: &str) -> Option<Wait> {
        Wait::ALL.into_iter().find(|wait| wait.name() == text)
    }
}

/// The helper's `main`: `bench __pingpong MODE N`. Prints the same line as the C program.
pub fn helper_main(args: &[String]) -> ! {
    let (Some(wait), Some(n)) = (
        args.first().and_then(|a| Wait::parse(a)),
        args.get(1)
            .and_then(|n| n.parse::<u64>().ok())
            .filter(|&n| n > 0),
    ) else {
        eprintln!("usage: bench {HELPER} sigtimedwait|sigsuspend N");
        std::process::exit(2);
    };
    match pingpong(wait, n) {
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

/// Parent and child pass SIGUSR1 back and forth `n` times; returns round trips per second.
/// Call it only from a single-threaded process (it forks).
fn pingpong(wait: Wait, n: u64) -> Result<f64, String> {
    let mut usr1 = SigSet::empty();
    usr1.add(Signal::SIGUSR1);
    if wait == Wait::Sigsuspend {
        let action = SigAction::new(
            SigHandler::Handler(on_usr1),
            nix::sys::signal::SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler only stores to an atomic.
        unsafe { sigaction(Signal::SIGUSR1, &action) }.map_err(|e| format!("sigaction: {e}"))?;
    }
    // Block SIGUSR1 *before* forking: the child inherits the mask, so a signal sent
    // before the child is ready waits, pending, instead of killing it.
    let mut unblocked = usr1
        .thread_swap_mask(SigmaskHow::SIG_BLOCK)
        .map_err(|e| format!("sigprocmask: {e}"))?;
    unblocked.remove(Signal::SIGUSR1);

    let parent = getpid();
    // SAFETY: this process has one thread (it is the freshly started helper).
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            // If the parent dies, do not sit blocked forever waiting for it.
            let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
            for _ in 0..n {
                if wait_for_usr1(wait, &usr1, &unblocked).is_err() {
                    // SAFETY: _exit ends the child without running the parent's atexit
                    // handlers or flushing buffers the parent owns.
                    unsafe { libc::_exit(1) };
                }
                let _ = kill(parent, Signal::SIGUSR1);
            }
            unsafe { libc::_exit(0) };
        }
        ForkResult::Parent { child } => {
            let start = Instant::now();
            for done in 0..n {
                let _ = kill(child, Signal::SIGUSR1);
                if let Err(error) = wait_for_usr1(wait, &usr1, &unblocked) {
                    end_child(child);
                    return Err(format!("no answer after {done} round trips: {error}"));
                }
            }
            let seconds = start.elapsed().as_secs_f64();
            while waitpid(child, None) == Err(Errno::EINTR) {}
            Ok(n as f64 / seconds)
        }
    }
}

/// Wait for the peer's SIGUSR1, one way or the other.
fn wait_for_usr1(wait: Wait, usr1: &SigSet, unblocked: &SigSet) -> Result<(), Errno> {
    match wait {
        Wait::Sigtimedwait => {
            // nix 0.31 has no wrapper for sigtimedwait; the deadline keeps a lost signal
            // from hanging the benchmark (in a ping-pong none should be lost).
            let deadline = libc::timespec {
                tv_sec: 5,
                tv_nsec: 0,
            };
            loop {
                // SAFETY: valid pointers; a null siginfo is allowed.
                let got =
                    unsafe { libc::sigtimedwait(usr1.as_ref(), std::ptr::null_mut(), &deadline) };
                match got {
                    libc::SIGUSR1 => return Ok(()),
                    _ if Errno::last() == Errno::EINTR => continue,
                    _ => return Err(Errno::last()),
                }
            }
        }
        Wait::Sigsuspend => {
            // Test the flag with SIGUSR1 blocked, and unblock it only inside sigsuspend,
            // atomically with going to sleep: `while !flag { pause() }` would lose a
            // wake-up that lands between the test and the pause.
            while !GOT.swap(false, Ordering::SeqCst) {
                unblocked.suspend()?;
            }
            Ok(())
        }
    }
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
    fn wait_names_round_trip() {
        for wait in Wait::ALL {
            assert_eq!(Wait::parse(wait.name()), Some(wait));
        }
    }
}
