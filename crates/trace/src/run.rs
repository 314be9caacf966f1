//! A live run: start the server and the clients (and a stray sender, if asked), record
//! the kernel's signal events for exactly those processes, and stream them through a
//! [`Pipeline`] while they run.
//!
//! How only our processes get in, in the kernel (nothing else ever reaches our buffer):
//!
//! - **Senders**: the instance's `set_event_pid` holds the thread that starts the programs,
//!   and `options/event-fork` adds every task it creates, and theirs, as they are born.
//!   An event is recorded only while one of those tasks is running.
//! - **Targets**: `signal_generate` has a filter on its `pid` field (the target) that
//!   names our processes. Each program is started *held*: a shell that waits for a line
//!   on a pipe before it `exec`s the program, so its PID is in the filter before the
//!   program can send or receive anything.
//!
//! The decoder checks both again, and drops what does not belong (see
//! [`crate::decode`]).

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use minitalk_common::sched;
use nix::libc;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::pipeline::{Outputs, Pipeline};
use crate::protocol::Protocol;
use crate::record::Role;
use crate::summary::Summary;
use crate::svg::Window;
use crate::tracefs::{self, Instance, Unavailable};

/// A program to run, with its arguments (for a client: those before `<pid> <message>`).
#[derive(Clone, Debug)]
pub struct Program {
    pub path: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
}

