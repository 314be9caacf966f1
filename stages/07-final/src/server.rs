//! The server's decisions: whose turn it is, which signals are bits or chunks, which are
//! noise. Stage 06's server, plus the payload mode (one chunk in flight, or two), a quiet
//! setting, following a pinned client to its CPU, and an orderly stop on SIGTERM and
//! SIGINT (see [`Server::run`]).
//!
//! It serves **one client at a time**. Standard signals coalesce: while a SIGUSR1 is
//! pending, another SIGUSR1 is discarded, whoever sent it. So a client first *knocks*;
//! the server gives the turn to one client (`ACK` 0) and tells the others to wait in line
//! ([`Notice::Wait`]). Only the client whose turn it is sends its frame, and only its
//! signals count. A signal wiped out by a knock or a stray signal is sent again by the
//! client; the server recognises a copy of what it already holds and drops it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use minitalk_common::exit::program_name;
use minitalk_common::raw::write_all;
use minitalk_common::target;
use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::affinity::Follower;
use crate::frame::{ByteBuilder, FrameReceiver, Pushed};
use crate::protocol::{
    ACK, Knock, Mode, NOTICE, Notice, ONE, Refusal, TICK_PERIOD, Tag, chunk_signal,
};
use crate::signals::{Event, Received, Signals, send, tick_every};

/// After this long without a bit, the server checks whether the client still exists.
const LIVENESS_CHECK_AFTER: Duration = Duration::from_millis(50);
/// How many finished clients the server remembers, to say "done" again (see
/// `Server::recently_done`).
const RECENTLY_DONE: usize = 64;

/// The server's settings.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// How long a client may stay silent during its turn before it loses it.
    pub timeout: Duration,
    /// The longest message accepted.
    pub max_bytes: u64,
    /// Report only problems (refusals, drops, unanswered knocks), not every message.
    pub quiet: bool,
}

/// Everything the server knows.
pub struct Server {
    signals: Signals,
    config: Config,
    /// The client whose turn it is, if any.
    turn: Option<Turn>,
    /// Clients that knocked during someone else's turn, first come first served, with
    /// the mode each asked for. Each was checked with [`target::check`] when it knocked.
    line: VecDeque<(Pid, Mode)>,
    /// Signals that were neither part of the current turn nor a knock, since the last
    /// report.
    noise: u64,
    ticking: bool,
    /// The clients told "done" last, newest first, each with the value of the signal
    /// that completed its message (the last bit's index, or the last chunk). If a
    /// SIGUSR2 was pending at such a client (a stranger's, or one of our answers still
    /// unread), our "done" merged with it and was lost; the client then sends that
    /// signal again, and gets "done" again instead of being ignored. Several are kept:
    /// with clients in line, the next turn may well be over before the resend comes.
    recently_done: VecDeque<(Pid, u64)>,
    /// Takes us to the CPU of a client that runs on one CPU, for its turn.
    follower: Follower,
    /// The first SIGTERM or SIGINT, once it came: we finish the turn in progress, if any,
    /// serve nobody after it, and stop.
    stopping: Option<StopRequest>,
}

/// A stop request: which signal, and who sent it (`si_pid`, filled in by the kernel for
/// `kill(2)`).
#[derive(Clone, Copy, Debug)]
struct StopRequest {
    signal: Signal,
    sender: Pid,
}

/// One client's turn.
struct Turn {
    client: Pid,
    mode: Mode,
    /// The index of the bit (classic) or chunk (payload) we want next.
    next: u64,
    bits: ByteBuilder,
    frame: FrameReceiver,
    /// `next` at the previous tick, and since when it has not moved.
    next_at_tick: u64,
    quiet_since: Instant,
    /// Two in flight: chunk `next + 1`, come before chunk `next` (its frame bits).
    ahead: Option<u64>,
    /// Two in flight: `next` as we last said it (0: "your turn").
    answered: u64,
}

/// How a frame ended.
enum Ending {
    /// The checksum matched: the message, followed by its newline, to print.
    Verified(Vec<u8>),
    Refused(Refusal, String),
}

impl Server {
    /// A server that takes its signals from `signals` (blocked before our PID was shown).
    pub fn new(signals: Signals, config: Config) -> Server {
        Server {
            signals,
            config,
            turn: None,
            line: VecDeque::new(),
            noise: 0,
            ticking: false,
            recently_done: VecDeque::new(),
            follower: Follower::new(),
            stopping: None,
        }
    }

