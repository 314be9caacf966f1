//! Every conversation with the kernel about signals, in one file: blocking them, waiting
//! for one, sending one with a value, and a clock tick.
//!
//! Nothing here installs a handler. Stages 01 to 05 let the kernel *interrupt* the program
//! to run a handler, and the handler could only touch atomics, because it might have
//! interrupted code in the middle of `malloc` or of a `println!` holding a lock. From this
//! stage on the signals are *blocked* for good: a blocked signal is never delivered, it
//! waits in the process's pending set until the program takes it out, at a moment of its
//! own choosing, in its ordinary code. That code may allocate, lock and print: nothing is
//! interrupted any more.
//!
//! The signals are taken out by reading a `signalfd(2)`: a file descriptor that yields one
//! record per pending signal (its number, the sender's PID, the value), and sleeps while
//! none is pending. `sigwaitinfo(2)` does the same job, with one surprise: while a thread
//! sleeps in it, the kernel *unblocks* the signals it waits for, so `/proc/PID/status`
//! shows them as neither blocked nor caught, and the PID check of stage 05
//! (`minitalk_common::target::check`) would conclude that a signal would kill us. With a
//! `signalfd` the mask never changes: the signals show as blocked, as they are.

use std::mem::MaybeUninit;
use std::time::Duration;

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd, siginfo};
use nix::unistd::Pid;

/// The clock tick: a timer sends us SIGALRM periodically (see [`tick_every`]). It is
/// blocked and read from the signalfd like the other two, so a timeout is just one more
/// record that [`Signals::wait`] can return.
pub const TICK: Signal = Signal::SIGALRM;

// ANCHOR: received
/// One signal taken out of the pending set, with what the kernel recorded about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// SIGUSR1 or SIGUSR2.
    pub signal: Signal,
    /// `si_pid`. For `kill(2)` (`SI_USER`) the kernel fills it in itself: the process
    /// that sent it. For a queued signal (`SI_QUEUE`) it is whatever the sender wrote in
    /// the record (`rt_sigqueueinfo(2)` lets it write any PID): a claim, not a proof. The
    /// defences are the `/proc` check before a PID is answered, and the CRC of a message.
    pub sender: Pid,
    /// `si_code == SI_QUEUE`: it was sent with `sigqueue(3)` (or the system call under
    /// it), so `value` is what the sender put there. `kill(2)` sends no value.
    pub queued: bool,
    /// `si_value`: the 64-bit value that travels with a queued signal.
    pub value: u64,
}

/// What a wait returns: a signal, a tick of the clock, or a request to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Signal(Received),
    Tick,
    /// SIGTERM or SIGINT, with the sender's PID: only for a process that blocked them
    /// ([`Signals::block_with_stop`], the server).
    Stop {
        signal: Signal,
        sender: Pid,
    },
}
// ANCHOR_END: received

/// SIGUSR1, SIGUSR2 and the tick (and, for the server, SIGTERM and SIGINT), blocked in
/// this process, and the file descriptor we read them from.
pub struct Signals {
    fd: SignalFd,
}

impl Signals {
    // ANCHOR: block
    /// Block SIGUSR1, SIGUSR2 and SIGALRM in the calling thread, for good.
    ///
    /// Call it first thing in `main`, before any thread exists (threads inherit the mask)
    /// and before anything is sent: from then on a signal sent to us can only wait,
    /// pending, until [`Signals::wait`] takes it.
    pub fn block() -> Signals {
        Signals::block_these(&[Signal::SIGUSR1, Signal::SIGUSR2, TICK])
    }
    // ANCHOR_END: block

    // ANCHOR: block_with_stop
    /// [`Signals::block`], and SIGTERM and SIGINT too: a stop request becomes one more
    /// record of the signalfd, [`Event::Stop`], that the program acts on when it chooses.
    ///
    /// Left at their default action, SIGTERM (`kill PID`, a service manager's stop) and
    /// SIGINT (Ctrl-C) end the process at whatever instruction it is running, a message
    /// half received. The classic alternative, a handler that sets a flag checked by the
    /// loop, has a hole: a signal that lands after the check and before the program goes
    /// to sleep in its wait leaves it asleep with the flag set, until some other signal
    /// wakes it (the lost wake-up of stage 03). Blocked and read from the very file
    /// descriptor the program sleeps on, the request cannot slip between a check and a
    /// wait: it *is* what wakes the program up.
    pub fn block_with_stop() -> Signals {
        Signals::block_these(&[
            Signal::SIGUSR1,
            Signal::SIGUSR2,
            TICK,
            Signal::SIGTERM,
            Signal::SIGINT,
        ])
    }
    // ANCHOR_END: block_with_stop

