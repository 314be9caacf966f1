//! lab-altstack: a handler for a stack overflow needs a stack of its own.
//!
//! The question: the program recurses until its stack runs out, which the kernel reports
//! with SIGSEGV. A handler for SIGSEGV is installed, which would say where the fault was.
//! Does it run (`plain`)? And with an alternate signal stack, `sigaltstack(2)` and
//! `SA_ONSTACK` (`altstack`)? And with no handler of ours at all (`std`)?
//!
//! Usage: `lab-altstack plain|altstack|std`

use std::hint::black_box;

use lab::{Line, die, usage};
use nix::errno::Errno;
use nix::libc::{self, c_int, c_void};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

/// Report the fault, and whether the handler runs on the alternate stack (sigaltstack(2)
/// can tell, and is async-signal-safe). Then restore the default action and return: the
/// fault repeats and kills the process.
extern "C" fn on_segv(_: c_int, info: *mut libc::siginfo_t, _: *mut c_void) {
    // Saved and restored as in every handler that returns (write(2) may set errno).
    let saved = Errno::last_raw();
    let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: a null new stack only queries the current one.
    unsafe { libc::sigaltstack(std::ptr::null(), &mut current) };
    let on_alternate = current.ss_flags & libc::SS_ONSTACK != 0;
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
    let address = unsafe { (*info).si_addr() } as u64;
    Line::new()
        .text("handler: SIGSEGV at ")
        .hex(address)
        .text(", running on the alternate stack: ")
        .text(if on_alternate { "yes" } else { "no" })
        .print();
    // SAFETY: a zeroed sigaction is SIG_DFL with no flags.
    unsafe {
        let default: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGSEGV, &default, std::ptr::null_mut());
    }
    Errno::set_raw(saved);
}

fn main() {
    let alternate = match lab::args().iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["plain"] => Some(false),
        ["altstack"] => Some(true),
        ["std"] => None,
        _ => usage("lab-altstack plain|altstack|std"),
    };
    // These runs die on purpose: not dumpable, they leave no core file behind.
    // SAFETY: prctl with these arguments only changes a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    if let Some(alternate) = alternate {
        install(alternate);
    }
    println!("recursing until the stack runs out");
    let depth = recurse(black_box(0));
    println!("never printed: {depth}");
}

// EXERCISE: altstack
// ANCHOR: install
/// Install the handler, on a stack of its own if `alternate`. A handler's frame is pushed
/// on the stack the thread is using, unless the handler has SA_ONSTACK and the thread has
/// an alternate stack; after an overflow the thread's own stack has no room left, and the
/// kernel, unable to push the frame, kills the process with SIGSEGV.
fn install(alternate: bool) {
    let mut flags = SaFlags::SA_SIGINFO;
    if alternate {
        // 64 KiB for the handler, allocated once and never freed: it must outlive the
        // handler. (Rust's runtime already gives each thread one, for its own handler;
        // this one replaces it.)
        let size = 64 * 1024;
        let stack = libc::stack_t {
            ss_sp: Box::leak(vec![0u8; size].into_boxed_slice())
                .as_mut_ptr()
                .cast(),
            ss_flags: 0,
            ss_size: size,
        };
        // SAFETY: the memory is valid for the life of the process.
        if unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) } != 0 {
            die("sigaltstack", Errno::last());
        }
        flags |= SaFlags::SA_ONSTACK;
    }
    let action = SigAction::new(SigHandler::SigAction(on_segv), flags, SigSet::empty());
    // SAFETY: the handler calls sigaltstack(2), write(2) and sigaction(2) only, and restores errno.
    unsafe { sigaction(Signal::SIGSEGV, &action) }.unwrap_or_else(|e| die("sigaction", e));
}
// ANCHOR_END: install
// END EXERCISE

/// Recursion the compiler can neither turn into a loop nor remove. It never returns: it
/// stops when the stack does.
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let frame = black_box([depth; 16]);
    black_box(recurse(black_box(frame[0] + 1))) + frame[15]
}