impl Program {
    pub fn new(path: impl Into<PathBuf>) -> Program {
        Program {
            path: path.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Program {
        self.args.push(arg.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Program {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// How the processes are scheduled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheduling {
    /// As the system pleases.
    #[default]
    Free,
    /// Every process on one CPU.
    OneCpu,
    /// Every process on one CPU, the clients real-time (`SCHED_FIFO`): a client runs
    /// until it blocks or ends, and the server cannot run in between. A client that
    /// never waits sends everything before the server takes anything.
    ClientFirst,
}

/// When a stray sender signals the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stray {
    /// One SIGUSR1 and one SIGUSR2, taken by the server before the clients start.
    Before,
    /// `n` rounds of SIGUSR1 and SIGUSR2, 10 ms apart, while the clients run.
    During(u32),
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub server: Program,
    pub client: Program,
    /// One client per message, all started at once.
    pub messages: Vec<Vec<u8>>,
    /// Give each client its message on stdin, with `-` as the argument (stage 05 on; an
    /// argument cannot exceed 128 KiB).
    pub stdin: bool,
    pub stray: Option<Stray>,
    pub scheduling: Scheduling,
    /// How long the clients may take before the run is stopped.
    pub deadline: Duration,
    /// Stop the server (SIGSTOP) once the clients have sent this many items, so that
    /// it answers nothing more: a client's timeout becomes visible.
    pub stop_server_at: Option<u64>,
}

/// What a run produced.
pub struct Report {
    pub cast: crate::record::Cast,
    pub summary: Summary,
    pub window: Option<Window>,
    /// trace_pipe lines read, and events among them.
    pub lines: u64,
    pub events: u64,
    /// Events the ring buffer dropped because we read too slowly (counts are then low).
    pub overruns: u64,
    /// Seconds from the first signal to the first gap in the trace, if the kernel
    /// announced one (what the decoder says after it can be wrong).
    pub first_gap: Option<Duration>,
    /// Events that involved a process outside the run, dropped by the decoder (0 when
    /// the kernel's filters do their job).
    pub foreign: u64,
    /// What the server printed on stdout after its PID line, and on stderr.
    pub server_stdout: Vec<u8>,
    pub server_stderr: Vec<u8>,
    /// Each client's exit status and output, in the order of `Plan::messages`.
    pub clients: Vec<(Option<ExitStatus>, Vec<u8>, Vec<u8>)>,
    /// Whether the run was stopped early (SIGINT/SIGTERM, or the deadline).
    pub stopped: Option<String>,
}

#[derive(Debug)]
pub enum Error {
    /// Tracing is not possible here: one line, with the command that would make it so.
    Unavailable(Unavailable),
    /// Something failed on the way (a program would not start, tracefs refused a write).
    Failed(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Unavailable(why) => write!(f, "{why}"),
            Error::Failed(why) => f.write_str(why),
        }
    }
}

fn failed(what: &str) -> impl Fn(io::Error) -> Error + '_ {
    move |e| Error::Failed(format!("{what}: {e}"))
}

/// How long the server has to print its PID line.
const STARTUP: Duration = Duration::from_secs(10);

/// Run `plan`, decoding with `protocol`. `stop` set (by a SIGINT handler, say) ends the
/// run in order: the programs are ended, the trace drained, the instance removed.
pub fn run(
    plan: &Plan,
    protocol: Protocol,
    outputs: Outputs,
    stop: &AtomicBool,
) -> Result<Report, Error> {
    let root = tracefs::open().map_err(Error::Unavailable)?;
    let mut instance = Instance::create(&root).map_err(failed("cannot create a trace instance"))?;
    let mut targets: Vec<i32> = Vec::new();
    let mut session =
        Session::start(&mut instance).map_err(failed("cannot set up the trace instance"))?;
    let mut pipeline = Pipeline::new(Default::default(), protocol, true, outputs);
    let mut programs = Programs::default();
    let outcome = session.go(
        plan,
        &mut instance,
        &mut targets,
        &mut pipeline,
        &mut programs,
        stop,
    );
    // Whatever happened, end what we started (by PID) and drain what was recorded.
    programs.end();
    let _ = instance.write("tracing_on", "0");
    session.drain(&mut pipeline);
    let overruns = instance.overruns();
    drop(session);
    drop(instance);
    let stopped = outcome?;
    let (lines, events) = (pipeline.lines, pipeline.events);
    let first_gap = pipeline
        .first_gap_ns
        .map(|at| Duration::from_nanos(at.saturating_sub(pipeline.summary.start_ns.unwrap_or(at))));
    let (summary, window, cast, foreign) = pipeline
        .finish()
        .map_err(failed("cannot write the output"))?;
    Ok(Report {
        cast,
        summary,
        window,
        lines,
        events,
        overruns,
        first_gap,
        foreign,
        server_stdout: programs.server_stdout(),
        server_stderr: programs.server_stderr(),
        clients: programs.client_results(),
        stopped,
    })
}

/// The instance's pipe, and what is left of a line between two reads.
struct Session {
    pipe: std::fs::File,
    partial: Vec<u8>,
}

impl Session {
    fn start(instance: &mut Instance) -> io::Result<Session> {
        // Room for bursts while the reader is not scheduled: 16 MiB per CPU (the default
        // is about 1.4 MiB). What still overflows is counted and reported.
        instance.write("buffer_size_kb", "16384")?;
        instance.write("options/event-fork", "1")?;
        // SAFETY: gettid has no preconditions.
        let me = unsafe { libc::gettid() };
        instance.write("set_event_pid", &me.to_string())?;
        instance.enable("signal/signal_generate", Some(&generate_filter(&[])))?;
        instance.enable("signal/signal_deliver", Some("sig == 10 || sig == 12"))?;
        // sigwaitinfo and sigtimedwait are this system call; its return is the signal.
        // Where syscall events are missing, taking by sigwaitinfo is just not shown.
        let _ = instance.enable(
            "syscalls/sys_exit_rt_sigtimedwait",
            Some("ret == 10 || ret == 12"),
        );
        instance.enable("sched/sched_process_fork", None)?;
        instance.enable("sched/sched_process_exit", None)?;
        let pipe = instance.open_pipe()?;
        Ok(Session {
            pipe,
            partial: Vec::new(),
        })
    }

    fn go(
        &mut self,
        plan: &Plan,
        instance: &mut Instance,
        targets: &mut Vec<i32>,
        pipeline: &mut Pipeline,
        programs: &mut Programs,
        stop: &AtomicBool,
    ) -> Result<Option<String>, Error> {
        let mut admit = |instance: &Instance, pid: i32| -> Result<(), Error> {
            targets.push(pid);
            instance
                .set_filter("signal/signal_generate", &generate_filter(targets))
                .map_err(failed("cannot filter the trace"))
        };

        // The server, and its PID line.
        let held = Held::spawn(&plan.server, &[], plan.scheduling, false)?;
        let server_child = held.pid();
        admit(instance, server_child)?;
        pipeline.decoder_mut().add(Role::Server, server_child, None);
        let (server, lines) = held.release_with_output()?;
        programs.server = Some(server);
        let line = self.wait_for_pid(&lines, pipeline, stop)?;
        programs.server_lines = Some(lines);
        // Every client, the stray and a SIGSTOP go to that PID: it must be the process
        // we started, or one it started (a wrapper's server), never whatever number a
        // buggy server printed (its parent's PID, or 1).
        let pid = minitalk_common::pid_line::started_pid_in_first_line(
            line.trim_end(),
            Pid::from_raw(server_child),
        )
        .map_err(Error::Failed)?
        .as_raw();
        if pid != server_child {
            // A wrapper (a script) started the real server: that one is the server.
            admit(instance, pid)?;
            pipeline.decoder_mut().relabel(server_child, Role::Child);
            pipeline.decoder_mut().relabel_or_add(pid, Role::Server);
        }

        if let Some(Stray::Before) = plan.stray {
            let stray = self.start_stray(pid, 1, instance, &mut admit, pipeline)?;
            // The server takes both before any client starts.
            let mut stray = stray;
            let deadline = Instant::now() + STARTUP;
            while stray.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                self.pump(pipeline, Duration::from_millis(10));
            }
            let _ = wait_nothing_pending(pid, deadline, || {
                self.pump(pipeline, Duration::from_millis(5))
            });
            programs.others.push(stray);
        }

        for (n, message) in plan.messages.iter().enumerate() {
            // The client's own arguments come first (see `Held::spawn`), then these.
            let shown: OsString = if plan.stdin {
                "-".into()
            } else {
                std::os::unix::ffi::OsStringExt::from_vec(message.clone())
            };
            let args: Vec<OsString> = vec![pid.to_string().into(), shown];
            let mut held = Held::spawn(&plan.client, &args, plan.scheduling, true)?;
            if plan.stdin {
                held.feed(message.clone());
            }
            admit(instance, held.pid())?;
            pipeline
                .decoder_mut()
                .add(Role::Client(n + 1), held.pid(), Some(message.clone()));
            programs.clients.push(held.release_collecting()?);
        }

        if let Some(Stray::During(rounds)) = plan.stray {
            let stray = self.start_stray(pid, rounds, instance, &mut admit, pipeline)?;
            programs.others.push(stray);
        }

        // Stream events until every client has ended.
        let deadline = Instant::now() + plan.deadline;
        let mut stopped_server = false;
        loop {
            self.pump(pipeline, Duration::from_millis(20));
            if let Some(at) = plan.stop_server_at
                && !stopped_server
                && pipeline.summary.items_sent() > at
            {
                // Our own child, by its PID: it stops answering, the client's
                // timeout runs. It is continued before it is ended.
                let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
                programs.stopped_server = Some(pid);
                stopped_server = true;
            }
            if stop.load(Ordering::Relaxed) {
                return Ok(Some("interrupted".into()));
            }
            if programs.clients_done() {
                return Ok(None);
            }
            if Instant::now() > deadline {
                return Ok(Some(format!(
                    "the clients did not finish within {:?}",
                    plan.deadline
                )));
            }
        }
    }

    fn start_stray(
        &mut self,
        server: i32,
        rounds: u32,
        instance: &Instance,
        admit: &mut impl FnMut(&Instance, i32) -> Result<(), Error>,
        pipeline: &mut Pipeline,
    ) -> Result<Child, Error> {
        // A shell with no handler of its own: the noise a mistyped `kill` makes.
        let stray = Program::new("sh").arg("-c").arg(
            "i=0; while [ $i -lt \"$2\" ]; do kill -USR1 \"$1\"; kill -USR2 \"$1\"; \
             i=$((i+1)); [ $i -lt \"$2\" ] && sleep 0.01; done; :",
        );
        let args: Vec<OsString> = vec![
            "stray".into(),
            server.to_string().into(),
            rounds.to_string().into(),
        ];
        let held = Held::spawn(&stray, &args, Scheduling::Free, false)?;
        admit(instance, held.pid())?;
        pipeline.decoder_mut().add(Role::Stray, held.pid(), None);
        held.release_quiet()
    }

    /// Wait for the server's PID line, reading the trace meanwhile.
    fn wait_for_pid(
        &mut self,
        lines: &ServerLines,
        pipeline: &mut Pipeline,
        stop: &AtomicBool,
    ) -> Result<String, Error> {
        let deadline = Instant::now() + STARTUP;
        loop {
            match lines.first.recv_timeout(Duration::from_millis(10)) {
                Ok(Some(line)) => return Ok(line),
                Ok(None) => {
                    return Err(Error::Failed(
                        "the server ended or closed its output before printing a PID line".into(),
                    ));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::Failed("the server printed no PID line".into()));
                }
            }
            self.pump(pipeline, Duration::ZERO);
            if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                return Err(Error::Failed(format!(
                    "the server printed no PID line within {STARTUP:?}"
                )));
            }
        }
    }

    /// Wait up to `timeout` for events, and feed all that are there to the pipeline.
    fn pump(&mut self, pipeline: &mut Pipeline, timeout: Duration) {
        let mut fds = [PollFd::new(
            std::os::fd::AsFd::as_fd(&self.pipe),
            PollFlags::POLLIN,
        )];
        let timeout = PollTimeout::try_from(timeout.as_millis().min(1000) as i32)
            .unwrap_or(PollTimeout::ZERO);
        // EINTR (a SIGINT we turn into a stop) just ends the wait early.
        let _ = poll(&mut fds, timeout);
        self.read_available(pipeline);
    }

    /// Read until the pipe has nothing more for now.
    fn read_available(&mut self, pipeline: &mut Pipeline) -> bool {
        let mut buffer = [0u8; 64 * 1024];
        let mut got_any = false;
        loop {
            match self.pipe.read(&mut buffer) {
                Ok(0) => return got_any,
                Ok(n) => {
                    got_any = true;
                    self.partial.extend_from_slice(&buffer[..n]);
                    let mut start = 0;
                    while let Some(end) = self.partial[start..].iter().position(|&b| b == b'\n') {
                        let line = String::from_utf8_lossy(&self.partial[start..start + end]);
                        pipeline.line(&line);
                        start += end + 1;
                    }
                    self.partial.drain(..start);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return got_any,
            }
        }
    }

    /// Read what is left once tracing is off.
    fn drain(&mut self, pipeline: &mut Pipeline) {
        // Events in flight on another CPU are committed within microseconds.
        let mut empty_reads = 0;
        while empty_reads < 3 {
            if self.read_available(pipeline) {
                empty_reads = 0;
            } else {
                empty_reads += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// The filter on `signal_generate`: SIGUSR1 or SIGUSR2, to one of `targets`.
fn generate_filter(targets: &[i32]) -> String {
    if targets.is_empty() {
        // No target yet: nothing passes (no task has PID -1).
        return "pid == -1".into();
    }
    let to: Vec<String> = targets.iter().map(|p| format!("pid == {p}")).collect();
    format!("(sig == 10 || sig == 12) && ({})", to.join(" || "))
}

/// Wait until the process-wide pending set of `pid` is empty (the server took the stray
/// signals), calling `meanwhile` between looks.
fn wait_nothing_pending(pid: i32, deadline: Instant, mut meanwhile: impl FnMut()) -> bool {
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let empty = status
            .lines()
            .find_map(|l| l.strip_prefix("ShdPnd:"))
            .is_some_and(|v| v.trim().trim_start_matches('0').is_empty());
        if empty || Instant::now() > deadline {
            return empty;
        }
        meanwhile();
    }
}

/// A program started but held before its `exec`, so that its PID can be added to the
/// trace's filter before it runs.
struct Held {
    child: Child,
    release: OwnedFd,
}

/// The shell that holds: it reads one line from descriptor 3, then becomes the program.
/// If we die first, the pipe closes, `read` fails and the program never runs.
const HOLD: &str = "read go <&3 || exit 111; exec 3<&-; exec \"$0\" \"$@\"";

impl Held {
    fn spawn(
        program: &Program,
        args: &[OsString],
        scheduling: Scheduling,
        is_client: bool,
    ) -> Result<Held, Error> {
        let (read, release) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|e| Error::Failed(format!("pipe: {e}")))?;
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(HOLD)
            .arg(&program.path)
            .args(&program.args)
            .args(args)
            .envs(program.env.iter().map(|(k, v)| (k, v)))
            .stdin(if is_client {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let read_fd = read.as_raw_fd();
        let realtime = is_client && scheduling == Scheduling::ClientFirst;
        let one_cpu = scheduling != Scheduling::Free;
        // SAFETY: between fork and exec only async-signal-safe system calls run: dup2 and
        // fcntl here, then sched_setaffinity, setrlimit and sched_setscheduler.
        unsafe {
            command.pre_exec(move || {
                if read_fd == 3 {
                    if libc::fcntl(3, libc::F_SETFD, 0) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                } else if libc::dup2(read_fd, 3) != 3 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        if one_cpu {
            sched::pin_to(&mut command, sched::shared_cpu());
        }
        if realtime {
            // A real-time task that never sleeps would starve the CPU: the kernel kills it
            // with SIGXCPU after 2 s of CPU time without a sleep.
            sched::realtime(&mut command, (2_000_000, 2_000_000));
        }
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let child = command
            .spawn()
            .map_err(|e| Error::Failed(format!("cannot start {}: {e}", program.path.display())))?;
        drop(read);
        Ok(Held { child, release })
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Write `bytes` to the program's stdin from a thread, then close it.
    fn feed(&mut self, bytes: Vec<u8>) {
        if let Some(mut stdin) = self.child.stdin.take() {
            std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            });
        }
    }

    fn go(&self) -> Result<(), Error> {
        nix::unistd::write(&self.release, b"go\n")
            .map(drop)
            .map_err(|e| Error::Failed(format!("cannot release a program: {e}")))
    }

    /// Let the server run; its stdout is read by a thread that reports the PID line.
    fn release_with_output(mut self) -> Result<(Child, ServerLines), Error> {
        let stdout = self.child.stdout.take().expect("piped");
        let stderr = self.child.stderr.take().expect("piped");
        self.go()?;
        let (first_tx, first) = mpsc::channel();
        let out = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = Vec::new();
            let _ = reader.read_until(b'\n', &mut line);
            // The line, if it shows a number: which one is the PID is checked once the
            // process started is known to the caller.
            let shows_a_pid = pid_in(&line).is_some();
            let _ = first_tx.send(shows_a_pid.then(|| String::from_utf8_lossy(&line).into_owned()));
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
            rest
        });
        let err = collect(stderr);
        Ok((self.child, ServerLines { first, out, err }))
    }

    /// Let a client run, collecting its output.
    fn release_collecting(mut self) -> Result<Running, Error> {
        let out = collect(self.child.stdout.take().expect("piped"));
        let err = collect(self.child.stderr.take().expect("piped"));
        self.go()?;
        Ok((self.child, out, err))
    }

    fn release_quiet(self) -> Result<Child, Error> {
        self.go()?;
        Ok(self.child)
    }
}

fn collect(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = from.read_to_end(&mut all);
        all
    })
}

/// The first number on a server's first line, colours taken out (0 is none): whether the
/// line shows a PID at all. Which number is the PID is checked against the process
/// started (`pid_line::started_pid_in_first_line`).
pub fn pid_in(line: &[u8]) -> Option<i32> {
    minitalk_common::pid_line::pid_in_first_line(&String::from_utf8_lossy(line))
        .filter(|&pid| pid > 0)
}

/// A client that runs, and the threads collecting its stdout and stderr.
type Running = (Child, JoinHandle<Vec<u8>>, JoinHandle<Vec<u8>>);

struct ServerLines {
    first: mpsc::Receiver<Option<String>>,
    out: JoinHandle<Vec<u8>>,
    err: JoinHandle<Vec<u8>>,
}

/// Everything the run started, ended by PID when the run is over.
#[derive(Default)]
struct Programs {
    server: Option<Child>,
    server_lines: Option<ServerLines>,
    server_output: Option<(Vec<u8>, Vec<u8>)>,
    clients: Vec<Running>,
    client_status: Vec<Option<ExitStatus>>,
    others: Vec<Child>,
    stopped_server: Option<i32>,
    client_outputs: Vec<(Option<ExitStatus>, Vec<u8>, Vec<u8>)>,
}

impl Programs {
    fn clients_done(&mut self) -> bool {
        self.client_status.resize(self.clients.len(), None);
        for (i, (child, _, _)) in self.clients.iter_mut().enumerate() {
            if self.client_status[i].is_none() {
                self.client_status[i] = child.try_wait().ok().flatten();
            }
        }
        self.client_status.iter().all(Option::is_some)
    }

    /// End everything still running: clients, strays, then the server; SIGTERM first,
    /// SIGKILL after a second. Only the PIDs of our own children, never by name.
    fn end(&mut self) {
        self.clients_done();
        let mut all: Vec<&mut Child> = Vec::new();
        for (i, (child, _, _)) in self.clients.iter_mut().enumerate() {
            if self.client_status.get(i).copied().flatten().is_none() {
                all.push(child);
            }
        }
        all.extend(self.others.iter_mut());
        all.extend(self.server.iter_mut());
        if let Some(pid) = self.stopped_server.take() {
            // A stopped process would not act on SIGTERM until continued.
            let _ = kill(Pid::from_raw(pid), Signal::SIGCONT);
        }
        for child in &mut all {
            if child.try_wait().ok().flatten().is_none() {
                let _ = kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        for child in &mut all {
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        self.clients_done();
        let statuses = std::mem::take(&mut self.client_status);
        for ((_, out, err), status) in std::mem::take(&mut self.clients).into_iter().zip(statuses) {
            self.client_outputs.push((
                status,
                out.join().unwrap_or_default(),
                err.join().unwrap_or_default(),
            ));
        }
        if let Some(lines) = self.server_lines.take() {
            self.server_output = Some((
                lines.out.join().unwrap_or_default(),
                lines.err.join().unwrap_or_default(),
            ));
        }
    }

    fn server_stdout(&self) -> Vec<u8> {
        self.server_output
            .as_ref()
            .map_or(Vec::new(), |o| o.0.clone())
    }

    fn server_stderr(&self) -> Vec<u8> {
        self.server_output
            .as_ref()
            .map_or(Vec::new(), |o| o.1.clone())
    }

    fn client_results(&mut self) -> Vec<(Option<ExitStatus>, Vec<u8>, Vec<u8>)> {
        std::mem::take(&mut self.client_outputs)
    }
}

/// Write something to `out`, ignoring a reader that went away.
pub fn print(out: &mut impl Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pid_is_the_first_number_once_colours_are_gone() {
        assert_eq!(pid_in(b"PID: 48213\n"), Some(48213));
        // Not the 2 of SIGUSR2, as reading the last number would have it.
        assert_eq!(
            pid_in(b"PID: 48213 (send SIGUSR1 or SIGUSR2)\n"),
            Some(48213)
        );
        assert_eq!(
            pid_in(b"\x1b[0;33mServer PID:\x1b[0;37m12345\n"),
            Some(12345)
        );
        assert_eq!(pid_in(b"no number here\n"), None);
        assert_eq!(pid_in(b"PID: 0\n"), None);
    }

    #[test]
    fn the_filter_names_every_target() {
        assert_eq!(generate_filter(&[]), "pid == -1");
        assert_eq!(
            generate_filter(&[5, 7]),
            "(sig == 10 || sig == 12) && (pid == 5 || pid == 7)"
        );
    }
}