    // ANCHOR: run
    /// Serve until SIGTERM or SIGINT, then return: the caller exits 0.
    ///
    /// The stop request is read from the same signalfd as the clients' signals, so it
    /// is simply the next event: between turns it stops the loop at once; during a turn
    /// the loop goes on until that turn ends (the message printed whole, or refused, or
    /// its client dropped by the timeout of a silent turn), and stops then.
    pub fn run(&mut self) {
        while self.stopping.is_none() || self.turn.is_some() {
            let event = self.signals.wait();
            self.handle(event);
        }
        let StopRequest { signal, sender } = self.stopping.expect("asked to stop");
        let waiting = match self.line.len() {
            0 => String::new(),
            n => format!("; {n} client(s) in line not served"),
        };
        log(format_args!(
            "stopped by {signal} from PID {sender}{waiting}"
        ));
    }

    /// SIGTERM or SIGINT from `sender`.
    fn on_stop(&mut self, request: StopRequest) {
        let StopRequest { signal, sender } = request;
        let Some(turn) = &self.turn else {
            // Between turns nothing is half done: stop now.
            self.stopping = Some(request);
            return;
        };
        if self.stopping.is_some() {
            // A second request while we finish: whoever sends it wants us gone now, not
            // in a timeout's time. Drop the partial message (nothing of it was printed)
            // and stop; its client learns that we are gone as from any dead server.
            let what = turn.partial();
            self.turn = None;
            self.follower.leave();
            return log(format_args!(
                "{signal} again from PID {sender}: stopping now, dropped {what}"
            ));
        }
        self.stopping = Some(request);
        log(format_args!(
            "{signal} from PID {sender}: finishing the message of PID {} in flight, then \
             stopping",
            turn.client
        ));
    }
    // ANCHOR_END: run

    /// React to one event.
    fn handle(&mut self, event: Event) {
        let got = match event {
            Event::Tick => return self.on_tick(),
            Event::Stop { signal, sender } => return self.on_stop(StopRequest { signal, sender }),
            Event::Signal(got) => got,
        };
        // `kill(2)` carries no value. No minitalk client uses it, so a plain signal is
        // someone else's noise: counted, never answered.
        if !got.queued {
            self.noise += 1;
            return;
        }
        match &self.turn {
            Some(turn) if turn.client == got.sender => match turn.mode {
                Mode::Classic => self.on_bit(got),
                Mode::Payload => self.on_chunk(got),
                Mode::TwoInFlight => self.on_one_of_two(got),
            },
            _ => self.on_outsider(got),
        }
    }

    /// A queued signal from a process whose turn it is not: a knock, or noise.
    fn on_outsider(&mut self, got: Received) {
        match Knock::decode(got.value) {
            Some(knock) => self.on_knock(got.sender, knock),
            None if self.recently_done.contains(&(got.sender, got.value)) => {
                self.done_again(got.sender)
            }
            None => self.noise += 1,
        }
    }

    /// The last signal of a message we printed, sent again: our "done" was lost. Say it
    /// again, after the same check as for any PID we answer (`si_pid` of a queued signal
    /// is the sender's claim, and the client may have exited since).
    fn done_again(&mut self, client: Pid) {
        match target::check(client) {
            Ok(()) => {
                if !self.config.quiet {
                    log(format_args!(
                        "PID {client} sent its last signal again: done"
                    ));
                }
                let _ = send(client, NOTICE, Notice::Done.encode());
            }
            Err(why) => {
                self.recently_done.retain(|&(pid, _)| pid != client);
                log(format_args!("not answering PID {client}: {why}"));
            }
        }
    }

    /// Classic mode: one bit, the hot path.
    fn on_bit(&mut self, got: Received) {
        let turn = self.turn.as_mut().expect("called during a turn");
        if got.value != turn.next {
            // Not the bit we want: a copy of the one before, or of the knock. The client
            // sent it again because our answer was slow, or lost (see `answer`).
            return self.answer();
        }
        turn.next += 1;
        let Some(byte) = turn.bits.push(got.signal == ONE) else {
            return self.answer();
        };
        match self.push_byte(byte) {
            None => self.answer(),
            Some(ending) => self.end_frame(ending, got.value),
        }
    }

