//! lab-hangup: SIGHUP when the terminal goes away.
//!
//! This program plays the terminal: like a terminal window, it opens a pseudo-terminal,
//! holds its master side, and starts a session on it: a session leader (the shell, say)
//! with three jobs: one in the foreground, one running in the background, one stopped in
//! the background. Then the window is closed: the program closes the master. The question:
//! which of the four processes get SIGHUP, from whom, and which survive?
//!
//! Each process reports a SIGHUP on a pipe, then dies of it as the default action would
//! have it; the running background job blocks SIGHUP instead, so that `/proc` can show
//! whether one was ever sent to it (a blocked signal stays pending).
//!
//! Usage: `lab-hangup`

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use lab::{Line, die, proc, usage};
use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::libc::{self, c_int};
use nix::pty::{grantpt, posix_openpt, ptsname_r, unlockpt};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, raise, sigaction};
use nix::sys::stat::Mode;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pause, pipe, read, setpgid, setsid, tcsetpgrp};

const ROLES: [&str; 4] = [
    "session leader",
    "foreground job",
    "running background job",
    "stopped background job",
];
const LEADER: usize = 0;
const FOREGROUND: usize = 1;
const RUNNING: usize = 2;
const STOPPED: usize = 3;

/// This process's role, and the pipe its report goes to, for the handler.
static ROLE: AtomicUsize = AtomicUsize::new(0);
static REPORTS: AtomicI32 = AtomicI32::new(-1);

/// Report the SIGHUP, then die of it: default action back, raise it again.
extern "C" fn on_hangup(_: c_int) {
    let role = ROLES[ROLE.load(Ordering::SeqCst)];
    // SAFETY: getpid is async-signal-safe.
    let pid = unsafe { libc::getpid() };
    Line::new()
        .text("PID ")
        .num(pid.into())
        .text(" (")
        .text(role)
        .text("): SIGHUP")
        .print_to(REPORTS.load(Ordering::SeqCst));
    // SIGHUP is blocked while its handler runs: unblocked, with the default action back,
    // the raised one kills at once. The handler never returns, so errno needs no saving.
    // SAFETY: signal, sigprocmask and raise are async-signal-safe.
    unsafe {
        libc::signal(libc::SIGHUP, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGHUP);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(libc::SIGHUP);
    }
}

fn main() {
    if !lab::args().is_empty() {
        usage("lab-hangup");
    }
    // Orphans come to this process (not to init) when the session leader dies: it can
    // reap them and say how they ended.
    // SAFETY: prctl with these arguments only sets a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    let master =
        posix_openpt(OFlag::O_RDWR | OFlag::O_NOCTTY).unwrap_or_else(|e| die("posix_openpt", e));
    grantpt(&master).unwrap_or_else(|e| die("grantpt", e));
    unlockpt(&master).unwrap_or_else(|e| die("unlockpt", e));
    let slave = ptsname_r(&master).unwrap_or_else(|e| die("ptsname", e));
    let (reports, report) = pipe().unwrap_or_else(|e| die("pipe", e));
    REPORTS.store(report.as_raw_fd(), Ordering::SeqCst);
    // Only this process holds the write end: when it ends, however it ends, a read of the
    // other end sees end of file. The running job, which nothing else ends, waits on it.
    let (lifeline, _lifeline_end) = pipe().unwrap_or_else(|e| die("pipe", e));

    // SAFETY: this program has one thread.
    let leader = match unsafe { fork() }.unwrap_or_else(|e| die("fork", e)) {
        ForkResult::Child => {
            drop(master);
            drop(_lifeline_end);
            session(&slave, &report, &lifeline)
        }
        ForkResult::Parent { child } => child,
    };
    drop(report);
    drop(lifeline);
    let mut reports = BufReader::new(File::from(reports));
    let ready = next_line(&mut reports);
    let pids: Vec<Pid> = ready
        .split_whitespace()
        .skip(1)
        .map(|p| Pid::from_raw(p.parse().unwrap_or_else(|_| die("read the PIDs", &ready))))
        .collect();
    // Only processes of this session are ever signalled: the leader is our child.
    if pids.len() != 4 || pids[LEADER] != leader {
        die("the session said", &ready);
    }
    wait_until_stopped(pids[STOPPED]);
    println!("terminal: opened {slave}; a session runs on it");
    println!(
        "{:>7} {:>7} {:>7} {:>7}  role",
        "PID", "PGID", "SID", "TPGID"
    );
    for (pid, role) in pids.iter().zip(ROLES) {
        let s = proc::stat(*pid).unwrap_or_else(|| die("read /proc", pid));
        println!(
            "{:>7} {:>7} {:>7} {:>7}  {role}",
            s.pid, s.pgid, s.sid, s.tpgid
        );
    }

    let running = pids[RUNNING];
    // EXERCISE: hangup
    // ANCHOR: close
    println!("terminal: closing the master side: the window goes away");
    drop(master);
    // Three reports, in the order they came.
    for _ in 0..3 {
        println!("{}", next_line(&mut reports));
    }
    // Reap them: the leader is our child, the jobs became ours when it died.
    let mut ends: [Option<String>; 4] = Default::default();
    while [LEADER, FOREGROUND, STOPPED]
        .iter()
        .any(|&r| ends[r].is_none())
    {
        let status = waitpid(None, None).unwrap_or_else(|e| die("waitpid", e));
        if let Some(role) = status
            .pid()
            .and_then(|pid| pids.iter().position(|&p| p == pid))
        {
            ends[role] = Some(describe(status));
        }
    }
    for role in [LEADER, FOREGROUND, STOPPED] {
        println!("{}: {}", ROLES[role], ends[role].as_deref().unwrap_or("?"));
    }
    // The running background job: it is still there, and nothing was sent to it.
    let sent = proc::has(Some(running), "ShdPnd", libc::SIGHUP)
        || proc::has(Some(running), "SigPnd", libc::SIGHUP);
    let alive = proc::stat(running).is_some_and(|s| s.state != 'Z');
    println!(
        "{}: {}; SIGHUP pending: {}",
        ROLES[RUNNING],
        if alive { "still alive" } else { "gone" },
        if sent { "yes" } else { "no" }
    );
    // ANCHOR_END: close
    // END EXERCISE
    // It is ours now (adopted when the leader died): end it.
    let _ = kill(running, Signal::SIGKILL);
    let _ = waitpid(running, None);
}