    fn block_these(signals: &[Signal]) -> Signals {
        let all: SigSet = signals.iter().copied().collect();
        all.thread_block().expect("block our signals");
        // The file descriptor that yields the blocked signals, one record each.
        let fd = SignalFd::with_flags(&all, SfdFlags::SFD_CLOEXEC).expect("signalfd");
        Signals { fd }
    }

    // ANCHOR: wait
    /// Sleep until one of our signals is pending, take it out of the pending set and
    /// return it with the sender's PID and value.
    ///
    /// If several are pending the kernel hands out the lowest-numbered first (SIGINT,
    /// SIGUSR1, SIGUSR2, SIGALRM, then SIGTERM, of those we block), not the oldest:
    /// pending standard signals have no order.
    pub fn wait(&self) -> Event {
        loop {
            match self.fd.read_signal() {
                Ok(Some(info)) => return event(&info),
                // EINTR: a signal we do not wait for interrupted the read (SIGCONT after
                // a SIGSTOP, for example). Nothing was taken: read again.
                Err(Errno::EINTR) | Ok(None) => continue,
                Err(error) => panic!("reading the signalfd: {error}"),
            }
        }
    }
    // ANCHOR_END: wait

    /// Take `signal` out of the pending set if it is there, without sleeping.
    pub fn take_pending(&self, signal: Signal) -> Option<Event> {
        let one = SigSet::from(signal);
        let mut info = MaybeUninit::<libc::siginfo_t>::zeroed();
        let no_wait = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // With a zero timeout `sigtimedwait` never sleeps, so it never touches the mask.
        // SAFETY: all pointers are valid for the duration of the call.
        let number = unsafe { libc::sigtimedwait(one.as_ref(), info.as_mut_ptr(), &no_wait) };
        (number > 0).then(|| {
            // SAFETY: a positive result means the kernel filled `info` in.
            let info = unsafe { info.assume_init() };
            // SAFETY: a signal sent by a process: `si_pid` and `si_value` are filled in.
            let (pid, value) = unsafe { (info.si_pid(), info.si_value().sival_ptr as u64) };
            event_from(number, pid, info.si_code, value)
        })
    }
}

/// The event a signalfd record describes.
fn event(info: &siginfo) -> Event {
    event_from(
        info.ssi_signo as libc::c_int,
        info.ssi_pid as libc::pid_t,
        info.ssi_code,
        info.ssi_ptr,
    )
}

fn event_from(number: libc::c_int, sender: libc::pid_t, code: libc::c_int, value: u64) -> Event {
    let signal = Signal::try_from(number).expect("a signal we wait for");
    match signal {
        TICK => return Event::Tick,
        Signal::SIGTERM | Signal::SIGINT => {
            return Event::Stop {
                signal,
                sender: Pid::from_raw(sender),
            };
        }
        _ => {}
    }
    Event::Signal(Received {
        signal,
        sender: Pid::from_raw(sender),
        // `kill(2)` sets SI_USER and no value; `sigqueue(3)` sets SI_QUEUE.
        queued: code == libc::SI_QUEUE,
        value,
    })
}

