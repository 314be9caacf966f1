//! stage05-server: stage 04's server, which no longer waits forever for a sender.
//!
//! As in stage 04 the handler only records (sender, bit) in a queue of atomics, and the
//! main loop assembles frames per sender and answers each bit. New: the main loop sleeps
//! with a deadline, and drops the partial frame of a sender that has been silent for the
//! timeout (`MINITALK_TIMEOUT_MS`, default 5 s), or whose PID no longer exists.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use minitalk_common::cli::{self, Help};
use minitalk_common::raw::write_all;
use minitalk_common::target;
use nix::errno::Errno;
use nix::libc::{self, c_int, c_void, siginfo_t};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::unistd::{Pid, getpid};
use stage_05::assembler::{Assembler, Progress};
use stage_05::queue::{BitQueue, Received};
use stage_05::{ACK, DEFAULT_TIMEOUT, DONE, MAX_LEN, ONE, TIMEOUT_ENV, ZERO, timespec};

static QUEUE: BitQueue = BitQueue::new();
/// Bits the handler had to drop because the queue was full (reported by the main loop).
static DROPPED: AtomicUsize = AtomicUsize::new(0);

/// Runs when SIGUSR1 or SIGUSR2 arrives. `info` is filled in by the kernel because the
/// handler was installed with `SA_SIGINFO`; `si_pid` is the sender's PID.
extern "C" fn on_bit(signal: c_int, info: *mut siginfo_t, _context: *mut c_void) {
    // SAFETY: with SA_SIGINFO the kernel passes a valid `siginfo_t` for this signal.
    let sender = unsafe { (*info).si_pid() };
    let bit = signal == ONE as c_int;
    if !QUEUE.push(Received { sender, bit }) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    cli::no_args(
        &Help::new(
            "stage05-server",
            "",
            "Prints its PID, then every message a client sends, each on its own line.\n\
             Refusals and dropped messages are reported on stderr.",
        )
        .env(
            TIMEOUT_ENV,
            &format!(
                "how long a sender may stay silent mid-message, in milliseconds (default {});\n  \
                 {:width$}  then its partial message is dropped",
                DEFAULT_TIMEOUT.as_millis(),
                "",
                width = TIMEOUT_ENV.len()
            ),
        ),
    );
    let timeout = minitalk_common::env::millis(TIMEOUT_ENV, DEFAULT_TIMEOUT);
    let bit_signals: SigSet = [ZERO, ONE].into_iter().collect();
    // Keep both signals blocked except while we wait below: then a handler can only run
    // while the main loop is waiting, never between its look at the queue and its going
    // to sleep (where a wake-up would be lost).
    bit_signals
        .thread_block()
        .expect("block SIGUSR1 and SIGUSR2");
    // `sa_mask` = both signals: while one handler runs, the other signal waits, so the
    // handler never interrupts itself and the queue has a single producer.
    let action = SigAction::new(
        SigHandler::SigAction(on_bit),
        SaFlags::SA_SIGINFO | SaFlags::SA_RESTART,
        bit_signals,
    );
    for signal in [ZERO, ONE] {
        // SAFETY: `on_bit` is async-signal-safe: it only reads `info` and stores atomics.
        unsafe { sigaction(signal, &action) }
            .unwrap_or_else(|e| panic!("cannot install the handler for {signal}: {e}"));
    }
    println!("PID: {}", getpid());

    // ANCHOR: main_loop
    let mut assembler = Assembler::default();
    // Senders checked on their first bit, until their message ends.
    let mut verified = HashSet::new();
    loop {
        while let Some(Received { sender, bit }) = QUEUE.pop() {
            if !may_answer(&mut verified, sender) {
                continue; // its bits are dropped: not part of any message
            }
            let answer = match assembler.push(sender, bit, Instant::now()) {
                Progress::More => ACK,
                Progress::Done(mut message) => {
                    // The buffer has room for the newline: still one allocation, and
                    // one write, so nothing can come between the message and its end.
                    message.push(b'\n');
                    write_all(1, &message);
                    eprintln!(
                        "stage05-server: {} bytes from PID {sender}",
                        message.len() - 1
                    );
                    verified.remove(&sender);
                    DONE
                }
                Progress::Refused(len) => {
                    eprintln!(
                        "stage05-server: refused {len} bytes announced by PID {sender} \
                         (the limit is {MAX_LEN})"
                    );
                    verified.remove(&sender);
                    DONE // early: the sender still had bits to send, so it knows
                }
            };
            if answer_to(sender, answer) == Err(Errno::ESRCH) {
                verified.remove(&sender);
                if let Some(what) = assembler.forget(sender) {
                    eprintln!("stage05-server: dropped {what} from PID {sender}: it is gone");
                }
            }
        }
        for (sender, what) in assembler.expire(Instant::now(), timeout) {
            verified.remove(&sender);
            eprintln!("stage05-server: dropped {what} from PID {sender}: silent for {timeout:?}");
        }
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            eprintln!("stage05-server: the queue was full, {dropped} bits dropped");
        }
        suspend_until(assembler.next_expiry(timeout));
    }
    // ANCHOR_END: main_loop
}