/// The session leader: take the terminal, start three jobs, give the first the foreground.
fn session(slave: &str, report: &OwnedFd, lifeline: &OwnedFd) -> ! {
    // If the terminal program dies, so does its session.
    // SAFETY: prctl with these arguments only sets this process's parent-death signal.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
    ROLE.store(LEADER, Ordering::SeqCst);
    catch_hangup();
    // ANCHOR: session
    setsid().unwrap_or_else(|e| die("setsid", e));
    // A session leader with no controlling terminal that opens a terminal acquires it.
    let tty = open(slave, OFlag::O_RDWR, Mode::empty()).unwrap_or_else(|e| die("open the pty", e));
    let jobs: Vec<Pid> = [FOREGROUND, RUNNING, STOPPED]
        .into_iter()
        .map(|role| job(role, lifeline))
        .collect();
    for &job in &jobs {
        // As shells do: the parent moves the child too, so that the move is done whichever
        // of the two runs first.
        let _ = setpgid(job, job);
    }
    tcsetpgrp(tty.as_fd(), jobs[0]).unwrap_or_else(|e| die("tcsetpgrp", e));
    // ANCHOR_END: session
    let mut out = File::from(report.try_clone().unwrap_or_else(|e| die("dup", e)));
    let ready = format!(
        "ready {} {} {} {}",
        nix::unistd::getpid(),
        jobs[0],
        jobs[1],
        jobs[2]
    );
    let _ = writeln!(out, "{ready}");
    loop {
        pause();
    }
}

/// A job in a process group of its own. What it needs from birth (its role, for the
/// handler it inherits; the running job's blocked SIGHUP) is set around the fork, in the
/// parent: the child may not have run a single instruction when the terminal goes.
fn job(role: usize, lifeline: &OwnedFd) -> Pid {
    let hangup = SigSet::from(Signal::SIGHUP);
    ROLE.store(role, Ordering::SeqCst);
    if role == RUNNING {
        hangup.thread_block().unwrap_or_else(|e| die("block", e));
    }
    // SAFETY: this program has one thread.
    let forked = unsafe { fork() }.unwrap_or_else(|e| die("fork", e));
    if let ForkResult::Parent { child } = forked {
        ROLE.store(LEADER, Ordering::SeqCst);
        hangup
            .thread_unblock()
            .unwrap_or_else(|e| die("unblock", e));
        return child;
    }
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    if role == RUNNING {
        // Never outlive the terminal program: wait for its end (end of file here).
        let _ = read(lifeline, &mut [0u8; 1]);
        // SAFETY: _exit ends the job at once.
        unsafe { libc::_exit(0) };
    }
    if role == STOPPED {
        raise(Signal::SIGSTOP).unwrap_or_else(|e| die("raise", e));
    }
    loop {
        pause();
    }
}

fn catch_hangup() {
    let action = SigAction::new(
        SigHandler::Handler(on_hangup),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler calls write(2), signal(2), sigprocmask(2) and raise(3) only.
    unsafe { sigaction(Signal::SIGHUP, &action) }.unwrap_or_else(|e| die("sigaction", e));
}

fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Signaled(_, signal, _) => format!("killed by {signal}"),
        WaitStatus::Exited(_, code) => format!("exited with code {code}"),
        other => format!("{other:?}"),
    }
}

fn next_line(reports: &mut impl BufRead) -> String {
    let mut line = String::new();
    match reports.read_line(&mut line) {
        Ok(n) if n > 0 => line.trim_end().to_owned(),
        _ => die("read the reports", "every writer went away"),
    }
}

/// Wait (at most 10 s) until `pid` is stopped.
fn wait_until_stopped(pid: Pid) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while proc::stat(pid).is_none_or(|s| s.state != 'T') {
        if std::time::Instant::now() > deadline {
            die("wait for the stopped job", Errno::ETIMEDOUT);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}
