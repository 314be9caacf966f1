//! lab-timers: two timers that tick every 10 ms, one that sends SIGALRM (`setitimer(2)`,
//! as stage 06 uses) and one that is read like a file (`timerfd_create(2)`).
//!
//! The question: SIGALRM is blocked, and the program looks away for 105 ms. Each timer
//! expired 10 times meanwhile. How many SIGALRM does the program then take? What does a
//! read of the timerfd say?
//!
//! Usage: `lab-timers`

use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd};
use std::thread::sleep;
use std::time::{Duration, Instant};

use lab::die;
use nix::libc;
use nix::sys::signal::{SigSet, Signal};
use nix::sys::time::TimeSpec;
use nix::sys::timer::Expiration;
use nix::sys::timerfd::{ClockId, TimerFd, TimerFlags, TimerSetTimeFlags};

const TICK: Duration = Duration::from_millis(10);
const AWAY: Duration = Duration::from_millis(105);

fn main() {
    let alarm = SigSet::from(Signal::SIGALRM);
    alarm
        .thread_block()
        .unwrap_or_else(|e| die("block SIGALRM", e));
    let timerfd = TimerFd::new(ClockId::CLOCK_MONOTONIC, TimerFlags::TFD_CLOEXEC)
        .unwrap_or_else(|e| die("timerfd_create", e));

    // ANCHOR: arm
    timerfd
        .set(
            Expiration::Interval(TimeSpec::from_duration(TICK)),
            TimerSetTimeFlags::empty(),
        )
        .unwrap_or_else(|e| die("timerfd_settime", e));
    // Measured from just after the timerfd was armed: it has run at least this long.
    let started = Instant::now();
    set_itimer(TICK);
    println!(
        "two timers, every {} ms: a timerfd, and setitimer(ITIMER_REAL), which sends SIGALRM (blocked)",
        TICK.as_millis()
    );
    // ANCHOR_END: arm

    // Looking away: SIGALRM is blocked, so each expiration leaves it pending, where the
    // next ones merge with it. Wait at least until the first one is there.
    wait_until_pending(libc::SIGALRM);
    let left = AWAY.saturating_sub(started.elapsed());
    sleep(left);
    set_itimer(Duration::ZERO);
    let elapsed = started.elapsed();

    let expirations = read_expirations(&timerfd);
    let taken = take_all(libc::SIGALRM);
    println!("after {} ms:", elapsed.as_millis());
    println!("  timerfd: one read says {expirations} expirations");
    println!("  setitimer: SIGALRM taken {taken} time(s)");
}

/// `setitimer(ITIMER_REAL)`: SIGALRM every `interval`; zero disarms it.
fn set_itimer(interval: Duration) {
    let tv = libc::timeval {
        tv_sec: interval.as_secs() as libc::time_t,
        tv_usec: interval.subsec_micros() as libc::suseconds_t,
    };
    let value = libc::itimerval {
        it_interval: tv,
        it_value: tv,
    };
    // SAFETY: a valid itimerval; the old value is not wanted.
    if unsafe { libc::setitimer(libc::ITIMER_REAL, &value, std::ptr::null_mut()) } != 0 {
        die("setitimer", nix::errno::Errno::last());
    }
}

// EXERCISE: timers
// ANCHOR: count
/// A timerfd counts expirations: one read returns how many there were since the last
/// read (or since it was armed), as a native-endian u64.
fn read_expirations(timerfd: &TimerFd) -> u64 {
    let mut count = [0u8; 8];
    let fd = timerfd.as_fd().as_raw_fd();
    // SAFETY: an 8-byte buffer, what a timerfd read needs.
    let n = unsafe { libc::read(fd, count.as_mut_ptr().cast(), 8) };
    if n != 8 {
        die("read the timerfd", nix::errno::Errno::last());
    }
    u64::from_ne_bytes(count)
}

/// Take every pending instance of `signal` without waiting; how many there were.
fn take_all(signal: libc::c_int) -> usize {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    let no_wait = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: the set is initialised before use; sigtimedwait fills nothing we read.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), signal);
        let set = set.assume_init();
        let mut taken = 0;
        while libc::sigtimedwait(&set, std::ptr::null_mut(), &no_wait) == signal {
            taken += 1;
        }
        taken
    }
}
// ANCHOR_END: count
// END EXERCISE

/// Wait (at most 10 s) until `signal` is pending.
fn wait_until_pending(signal: libc::c_int) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !lab::proc::has(None, "ShdPnd", signal) {
        if Instant::now() > deadline {
            die("wait for SIGALRM", "not pending after 10 s");
        }
        sleep(Duration::from_millis(1));
    }
}
