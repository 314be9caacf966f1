//! A server under test: started, its PID read from its first line, its messages awaited.

use std::process::ExitStatus;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use super::diff::describe_mismatch;
use super::process::Process;
use super::procfs;
use super::report;
use super::stillness::{STILL, Stillness};
use super::stranger::Strangers;
use crate::deadlines::{DEADLINE, STARTUP};

/// How often [`Server::wait_for_sender`] looks whether the server has exited. The wait
/// itself ends the moment the sender exits; this only bounds how late a dead server is
/// noticed.
const SERVER_CHECK: Duration = Duration::from_millis(20);

/// How long [`Server::wait_for_sender`] still waits for the sender once the server has
/// exited: long enough for a sender that had its last answer to run and exit on a loaded
/// machine, short enough that a sender nobody will answer fails the test at once.
const SENDER_GRACE: Duration = Duration::from_secs(2);

/// How long [`Server::expect_message`] waits for more output once the last sender has
/// exited and the server has printed nothing new (while it is not even waiting for a
/// CPU): a client exits after its last signal, or after the server's last answer, and
/// the server prints the message within microseconds of its last bit.
const QUIET_AFTER_SENDER: Duration = Duration::from_secs(2);

/// A running server. Dropping it kills and reaps it.
pub struct Server {
    process: Process,
    pid: Pid,
    /// Where the next expected message starts in stdout.
    cursor: usize,
    /// The processes that sent it SIGUSR1 or SIGUSR2 for the test.
    strangers: Strangers,
    /// When the last sender [`Server::wait_for_sender`] waited for exited, and how.
    last_sender: Mutex<Option<(Instant, ExitStatus)>>,
    /// Whether a message may come without the newline after it (another
    /// implementation's server: the subject does not ask for one).
    newline_optional: bool,
    /// Whether the last message matched without its newline, which may still come.
    newline_may_follow: bool,
}

impl Server {
    /// Start the server that `command` runs and read its PID from the first line it prints
    /// (the first number in it that is the process started or a descendant, so `12345`,
    /// `PID: 12345`, `Server PID = 12345` and `minitalk 42 | PID: 12345` all work).
    /// [`Programs::start_server`](super::programs::Programs::start_server) is the usual
    /// way in.
    ///
    /// Fails with everything printed so far if no such line comes within [`STARTUP`], or if
    /// no number on it is the server's own (or a descendant's): the kit only ever signals
    /// processes it started.
    pub fn start(command: std::process::Command) -> Server {
        let program = command.get_program().to_string_lossy().into_owned();
        let process = Process::spawn(command);
        let deadline = Instant::now() + STARTUP;
        let line = process
            .stdout
            .first_line(deadline)
            .unwrap_or_else(|so_far| {
                // Either the deadline passed, or stdout closed because the server is
                // exiting: then its status and last words on stderr are moments away.
                let exited = process.wait_timeout(Duration::from_secs(2));
                process.drain();
                let why = match exited {
                    Some(status) => format!("it exited ({status}) first"),
                    None => format!("none came within {STARTUP:?}"),
                };
                panic!(
                    "expected the server {program} to print its PID on its first line, but {why}\n\
                 stdout so far: {:?}\nstderr so far: {:?}",
                    String::from_utf8_lossy(&so_far),
                    process.stderr.text()
                )
            });
        // Colours are common (`\e[0;33mServer PID:\e[0;37m 12345`): the digits of an escape
        // sequence are not the PID.
        let text = strip_ansi(&String::from_utf8_lossy(&line));
        // The process the test started, or one of its descendants: the kit only ever
        // signals processes it started. A banner may come before the PID.
        let pid =
            started_pid_in_first_line(&text, process.pid()).unwrap_or_else(|why| panic!("{why}"));
        // Messages start after the PID line's newline.
        let cursor = process
            .stdout
            .bytes()
            .iter()
            .position(|&b| b == b'\n')
            .expect("first_line saw a newline")
            + 1;
        Server {
            process,
            pid,
            cursor,
            strangers: Strangers::default(),
            last_sender: Mutex::new(None),
            newline_optional: false,
            newline_may_follow: false,
        }
    }

    /// The PID the server printed (validated: a process this test started).
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The underlying process, for its stderr and its exit.
    pub fn process(&mut self) -> &mut Process {
        &mut self.process
    }