// ANCHOR: send
/// Send `signal` to `to` with a 64-bit `value`: what `sigqueue(3)` does, in one system
/// call.
///
/// `sigqueue` fills in a `siginfo_t` (our PID, our UID, the value, `si_code = SI_QUEUE`)
/// and makes the system call `rt_sigqueueinfo`. glibc asks the kernel for our PID and UID
/// on *every* call: two extra system calls per signal, a few per cent of a signal round
/// trip. We fill the same record ourselves, with PID and UID looked up once.
///
/// The value travels only if the signal is *queued*. SIGUSR1 and SIGUSR2 are standard
/// signals: if one is already pending at the receiver, this one is discarded, value and
/// all, and the call still succeeds.
pub fn send(to: Pid, signal: Signal, value: u64) -> nix::Result<()> {
    let info = QueuedInfo {
        signo: signal as libc::c_int,
        errno: 0,
        code: libc::SI_QUEUE,
        _pad: 0,
        pid: me().0,
        uid: me().1,
        value,
        _rest: [0; 96],
    };
    // SAFETY: `info` has the layout of the kernel's `siginfo_t` for SI_QUEUE on 64-bit
    // Linux (checked below) and lives until the call returns.
    let result = unsafe {
        libc::syscall(
            libc::SYS_rt_sigqueueinfo,
            to.as_raw(),
            signal as libc::c_int,
            &info as *const QueuedInfo,
        )
    };
    Errno::result(result).map(drop)
}
// ANCHOR_END: send

/// The kernel's `siginfo_t` as `sigqueue(3)` fills it on 64-bit Linux: three ints, four
/// bytes of padding, then the `_rt` member of the union (`si_pid`, `si_uid`, `si_value`),
/// 128 bytes in all.
#[repr(C)]
struct QueuedInfo {
    signo: libc::c_int,
    errno: libc::c_int,
    code: libc::c_int,
    _pad: libc::c_int,
    pid: libc::pid_t,
    uid: libc::uid_t,
    value: u64,
    _rest: [u8; 96],
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
compile_error!("the hand-built siginfo_t in signals.rs is laid out for 64-bit Linux");
const _: () = assert!(std::mem::size_of::<QueuedInfo>() == std::mem::size_of::<libc::siginfo_t>());

/// Our PID and UID, looked up once (neither changes while we run: we never fork).
fn me() -> (libc::pid_t, libc::uid_t) {
    static ME: std::sync::OnceLock<(libc::pid_t, libc::uid_t)> = std::sync::OnceLock::new();
    // SAFETY: getpid and getuid cannot fail.
    *ME.get_or_init(|| unsafe { (libc::getpid(), libc::getuid()) })
}

// ANCHOR: tick
/// Make the kernel send us SIGALRM every `period` (0: stop). SIGALRM is blocked, so each
/// tick waits, pending, for [`Signals::wait`]; ticks that pile up while we are busy
/// merge into one, like any standard signal.
///
/// Why a periodic tick and not a timeout on each wait (`sigtimedwait`)? A timeout arms
/// and cancels a kernel timer on every wait, once per bit: a few per cent of a round
/// trip. The tick costs nothing per bit; a program that needs a deadline compares the
/// clock when a tick comes.
pub fn tick_every(period: Duration) {
    let interval = libc::timeval {
        tv_sec: period.as_secs() as libc::time_t,
        tv_usec: period.subsec_micros() as libc::suseconds_t,
    };
    let timer = libc::itimerval {
        it_interval: interval,
        it_value: interval,
    };
    // SAFETY: `timer` is a valid itimerval; we do not ask for the old value.
    let result = unsafe { libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut()) };
    Errno::result(result).expect("setitimer");
}
// ANCHOR_END: tick

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_built_record_matches_the_kernel_layout() {
        let info = QueuedInfo {
            signo: libc::SIGUSR2,
            errno: 0,
            code: libc::SI_QUEUE,
            _pad: 0,
            pid: 4242,
            uid: 1000,
            value: 0x0123_4567_89ab_cdef,
            _rest: [0; 96],
        };
        // SAFETY: same size (asserted above); siginfo_t is plain data.
        let libc_view: libc::siginfo_t = unsafe { std::mem::transmute(info) };
        assert_eq!(libc_view.si_signo, libc::SIGUSR2);
        assert_eq!(libc_view.si_code, libc::SI_QUEUE);
        // SAFETY: si_code is SI_QUEUE, so the `_rt` member is the one filled in.
        unsafe {
            assert_eq!(libc_view.si_pid(), 4242);
            assert_eq!(libc_view.si_uid(), 1000);
            assert_eq!(libc_view.si_value().sival_ptr as u64, 0x0123_4567_89ab_cdef);
        }
    }
}