// ANCHOR: suspend_until
/// `sigsuspend` with a deadline. `ppoll` with no file descriptors does exactly that: it
/// installs a signal mask (here: nothing blocked) and sleeps, atomically, until a handler runs
/// or the time is up, then restores the old mask. `None`: no deadline, like `sigsuspend`.
fn suspend_until(deadline: Option<Instant>) {
    let limit =
        deadline.map(|deadline| timespec(deadline.saturating_duration_since(Instant::now())));
    let limit_ptr = limit
        .as_ref()
        .map_or(std::ptr::null(), |limit| limit as *const libc::timespec);
    let unblocked = SigSet::empty();
    // SAFETY: no descriptors (null, 0); `limit_ptr` is null or points at `limit`, which
    // outlives the call; the mask is a valid sigset_t. EINTR (a handler ran) and 0 (the
    // deadline passed) are both simply "go round the loop again".
    unsafe { libc::ppoll(std::ptr::null_mut(), 0, limit_ptr, unblocked.as_ref()) };
}
// ANCHOR_END: suspend_until

// ANCHOR: may_answer
/// Whether we may answer `sender`. Our answer is a signal, and a process that neither
/// catches nor blocks SIGUSR1 and SIGUSR2 dies of it: a plain `kill -USR1 $SERVER` from a
/// shell would kill that shell. So check a sender on its first bit, the way the client
/// checks the server, and remember it until its message ends. If it fails the check,
/// say so on stderr and drop the bit.
fn may_answer(verified: &mut HashSet<i32>, sender: i32) -> bool {
    // Not a PID (see `answer_to`): its bits are kept, but never answered.
    if sender <= 0 || verified.contains(&sender) {
        return true;
    }
    match target::check(Pid::from_raw(sender)) {
        Ok(()) => verified.insert(sender),
        // The sender died since it signalled us: kill(pid, 0) failed with ESRCH (it has
        // been reaped), or it is a zombie, which will never take a signal either.
        Err(target::TargetError::NoSuchProcess(_)) => {
            eprintln!("stage05-server: not answering PID {sender}: it is gone");
            false
        }
        Err(error) => {
            eprintln!("stage05-server: not answering PID {sender}: {error}");
            false
        }
    }
}
// ANCHOR_END: may_answer

// ANCHOR: answer
/// Answer a bit, from the main loop: only once the bit is processed. The client sends
/// its next bit only then, so at most one of its signals is ever pending here.
fn answer_to(sender: i32, answer: Signal) -> Result<(), Errno> {
    // si_pid is 0 for a signal from the kernel or from outside our PID namespace, and
    // kill(0, …) would signal our own process group: answer real PIDs only.
    if sender <= 0 {
        return Ok(());
    }
    // The sender signalled us a moment ago. Linux hands out PIDs in turn, up to pid_max,
    // before it reuses one, so this PID is still the sender's, or nobody's (ESRCH).
    kill(Pid::from_raw(sender), answer)
}
// ANCHOR_END: answer
