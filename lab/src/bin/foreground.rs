//! lab-foreground: whom Ctrl-C reaches.
//!
//! Run it from a shell, in a terminal. It forks three children: one stays in its process
//! group, one moves to a group of its own (`setpgid`), one starts a session of its own
//! (`setsid`), and it prints the table `ps -o pid,pgid,sid,tpgid` would. The question:
//! you press Ctrl-C. The terminal sends SIGINT: to which of these four processes?
//!
//! Every process here blocks SIGINT and takes it with `sigwaitinfo`, so that it can say
//! it came instead of dying of it.
//!
//! Usage: `lab-foreground` (then press Ctrl-C)

use std::io::{BufRead, BufReader, Write};
use std::os::fd::OwnedFd;

use lab::{die, proc, usage};
use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid, pipe, setpgid, setsid};

/// What each child does with its process group and session.
#[derive(Clone, Copy)]
enum Move {
    Stay,
    OwnGroup,
    OwnSession,
}

impl Move {
    fn describe(self) -> &'static str {
        match self {
            Move::Stay => "child 1, same group",
            Move::OwnGroup => "child 2, setpgid(0, 0): a group of its own",
            Move::OwnSession => "child 3, setsid(): a session of its own",
        }
    }
}

fn main() {
    if !lab::args().is_empty() {
        usage("lab-foreground");
    }
    // Blocked before forking, so every child is born blocking them too.
    let waited: SigSet = [Signal::SIGINT, Signal::SIGUSR1].into_iter().collect();
    waited.thread_block().unwrap_or_else(|e| die("block", e));
    // The children report on one pipe; this process prints every line, in order.
    let (reports, report) = pipe().unwrap_or_else(|e| die("pipe", e));
    let moves = [Move::Stay, Move::OwnGroup, Move::OwnSession];
    let children: Vec<Pid> = moves
        .iter()
        .map(|&m| start_child(m, &report, &waited))
        .collect();
    drop(report);
    let mut reports = BufReader::new(std::fs::File::from(reports));
    for _ in &children {
        next_report(&mut reports); // "ready", once each child has moved
    }

    println!(
        "{:>7} {:>7} {:>7} {:>7}  who",
        "PID", "PGID", "SID", "TPGID"
    );
    let me = getpid();
    row(getppid(), "the shell that started it");
    row(me, "lab-foreground");
    for (&child, &m) in children.iter().zip(&moves) {
        row(child, m.describe());
    }
    // A group leader cannot start a session: its group would straddle two sessions. (Only
    // tried where it must fail: a success would take this process off the terminal.)
    if proc_pgid(me) == me.as_raw() {
        println!(
            "setsid() in lab-foreground, a group leader: {}",
            setsid().unwrap_err()
        );
    }
    println!("press Ctrl-C");

    // EXERCISE: foreground
    // ANCHOR: wait
    let signal = waited.wait().unwrap_or_else(|e| die("sigwait", e));
    println!("PID {me} (group {}): {signal}", proc_pgid(me));
    // Child 1 is in the same group: the same Ctrl-C reached it. Wait for its word.
    println!("{}", next_report(&mut reports));
    // Then ask each child, with SIGUSR1, how many SIGINT it took; it answers and exits.
    for (&child, &m) in children.iter().zip(&moves) {
        kill(child, Signal::SIGUSR1).unwrap_or_else(|e| die("kill", e));
        match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, count)) => println!("{}: {count} SIGINT", m.describe()),
            other => println!("{}: {other:?}", m.describe()),
        }
    }
    // ANCHOR_END: wait
    // END EXERCISE
}

/// Fork a child that moves as `m` says, reports "ready", then takes SIGINT and SIGUSR1
/// synchronously: it reports each SIGINT, and on SIGUSR1 exits with the number it took.
fn start_child(m: Move, report: &OwnedFd, waited: &SigSet) -> Pid {
    // SAFETY: this program has one thread.
    match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        ForkResult::Child => {
            // Die with the parent: a child in another group or session would otherwise
            // outlive it, out of reach of the terminal and of whoever cleans up the job.
            // SAFETY: prctl with these arguments only sets this process's parent-death signal.
            unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
            // ANCHOR: move
            match m {
                Move::Stay => {}
                Move::OwnGroup => setpgid(Pid::from_raw(0), Pid::from_raw(0))
                    .map(drop)
                    .unwrap_or_else(|e| die("setpgid", e)),
                Move::OwnSession => setsid().map(drop).unwrap_or_else(|e| die("setsid", e)),
            }
            // ANCHOR_END: move
            let mut out = std::fs::File::from(report.try_clone().expect("dup"));
            let _ = writeln!(out, "ready");
            let mut taken = 0;
            loop {
                match waited.wait() {
                    Ok(Signal::SIGINT) => {
                        taken += 1;
                        let _ = writeln!(
                            out,
                            "PID {} (group {}): SIGINT",
                            getpid(),
                            proc_pgid(getpid())
                        );
                    }
                    Ok(_) => break,
                    Err(Errno::EINTR) => continue,
                    Err(error) => die("sigwait", error),
                }
            }
            // SAFETY: _exit ends the child at once; the count is its exit code.
            unsafe { libc::_exit(taken) }
        }
        ForkResult::Parent { child } => {
            // The parent moves child 2 too: whichever runs first, the move is done before
            // the table is printed (the classic fix for this race, as shells do it).
            if let Move::OwnGroup = m {
                let _ = setpgid(child, child);
            }
            child
        }
    }
}

fn next_report(reports: &mut impl BufRead) -> String {
    let mut line = String::new();
    match reports.read_line(&mut line) {
        Ok(n) if n > 0 => line.trim_end().to_owned(),
        _ => die("read the children's reports", "a child went away"),
    }
}

fn proc_pgid(pid: Pid) -> i32 {
    proc::stat(pid).map_or(-1, |s| s.pgid)
}

/// One line of what `ps -o pid,pgid,sid,tpgid` shows, read where ps reads it.
fn row(pid: Pid, who: &str) {
    let stat = proc::stat(pid).unwrap_or_else(|| die("read /proc", pid));
    println!(
        "{:>7} {:>7} {:>7} {:>7}  {who}",
        stat.pid, stat.pgid, stat.sid, stat.tpgid
    );
}
