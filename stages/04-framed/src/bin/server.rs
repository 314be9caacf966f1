//! stage04-server: print our PID, then every message, each sent as a frame.
//!
//! As in stage 03 the handler only records (sender, bit) in a queue of atomics, and the
//! main loop answers each bit to its sender. What changed is the assembling: a 32-bit
//! length first, then exactly that many bytes, into a buffer allocated once. A header
//! above `MAX_LEN` is refused (an early SIGUSR2) before anything is allocated.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use minitalk_common::cli::{self, Help};
use minitalk_common::raw::write_all;
use minitalk_common::target;
use nix::libc::{c_int, c_void, siginfo_t};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, kill, sigaction};
use nix::unistd::{Pid, getpid};
use stage_04::assembler::{Assembler, Progress};
use stage_04::queue::{BitQueue, Received};
use stage_04::{ACK, DONE, MAX_LEN, ONE, ZERO};

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
    cli::no_args(&Help::new(
        "stage04-server",
        "",
        "Prints its PID, then every message, each sent as a frame (a 32-bit length, then\n\
         the bytes), answering every bit; refusals and senders go to stderr.",
    ));
    let bit_signals: SigSet = [ZERO, ONE].into_iter().collect();
    // Keep both signals blocked except while we wait in `sigsuspend` below: then a
    // handler can only run while the main loop is waiting, never between its look at
    // the queue and its going to sleep (where a wake-up would be lost).
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
    let unblocked = SigSet::empty();
    loop {
        while let Some(Received { sender, bit }) = QUEUE.pop() {
            if !may_answer(&mut verified, sender) {
                continue; // its bits are dropped: not part of any message
            }
            let answer = match assembler.push(sender, bit) {
                Progress::More => ACK,
                Progress::Done(mut message) => {
                    // The buffer has room for the newline: still one allocation, and
                    // one write, so nothing can come between the message and its end.
                    message.push(b'\n');
                    write_all(1, &message);
                    eprintln!(
                        "stage04-server: {} bytes from PID {sender}",
                        message.len() - 1
                    );
                    verified.remove(&sender);
                    DONE
                }
                Progress::Refused(len) => {
                    eprintln!(
                        "stage04-server: refused {len} bytes announced by PID {sender} \
                         (the limit is {MAX_LEN})"
                    );
                    verified.remove(&sender);
                    DONE // early: the sender still had bits to send, so it knows
                }
            };
            answer_to(sender, answer);
        }
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            eprintln!("stage04-server: the queue was full, {dropped} bits dropped");
        }
        // Atomically unblock the bit signals and sleep until one is handled. It always
        // "fails" with EINTR: that is how it returns.
        let _ = unblocked.suspend();
    }
    // ANCHOR_END: main_loop
}

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
            eprintln!("stage04-server: not answering PID {sender}: it is gone");
            false
        }
        Err(error) => {
            eprintln!("stage04-server: not answering PID {sender}: {error}");
            false
        }
    }
}
// ANCHOR_END: may_answer

// ANCHOR: answer
/// Answer a bit, from the main loop: only once the bit is processed. The client sends
/// its next bit only then, so at most one of its signals is ever pending here, and two
/// of its bits can never merge into one pending signal.
fn answer_to(sender: i32, answer: nix::sys::signal::Signal) {
    // si_pid is 0 for a signal from the kernel or from outside our PID namespace, and
    // kill(0, …) would signal our own process group: answer real PIDs only.
    if sender <= 0 {
        return;
    }
    // ESRCH: the client died since its bit arrived. Nobody is waiting for this answer.
    let _ = kill(Pid::from_raw(sender), answer);
}
// ANCHOR_END: answer