    /// Wait until the server prints exactly `message` next, within [`DEADLINE`]. Our
    /// servers end every message with `\n`: include it in `message`. Panics with a readable diff as soon as the output departs from
    /// the expected bytes, or at the deadline.
    pub fn expect_message(&mut self, message: impl AsRef<[u8]>) {
        self.expect_message_within(message, DEADLINE)
    }

    /// [`Server::expect_message`] with an explicit deadline (see [`Server::wait_for_output`]).
    ///
    /// For another implementation's server the newline at the end of `message` is
    /// optional: the subject asks for each message exactly, not for a newline after it.
    /// Messages are then compared as a stream: one without its newline is followed
    /// directly by the next (and a note says so).
    pub fn expect_message_within(&mut self, message: impl AsRef<[u8]>, timeout: Duration) {
        self.expect(message.as_ref(), timeout, None)
    }

    /// [`Server::expect_message`], whose failure begins with `meaning`: what the test
    /// knows a wrong or missing message to mean at this point (a test that sent strays
    /// knows more than "the server printed something else").
    pub fn expect_message_meaning(&mut self, message: impl AsRef<[u8]>, meaning: &str) {
        self.expect(message.as_ref(), DEADLINE, Some(meaning))
    }

    fn expect(&mut self, expected: &[u8], timeout: Duration, meaning: Option<&str>) {
        let optional = self.newline_optional && expected.ends_with(b"\n");
        let body = if optional {
            &expected[..expected.len() - 1]
        } else {
            expected
        };
        let (cursor, may_follow) = (self.cursor, self.newline_may_follow);
        let outcome = self.wait_for_output(timeout, |bytes| {
            let mut start = cursor.min(bytes.len());
            if may_follow {
                match bytes.get(start) {
                    // The previous message's newline: is it there, or is this the next?
                    None if !body.is_empty() => return None,
                    Some(b'\n') => start += 1,
                    _ => no_newline_after_a_message(),
                }
            }
            let got = &bytes[start..];
            let common = got.len().min(body.len());
            if got[..common] != body[..common] {
                return Some(Err((start, got.to_vec())));
            }
            if got.len() < body.len() {
                return None;
            }
            if !optional {
                return Some(Ok((start + body.len(), false)));
            }
            match got.get(body.len()) {
                Some(b'\n') => Some(Ok((start + body.len() + 1, false))),
                Some(_) => {
                    no_newline_after_a_message();
                    Some(Ok((start + body.len(), false)))
                }
                None => Some(Ok((start + body.len(), true))),
            }
        });
        match outcome {
            Ok(Ok((end, may_follow))) => (self.cursor, self.newline_may_follow) = (end, may_follow),
            Ok(Err((_, got))) => {
                self.fail(body, &got, "the server printed something else", meaning)
            }
            Err((all, why)) => {
                let got = &all[cursor.min(all.len())..];
                self.fail(body, got, &why, meaning)
            }
        }
    }