    // ANCHOR: on_chunk
    /// Payload mode: 64 bits of the frame in the value.
    fn on_chunk(&mut self, got: Received) {
        let turn = self.turn.as_mut().expect("called during a turn");
        if got.signal != chunk_signal(turn.next) {
            // The other signal number: a copy of the previous chunk (or of the knock,
            // for chunk 0), sent again because our answer was slow, or lost.
            return self.answer();
        }
        turn.next += 1;
        if got.signal == Signal::SIGUSR1 {
            self.drop_stale_copy();
        }
        for byte in got.value.to_be_bytes() {
            if let Some(ending) = self.push_byte(byte) {
                // The frame ended inside this chunk; the rest of it is padding.
                return self.end_frame(ending, got.value);
            }
        }
        self.answer()
    }

    /// Before answering a chunk that came with SIGUSR1, take out a SIGUSR2 copy of the
    /// previous chunk that may still be pending.
    ///
    /// Pending standard signals come out lowest number first, not oldest first: a late
    /// copy of chunk `n - 1` (SIGUSR2) can hide behind chunk `n` (SIGUSR1). Once we
    /// answer, the client sends chunk `n + 1`, also with SIGUSR2, and that hidden copy
    /// would pass for it. The other way round cannot happen: a pending SIGUSR1 always
    /// comes out first. And nothing from this client can be newer than chunk `n` until
    /// we answer it, so whatever SIGUSR2 of its is pending now is stale.
    fn drop_stale_copy(&mut self) {
        let client = self.turn.as_ref().map(|turn| turn.client);
        if let Some(Event::Signal(got)) = self.signals.take_pending(Signal::SIGUSR2)
            && (Some(got.sender) != client || !got.queued)
        {
            // Not the client's: treat it as if it had come out of the wait.
            self.noise += u64::from(!got.queued);
            if got.queued {
                self.on_outsider(got);
            }
        }
    }
    // ANCHOR_END: on_chunk

    // ANCHOR: on_one_of_two
    /// Payload mode, two in flight: 63 bits of the frame in the value, and which chunk it
    /// is (modulo 4) in the signal and the value's top bit ([`Tag`]).
    fn on_one_of_two(&mut self, got: Received) {
        let turn = self.turn.as_mut().expect("called during a turn");
        let (index, bits) = Tag::read(got.signal, got.value);
        match index.wrapping_sub(turn.next) % 4 {
            // The chunk we want; and the one after it, if it came first.
            0 => {
                let ahead = turn.ahead.take();
                for bits in std::iter::once(bits).chain(ahead) {
                    self.turn.as_mut().expect("a turn").next += 1;
                    if let Some(ending) = self.push_bits(bits, Tag::DATA_BITS) {
                        return self.end_frame(ending, got.value);
                    }
                }
                let turn = self.turn.as_ref().expect("a turn");
                // An answer "I hold every chunk below n" lets the client send up to
                // chunk n + 1. The one that would let it send nothing new (it may send
                // every chunk already) is left out: pending at the client, unread, it
                // could swallow the "done" that comes with the same signal.
                let last = turn.chunks().unwrap_or(u64::MAX) - 1;
                if (turn.next + 1).min(last) > turn.answered + 1 {
                    self.answer_two_in_flight(got.signal);
                }
            }
            // The chunk after it: keep it until the one we want comes.
            1 => turn.ahead = Some(bits),
            // A copy of one of the two before: we hold it. Say again what we hold.
            _ => self.answer_two_in_flight(got.signal),
        }
    }

    /// "I hold every chunk below `next`", with the signal of the chunk just taken: the
    /// next answer goes with the other one, so two answers in a row never merge.
    fn answer_two_in_flight(&mut self, signal: Signal) {
        let turn = self.turn.as_mut().expect("called during a turn");
        turn.answered = turn.next;
        // Before chunk 0 the copy is one of the knock: "your turn" was lost. Say it again
        // as it was said, untagged.
        let (signal, value) = match turn.next {
            0 => (ACK, 0),
            next => (signal, Tag::ack(next)),
        };
        if send(turn.client, signal, value).is_err() {
            let what = turn.partial();
            self.end_turn(None, Some(format!("dropped {what}: it is gone")));
        }
    }
    // ANCHOR_END: on_one_of_two

