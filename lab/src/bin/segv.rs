//! lab-segv: a synchronous signal, sent by the CPU's fault rather than by a process.
//!
//! The questions:
//! - `handler`: the program writes to address 0, with a SIGSEGV handler installed that
//!   reports and returns. What happens after the handler returns?
//! - `core`: a child dies of SIGSEGV with the default action. What does its parent learn
//!   from `waitpid`: the signal, and whether a core was dumped (`WCOREDUMP`)? What decides?
//!
//! Usage: `lab-segv handler` · `lab-segv core [--not-dumpable]`

use std::sync::atomic::{AtomicI64, Ordering};

use lab::{Line, die, usage};
use nix::errno::Errno;
use nix::libc::{self, c_int, c_void};
use nix::sys::resource::{Resource, getrlimit};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};

static RUNS: AtomicI64 = AtomicI64::new(0);

/// `si_code` of a SIGSEGV for an address where nothing is mapped (`<asm-generic/siginfo.h>`).
const SEGV_MAPERR: c_int = 1;

// EXERCISE: segv
// ANCHOR: handler
/// Report the fault. Returning from a SIGSEGV handler resumes the instruction that
/// faulted, which faults again: the handler runs again and again. On the third run it
/// restores the default action (`sigaction` is async-signal-safe) and returns: the next
/// fault kills the process.
extern "C" fn on_segv(_: c_int, info: *mut libc::siginfo_t, _: *mut c_void) {
    // Saved and restored as in every handler that returns: this one interrupts a store,
    // not a call, but write(2) and sigaction(2) may set errno all the same.
    let saved = Errno::last_raw();
    let run = RUNS.fetch_add(1, Ordering::SeqCst) + 1;
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
    let (address, code) = unsafe { ((*info).si_addr() as u64, (*info).si_code) };
    Line::new()
        .text("handler run ")
        .num(run)
        .text(": SIGSEGV at address ")
        .hex(address)
        .text(", si_code ")
        .num(code.into())
        .text(if code == SEGV_MAPERR {
            " (SEGV_MAPERR: nothing mapped there)"
        } else {
            ""
        })
        .print();
    if run == 3 {
        Line::new()
            .text("handler run 3 restores the default action and returns")
            .print();
        // SAFETY: a zeroed sigaction is SIG_DFL with no flags; sigaction is async-signal-safe.
        unsafe {
            let default: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGSEGV, &default, std::ptr::null_mut());
        }
    }
    Errno::set_raw(saved);
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {
    let args = lab::args();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["handler"] => fault_with_handler(),
        ["core"] => child_dies(false),
        ["core", "--not-dumpable"] => child_dies(true),
        _ => usage("lab-segv handler | lab-segv core [--not-dumpable]"),
    }
}

/// A write through a null pointer, which the compiler cannot see is null.
fn write_to_null() {
    let address: *mut u8 = std::hint::black_box(std::ptr::null_mut());
    // SAFETY: none: this faults on purpose. (Undefined behaviour in Rust's terms; the
    // volatile write through an opaque pointer keeps the compiler from removing it.)
    unsafe { address.write_volatile(1) };
}

fn fault_with_handler() {
    // This run dies of SIGSEGV on purpose: not dumpable, it leaves no core file behind.
    // SAFETY: prctl with these arguments only changes a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    let action = SigAction::new(
        SigHandler::SigAction(on_segv),
        SaFlags::SA_SIGINFO,
        SigSet::empty(),
    );
    // SAFETY: the handler touches an atomic, calls write(2) and sigaction(2), restores errno.
    unsafe { sigaction(Signal::SIGSEGV, &action) }.unwrap_or_else(|e| die("sigaction", e));
    println!("writing to address 0x0");
    write_to_null();
    println!("after the write (never printed)");
}

// ANCHOR: core
fn child_dies(not_dumpable: bool) {
    let (limit, _) = getrlimit(Resource::RLIMIT_CORE).unwrap_or_else(|e| die("getrlimit", e));
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    let limit = if limit == libc::RLIM_INFINITY {
        "unlimited".to_owned()
    } else {
        limit.to_string()
    };
    println!("RLIMIT_CORE: {limit}; core_pattern: {}", pattern.trim());
    // SAFETY: this program has one thread.
    match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        ForkResult::Child => {
            if not_dumpable {
                // A process that is not dumpable never dumps core, whatever the limits.
                // SAFETY: prctl with these arguments only changes a flag of this process.
                unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
            }
            // Rust's runtime catches SIGSEGV (to report stack overflows); the default action
            // is what a C program has.
            let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
            // SAFETY: restoring the default installs no handler.
            let _ = unsafe { sigaction(Signal::SIGSEGV, &default) };
            write_to_null();
            // SAFETY: not reached; _exit ends the child if it ever were.
            unsafe { libc::_exit(0) };
        }
        ForkResult::Parent { child } => {
            let dumpable = !not_dumpable;
            match waitpid(child, None).unwrap_or_else(|e| die("waitpid", e)) {
                WaitStatus::Signaled(pid, signal, core_dumped) => println!(
                    "child {pid} ({}) killed by {signal} (signal {}); WCOREDUMP: {}",
                    if dumpable { "dumpable" } else { "not dumpable" },
                    signal as c_int,
                    if core_dumped {
                        "yes, core dumped"
                    } else {
                        "no core"
                    }
                ),
                other => println!("child: {other:?}"),
            }
        }
    }
}
// ANCHOR_END: core