    /// Wait until `check(stdout so far)` returns `Some`, re-checking as output arrives,
    /// at most `timeout`. On failure, returns the output so far and why the wait ended.
    ///
    /// The deadline is for output that keeps coming. The wait ends sooner when the server
    /// has exited, or when the last sender [`Server::wait_for_sender`] waited for has
    /// exited and the server has printed nothing more for [`QUIET_AFTER_SENDER`] (while
    /// not even waiting for a CPU): what that sender sent has then all been printed, or
    /// will never be. A wait that succeeds forgets that sender.
    pub fn wait_for_output<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&[u8]) -> Option<T>,
    ) -> Result<T, (Vec<u8>, String)> {
        let deadline = Instant::now() + timeout;
        let (mut seen, mut last_growth) = (0, Instant::now());
        loop {
            let slice = (Instant::now() + SERVER_CHECK * 5).min(deadline);
            let all = match self
                .process
                .stdout
                .wait_until(slice, |bytes, _| check(bytes))
            {
                Ok(found) => {
                    *self.last_sender.lock().unwrap_or_else(|e| e.into_inner()) = None;
                    return Ok(found);
                }
                Err(all) => all,
            };
            if all.len() != seen {
                (seen, last_growth) = (all.len(), Instant::now());
            }
            if let Some(status) = self.process.try_status() {
                return Err((all, format!("the server exited ({status})")));
            }
            if let Some((exited, status)) = self.sender_gone_quiet(last_growth) {
                let why = format!(
                    "the client exited ({status}) {:.1?} ago, and the server has printed \
                     nothing more since",
                    exited.elapsed()
                );
                return Err((all, why));
            }
            if Instant::now() >= deadline {
                return Err((all, format!("nothing more came within {timeout:?}")));
            }
        }
    }

    /// The last sender [`Server::wait_for_sender`] waited for, if it exited (when, and
    /// how), and the server has printed nothing since `last_growth`, for
    /// [`QUIET_AFTER_SENDER`], while not even waiting for a CPU.
    fn sender_gone_quiet(&self, last_growth: Instant) -> Option<(Instant, ExitStatus)> {
        let (exited, status) = (*self.last_sender.lock().unwrap_or_else(|e| e.into_inner()))?;
        let quiet = exited.max(last_growth).elapsed() >= QUIET_AFTER_SENDER
            && procfs::activity(self.pid).is_some_and(|(_, runnable)| !runnable);
        quiet.then_some((exited, status))
    }

    /// Where the next [`Server::expect_message`] starts reading in the server's stdout
    /// (an offset into [`Captured::bytes`](super::output::Captured::bytes)).
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Everything the server printed after its PID line that no `expect_message` consumed
    /// (but the newline after the last message, when it was optional and came late).
    pub fn unread_output(&self) -> Vec<u8> {
        let bytes = self.process.stdout.bytes();
        let mut start = self.cursor.min(bytes.len());
        if self.newline_may_follow && bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        bytes[start..].to_vec()
    }

    /// Take a missing newline after a message for what the subject allows (see
    /// [`Server::expect_message_within`]): for another implementation's server.
    pub fn with_optional_newline(mut self, optional: bool) -> Server {
        self.newline_optional = optional;
        self
    }

    /// Everything the server has printed on stderr so far.
    pub fn stderr_text(&self) -> String {
        self.process.stderr.text()
    }

    /// Whether a message may come without the newline after it (see
    /// [`Server::with_optional_newline`]).
    pub fn newline_is_optional(&self) -> bool {
        self.newline_optional
    }

    /// Wait until `sender` (a client, or any process that talks to the server) exits, at
    /// most `timeout`, and return its exit status, with its output collected.
    ///
    /// It does not wait out the deadline when the sender can no longer finish:
    ///
    /// - The server has exited. A sender that waits for the server's answers can never
    ///   finish then. It gets [`SENDER_GRACE`] to finish (the server may have answered,
    ///   then exited, and the sender not yet run: which of two processes the kit sees exit
    ///   first says nothing about the order they exited in), and if it is still running
    ///   after that, the error gives the server's exit status and its last words on
    ///   stderr (often the reason, a panic message for one).
    /// - The sender and the server have both slept for [`STILL`] without running once
    ///   (see [`Stillness`]): each waits for the other, a deadlock.
    ///
    /// The error also says when neither exited in time.
    pub fn wait_for_sender(
        &self,
        sender: &Process,
        timeout: Duration,
    ) -> Result<ExitStatus, String> {
        self.wait_for_sender_unless(sender, timeout, || None)
    }

    /// [`Server::wait_for_sender`], which also gives up as soon as `hopeless()` says why
    /// the sender can no longer finish (a crowd's own check that no client runs at all,
    /// see [`crowd`](super::crowd)).
    pub fn wait_for_sender_unless(
        &self,
        sender: &Process,
        timeout: Duration,
        mut hopeless: impl FnMut() -> Option<String>,
    ) -> Result<ExitStatus, String> {
        let (started, deadline) = (Instant::now(), Instant::now() + timeout);
        let printed_before = self.process.stdout.bytes().len();
        let mut stillness = Stillness::new(&[sender.pid(), self.pid]);
        let name = std::path::Path::new(sender.program())
            .file_name()
            .map_or_else(
                || sender.program().to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        let why = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Some(status) = sender.wait_timeout(left.min(SERVER_CHECK)) {
                return Ok(self.sender_exited(sender, status));
            }
            if let Some(status) = self.process.try_status() {
                // A server that failed (a panic, a crash) answers nothing more: the sender
                // gets only a moment. One that exited 0 may have answered everything.
                let grace = if status.success() {
                    SENDER_GRACE
                } else {
                    SERVER_CHECK * 5
                };
                if let Some(status) = sender.wait_timeout(grace) {
                    // Both are gone: the sender's status tells the test what it needs.
                    return Ok(self.sender_exited(sender, status));
                }
                self.process.drain();
                break format!(
                    "the server exited ({status}) while {name} (PID {}) was still running",
                    sender.pid()
                );
            }
            let still = stillness.still_for();
            if still >= STILL {
                break format!(
                    "{name} (PID {}) and the server have both slept for {still:.1?} without \
                     running once: the client waits for an answer that the server will not send \
                     (a signal lost, or never sent)",
                    sender.pid()
                );
            }
            if let Some(why) = hopeless() {
                break why;
            }
            if left.is_zero() {
                // Still printing, only slowly: say how slowly, it is the likely reason.
                let printed = self.process.stdout.bytes().len() - printed_before;
                let pace = if printed > 0 {
                    format!(
                        " (it printed {printed} bytes meanwhile, {:.0} bytes/s: too slow for \
                         this check)",
                        printed as f64 / started.elapsed().as_secs_f64()
                    )
                } else {
                    String::new()
                };
                break format!(
                    "{name} (PID {}) did not exit within {timeout:?}, and the server is still \
                     running{pace}",
                    sender.pid()
                );
            }
        };
        Err(format!(
            "{why}\nserver stderr: {:?}\nsender stdout so far: {:?}\nsender stderr so far: {:?}",
            self.process.stderr.text(),
            sender.stdout.text(),
            sender.stderr.text()
        ))
    }

    /// Note that `sender` exited with `status` (for [`Server::expect_message`]), once its
    /// output is collected.
    fn sender_exited(&self, sender: &Process, status: ExitStatus) -> ExitStatus {
        sender.drain();
        *self.last_sender.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), status));
        status
    }

    /// Wait until the server's stderr contains `needle`.
    pub fn expect_stderr(&self, needle: &str) -> String {
        self.process
            .stderr
            .wait_for_text(needle, Instant::now() + DEADLINE)
            .unwrap_or_else(|so_far| {
                panic!("expected the server's stderr to contain {needle:?}, got {so_far:?}")
            })
    }

    /// Send `signal` to the server (a process this test started). SIGUSR1 and SIGUSR2
    /// come from a stranger, a process of its own: a server that answers whoever
    /// signalled it must not answer the test process, which the answer would kill.
    pub fn signal(&self, signal: Signal) {
        self.assert_still_ours();
        if matches!(signal, Signal::SIGUSR1 | Signal::SIGUSR2) {
            self.strangers.send(self.pid, signal);
        } else {
            // The PID the server printed may be a descendant of the process the test
            // started, which that process reaps: pinned by a pidfd, not merely checked.
            assert!(
                procfs::signal_if_descendant(self.pid, self.process.pid(), signal),
                "cannot send {signal} to PID {}: it ended, or is no longer the server this \
                 test started",
                self.pid
            );
        }
    }

    /// Wait (see [`Server::wait_for_sender`]) until `sender` exits, and fail unless it
    /// exits 0. `who` names it in the failure (`the client whose knock was wiped out`).
    pub fn expect_exit_success(&self, sender: &Process, who: &str) {
        let status = self
            .wait_for_sender(sender, DEADLINE)
            .unwrap_or_else(|why| panic!("{who}: {why}"));
        assert!(
            status.success(),
            "{who} exited ({status}); its stderr: {:?}",
            sender.stderr.text()
        );
    }

    /// A PID is only ours while the process we started has not been reaped (until then
    /// it cannot be reused) and the PID the server printed still descends from it. And a
    /// server that has exited can show nothing more: a test that looks at it fails at
    /// once, with the server's status and last words, instead of waiting in vain.
    fn assert_still_ours(&self) {
        if let Some(status) = self.process.try_status() {
            self.process.drain();
            panic!(
                "the server exited ({status}) during the test\nserver stderr: {:?}",
                self.process.stderr.text()
            );
        }
        assert!(
            !self.process.is_reaped(),
            "the server was already killed and reaped: its PID {} may belong to someone else now",
            self.pid
        );
        assert!(
            procfs::is_descendant_of(self.pid, self.process.pid()),
            "PID {} is no longer the server this test started",
            self.pid
        );
    }

    /// Stop the server with SIGSTOP and wait until the kernel reports it stopped. A stopped
    /// process handles no signal: what arrives stays pending, and the test can read it.
    pub fn stop(&self) {
        self.signal(Signal::SIGSTOP);
        procfs::wait_for_state(self.pid, 'T', STARTUP);
    }

    /// Let a stopped server go on, and wait until it has taken the SIGUSR1 and SIGUSR2
    /// that arrived while it was stopped. Until then, a new client's first signal could
    /// find one of them still pending and be discarded: a race of the test, not of the
    /// server.
    pub fn resume(&self) {
        self.signal(Signal::SIGCONT);
        procfs::poll(
            STARTUP,
            "the resumed server to take its pending signals",
            || {
                // A server that died of what it took (a panic, a crash) takes nothing more:
                // say so now, not at the deadline.
                self.assert_still_ours();
                let pending = procfs::pending(self.pid)?;
                let taken =
                    !pending.contains(Signal::SIGUSR1) && !pending.contains(Signal::SIGUSR2);
                (taken && procfs::state(self.pid)? != 'T').then_some(())
            },
        );
    }

    /// Signals pending for the server right now, from `/proc`.
    pub fn pending_signals(&self) -> procfs::SignalMask {
        self.assert_still_ours();
        procfs::pending(self.pid).expect("the server is running")
    }

    /// The high-water mark of the server's resident memory, in kB (see
    /// [`procfs::peak_rss_kb`]).
    pub fn peak_rss_kb(&self) -> u64 {
        self.assert_still_ours();
        procfs::peak_rss_kb(self.pid).expect("the server is running")
    }

    /// The high-water mark of the server's virtual memory, in kB: it shows a reservation
    /// even before a page of it is touched (see [`procfs::peak_virtual_kb`]).
    pub fn peak_virtual_kb(&self) -> u64 {
        self.assert_still_ours();
        procfs::peak_virtual_kb(self.pid).expect("the server is running")
    }

    /// Wait until at least one signal is pending for the server (useful while it is
    /// stopped with SIGSTOP: it proves that a sender has started sending).
    pub fn wait_for_pending(&self, timeout: Duration) -> procfs::SignalMask {
        procfs::poll(timeout, "a signal pending for the server", || {
            Some(self.pending_signals()).filter(|pending| !pending.is_empty())
        })
    }

    /// [`Server::wait_for_pending`] for a signal that `sender` sends to a stopped server:
    /// fails at once if the sender exits with nothing pending (it will send nothing more),
    /// rather than at the deadline, and shows what the sender said.
    pub fn wait_for_pending_from(&self, sender: &Process, timeout: Duration) -> procfs::SignalMask {
        procfs::poll(timeout, "a signal pending for the server", || {
            // The sender first: if it had exited by then, what it sent is pending by now.
            let exited = sender.try_status();
            let pending = self.pending_signals();
            if !pending.is_empty() {
                return Some(pending);
            }
            if let Some(status) = exited {
                sender.drain();
                panic!(
                    "{} (PID {}) exited ({status}) before any signal of it was pending for the \
                     server\nits stdout: {:?}\nits stderr: {:?}",
                    sender.program(),
                    sender.pid(),
                    sender.stdout.text(),
                    sender.stderr.text()
                );
            }
            None
        })
    }

    /// Fail with a diagnosis first (what the server did, in one or two lines), then the
    /// difference and the server's stderr.
    fn fail(&self, expected: &[u8], got: &[u8], why: &str, meaning: Option<&str>) -> ! {
        let matching = expected.iter().zip(got).take_while(|(e, g)| e == g).count();
        let n = expected.len();
        let printed = if matching == got.len() {
            format!("{matching} of its {n} bytes")
        } else {
            format!("{matching} of its {n} bytes right, then a wrong byte")
        };
        let diagnosis = if why.starts_with("the client exited (exit status: 0)") {
            format!(
                "the client exited 0, but the server printed {printed}: either the client \
                 reports a success it did not verify, or the server keeps what it prints in a \
                 buffer (its stdout is a pipe here, not a terminal: flush it)"
            )
        } else if why.starts_with("the client exited") {
            format!("{why}; of the message, the server printed {printed}")
        } else if why == "the server printed something else" {
            format!("the server printed {printed} of the message")
        } else {
            format!("{why}; of the message, the server had printed {printed}")
        };
        let diagnosis = match meaning {
            Some(meaning) => format!("{meaning} ({diagnosis})"),
            None => diagnosis,
        };
        panic!(
            "{diagnosis}\nexpected next: {:?}\n{}\nserver stderr: {:?}",
            String::from_utf8_lossy(&expected[..expected.len().min(80)]),
            describe_mismatch(expected, got),
            self.process.stderr.text()
        )
    }
}

/// The note for a server that prints no newline after a message.
fn no_newline_after_a_message() {
    report::note(
        "your server prints a message without a newline after it: the workbook's servers end \
         each with one (the subject does not ask for it; messages are compared as a stream)",
    );
}

/// How the kit, the benchmark and the tracer read a server's PID line: one home,
/// `minitalk_common::pid_line`.
pub use minitalk_common::pid_line::{pid_in_first_line, started_pid_in_first_line, strip_ansi};