    /// Feed the lowest `count` bits of `bits`, highest first; `Some` when the frame has
    /// ended (the bits after its end are padding).
    fn push_bits(&mut self, bits: u64, count: u32) -> Option<Ending> {
        for shift in (0..count).rev() {
            let turn = self.turn.as_mut().expect("called during a turn");
            if let Some(byte) = turn.bits.push((bits >> shift) & 1 == 1)
                && let Some(ending) = self.push_byte(byte)
            {
                return Some(ending);
            }
        }
        None
    }

    /// Feed one byte of the frame; `Some` when the frame has ended.
    fn push_byte(&mut self, byte: u8) -> Option<Ending> {
        let turn = self.turn.as_mut().expect("called during a turn");
        match turn.frame.push(byte) {
            Pushed::More => None,
            Pushed::Length(length) => {
                if !self.config.quiet {
                    let mode = turn.mode.name();
                    log(format_args!(
                        "PID {}: receiving {length} bytes ({mode} mode)",
                        turn.client
                    ));
                }
                None
            }
            Pushed::TooLarge(length) => Some(Ending::Refused(
                Refusal::TooLarge,
                format!(
                    "refused {length} bytes announced by PID {} (the limit is {})",
                    turn.client, self.config.max_bytes
                ),
            )),
            Pushed::Complete(Ok(message)) => Some(Ending::Verified(message)),
            Pushed::Complete(Err(mismatch)) => Some(Ending::Refused(
                Refusal::Checksum,
                format!(
                    "refused the message of PID {}: checksum {:08x} sent, {:08x} computed; \
                     nothing printed",
                    turn.client, mismatch.sent, mismatch.computed
                ),
            )),
        }
    }

    /// End the turn after the frame's last byte; `last` is the value of the signal that
    /// carried it (kept to recognise a resend of it, see `recently_done`).
    fn end_frame(&mut self, ending: Ending, last: u64) {
        let client = self.turn.as_ref().expect("called during a turn").client;
        match ending {
            Ending::Verified(message) => {
                // What the server is for. One write for the message and its newline:
                // nothing can come between, and no other client's message can be
                // half-printed, since there is only ever one turn.
                write_all(1, &message);
                let length = message.len() - 1;
                self.recently_done.push_front((client, last));
                self.recently_done.truncate(RECENTLY_DONE);
                let report = (!self.config.quiet)
                    .then(|| format!("{length} bytes from PID {client}, checksum verified"));
                self.end_turn(Some(Notice::Done), report)
            }
            Ending::Refused(why, report) => self.end_turn(Some(Notice::Refused(why)), Some(report)),
        }
    }

    /// "Got it, send number `next`."
    ///
    /// A copy of something we already hold gets this answer again. Our first answer may
    /// have been slow (the client then ignores the second: it names an item it is
    /// past), or lost: a signal pending at the client wipes out our answer just as a
    /// stray signal here wipes out a bit. The client's resend, answered again, repairs
    /// that too.
    fn answer(&mut self) {
        let turn = self.turn.as_ref().expect("called during a turn");
        if send(turn.client, ACK, turn.next).is_err() {
            let what = turn.partial();
            self.end_turn(None, Some(format!("dropped {what}: it is gone")));
        }
    }

    /// A knock from a process whose turn it is not.
    fn on_knock(&mut self, client: Pid, knock: Knock) {
        if self.line.iter().any(|&(pid, _)| pid == client) {
            // Already checked and in line: it is asking whether we are still here.
            let _ = send(client, NOTICE, Notice::Wait.encode());
            return;
        }
        // Never signal a process we have not checked: if it neither catches nor blocks
        // SIGUSR1 and SIGUSR2, our answer would kill it. A stray sender may well be such
        // a process, and a knock costs nothing to forge.
        if let Err(why) = target::check(client) {
            return log(format_args!("not answering PID {client}: {why}"));
        }
        let Some(mode) = knock.mode() else {
            log(format_args!(
                "refused PID {client}: unknown mode {}",
                knock.mode
            ));
            let refusal = Notice::Refused(Refusal::UnsupportedMode);
            let _ = send(client, NOTICE, refusal.encode());
            return;
        };
        if self.turn.is_none() {
            return self.give_turn(client, mode);
        }
        self.line.push_back((client, mode));
        if !self.config.quiet {
            log(format_args!(
                "PID {client} waits in line ({} waiting)",
                self.line.len()
            ));
        }
        let _ = send(client, NOTICE, Notice::Wait.encode());
    }

    /// Start `client`'s turn: "send number 0".
    fn give_turn(&mut self, client: Pid, mode: Mode) {
        // It knocked again: it had its "done".
        self.recently_done.retain(|&(pid, _)| pid != client);
        self.turn = Some(Turn {
            client,
            mode,
            next: 0,
            bits: ByteBuilder::default(),
            frame: FrameReceiver::new(self.config.max_bytes),
            next_at_tick: 0,
            quiet_since: Instant::now(),
            ahead: None,
            answered: 0,
        });
        if mode == Mode::Classic {
            // A client that runs on one CPU asks, without a word, for us to come along.
            self.follower.follow(client);
        }
        if !self.ticking {
            tick_every(TICK_PERIOD);
            self.ticking = true;
        }
        if send(client, ACK, 0).is_err() {
            self.end_turn(None, Some(format!("PID {client} is gone before its turn")));
        }
    }

    /// End the current turn, tell the client `notice` if there is one, log `report` if
    /// there is one, and give the turn to the next client in line that is still there.
    fn end_turn(&mut self, notice: Option<Notice>, report: Option<String>) {
        let turn = self.turn.take().expect("called during a turn");
        self.follower.leave();
        if let Some(report) = report {
            log(format_args!("{report}"));
        }
        if let Some(notice) = notice {
            let _ = send(turn.client, NOTICE, notice.encode());
        }
        let noise = std::mem::take(&mut self.noise);
        if noise > 0 && !self.config.quiet {
            log(format_args!(
                "ignored {noise} stray signal(s) during that turn"
            ));
        }
        if self.stopping.is_some() {
            // Asked to stop: that was the last turn. The clients in line are left to
            // find out that we are gone, as they would if we had crashed.
            return;
        }
        while let Some((next, mode)) = self.line.pop_front() {
            // It was checked when it knocked; it may have exited since (and its PID
            // been reused by a process that would not survive our signal).
            match target::check(next) {
                Ok(()) => return self.give_turn(next, mode),
                Err(why) => log(format_args!("PID {next} left the line: {why}")),
            }
        }
    }

    /// The clock ticked: is the client whose turn it is still sending?
    fn on_tick(&mut self) {
        let Some(turn) = &mut self.turn else {
            // Nobody to watch: stop the clock until the next turn.
            tick_every(Duration::ZERO);
            self.ticking = false;
            return;
        };
        let now = Instant::now();
        if turn.next != turn.next_at_tick {
            turn.next_at_tick = turn.next;
            turn.quiet_since = now;
            return;
        }
        let quiet = now - turn.quiet_since;
        let what = turn.partial();
        if quiet >= LIVENESS_CHECK_AFTER && target::check(turn.client).is_err() {
            // Killed, or exited: gone, or a zombie. A zombie still passes `kill(pid, 0)` and
            // keeps its masks, so the check refuses it by its `State:` line.
            self.end_turn(None, Some(format!("dropped {what}: it is gone")))
        } else if quiet >= self.config.timeout {
            let timeout = self.config.timeout;
            self.end_turn(
                Some(Notice::Refused(Refusal::TimedOut)),
                Some(format!("dropped {what}: silent for {timeout:?}")),
            )
        }
    }
}

impl Turn {
    /// Two in flight: how many chunks the frame takes, once its length is known.
    fn chunks(&self) -> Option<u64> {
        let frame_len = self.frame.length()? as usize + crate::frame::OVERHEAD;
        Some(crate::frame::chunk_count_of(frame_len, Tag::DATA_BITS))
    }

    /// "a partial message (x of y bytes) from PID p", for the logs.
    fn partial(&self) -> String {
        let total = self
            .frame
            .length()
            .map_or_else(|| "?".to_owned(), |n| n.to_string());
        format!(
            "a partial message ({} of {total} bytes) from PID {}",
            self.frame.message_bytes(),
            self.client
        )
    }
}

/// One line on stderr, prefixed with the program's name.
fn log(what: std::fmt::Arguments) {
    eprintln!("{}: {what}", program_name());
}
