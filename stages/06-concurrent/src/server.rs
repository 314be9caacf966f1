//! The server's decisions: whose turn it is, which signals are bits, which are noise.
//!
//! It serves **one client at a time**. Standard signals coalesce: while a SIGUSR1 is
//! pending, another SIGUSR1 is discarded, whoever sent it. Two clients sending bits at
//! once would keep destroying each other's bits. So a client first *knocks*; the server
//! gives the turn to one client (`ACK` 0) and tells the others to wait in line
//! ([`Notice::Wait`]). Only the client whose turn it is sends bits, and only its signals,
//! carrying the index of the bit the server asked for, count as bits.
//!
//! Knocks and stray signals can still land on a pending bit and wipe it out. That is
//! repaired by the client: it sends the bit again when no answer comes, and the index
//! lets the server drop a copy of a bit it already has.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use minitalk_common::exit::program_name;
use minitalk_common::raw::write_all;
use minitalk_common::target;
use nix::unistd::Pid;

use crate::frame::{ByteBuilder, FrameReceiver, Pushed};
use crate::protocol::{ACK, Knock, NOTICE, Notice, ONE, Refusal, TICK_PERIOD};
use crate::signals::{Event, Received, send, tick_every};

/// After this long without a bit, the server checks whether the client still exists.
const LIVENESS_CHECK_AFTER: Duration = Duration::from_millis(50);

/// The server's settings.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// How long a client may stay silent during its turn before it loses it.
    pub timeout: Duration,
    /// The longest message accepted.
    pub max_bytes: u64,
}

// ANCHOR: state
/// Everything the server knows.
pub struct Server {
    config: Config,
    /// The client whose turn it is, if any.
    turn: Option<Turn>,
    /// Clients that knocked during someone else's turn, first come first served. Each was
    /// checked with [`target::check`] when it knocked.
    line: VecDeque<Pid>,
    /// Signals that were neither a bit of the current turn nor a knock, since the last
    /// report.
    noise: u64,
    ticking: bool,
    /// The client told "done" last, and the index of its last bit. If a stray SIGUSR2
    /// was pending at that client, our "done" merged with it and was lost; the client
    /// then sends its last bit again, and gets "done" again instead of being ignored.
    last_done: Option<(Pid, u64)>,
}

/// One client's turn.
struct Turn {
    client: Pid,
    /// The index of the bit we want next (= how many bits we hold).
    next: u64,
    bits: ByteBuilder,
    frame: FrameReceiver,
    /// `next` at the previous tick, and since when it has not moved.
    next_at_tick: u64,
    quiet_since: Instant,
}
// ANCHOR_END: state

impl Server {
    pub fn new(config: Config) -> Server {
        Server {
            config,
            turn: None,
            line: VecDeque::new(),
            noise: 0,
            ticking: false,
            last_done: None,
        }
    }

    // ANCHOR: handle
    /// React to one event from [`crate::signals::Signals::wait`].
    pub fn handle(&mut self, event: Event) {
        let got = match event {
            Event::Tick => return self.on_tick(),
            Event::Signal(got) => got,
        };
        // `kill(2)` carries no value. No minitalk client of this stage uses it, so a
        // plain signal is someone else's noise: counted, never answered.
        if !got.queued {
            self.noise += 1;
            return;
        }
        if let Some(turn) = &self.turn
            && turn.client == got.sender
        {
            return self.on_bit(got);
        }
        match Knock::decode(got.value) {
            Some(knock) => self.on_knock(got.sender, knock),
            None if self.last_done == Some((got.sender, got.value)) => self.done_again(got.sender),
            None => self.noise += 1,
        }
    }
    // ANCHOR_END: handle

    /// The last bit of a message we printed, sent again: our "done" was lost. Say it
    /// again, after the same check as for any PID we answer (`si_pid` of a queued signal
    /// is the sender's claim, and the client may have exited since).
    fn done_again(&mut self, client: Pid) {
        match target::check(client) {
            Ok(()) => {
                log(format_args!("PID {client} sent its last bit again: done"));
                let _ = send(client, NOTICE, Notice::Done.encode());
            }
            Err(why) => {
                self.last_done = None;
                log(format_args!("not answering PID {client}: {why}"));
            }
        }
    }

    // ANCHOR: on_bit
    /// A signal from the client whose turn it is: the hot path, once per bit.
    fn on_bit(&mut self, got: Received) {
        let turn = self.turn.as_mut().expect("called during a turn");
        if got.value != turn.next {
            // Not the bit we want: a copy of the one before, or of the knock. The client
            // sent it again because our answer was slow, or lost (see `answer_bit`).
            return self.answer_bit();
        }
        turn.next += 1;
        let Some(byte) = turn.bits.push(got.signal == ONE) else {
            return self.answer_bit();
        };
        match turn.frame.push(byte) {
            Pushed::More => self.answer_bit(),
            Pushed::Length(length) => {
                log(format_args!(
                    "PID {}: receiving {length} bytes",
                    turn.client
                ));
                self.answer_bit()
            }
            Pushed::TooLarge(length) => {
                let (client, max) = (turn.client, self.config.max_bytes);
                self.end_turn(
                    Some(Notice::Refused(Refusal::TooLarge)),
                    format_args!(
                        "refused {length} bytes announced by PID {client} (the limit is {max})"
                    ),
                )
            }
            Pushed::Complete(Ok(message)) => {
                // One write for the message and its newline: nothing can come between,
                // and no other client's message can be half-printed, since there is
                // only ever one turn.
                write_all(1, &message);
                let (client, length) = (turn.client, message.len() - 1);
                self.last_done = Some((client, got.value));
                self.end_turn(
                    Some(Notice::Done),
                    format_args!("{length} bytes from PID {client}, checksum verified"),
                )
            }
            Pushed::Complete(Err(mismatch)) => {
                let client = turn.client;
                self.end_turn(
                    Some(Notice::Refused(Refusal::Checksum)),
                    format_args!(
                        "refused the message of PID {client}: checksum {:08x} sent, {:08x} \
                         computed; nothing printed",
                        mismatch.sent, mismatch.computed
                    ),
                )
            }
        }
    }

    /// "Got it, send bit number `next`."
    ///
    /// A copy of something we already hold gets this answer again. Our first answer may
    /// have been slow (the client then ignores the second: it names a bit it is past),
    /// or lost: a signal pending at the client wipes out our answer just as a stray
    /// signal here wipes out a bit. The client's resend, answered again, repairs that too.
    fn answer_bit(&mut self) {
        let turn = self.turn.as_ref().expect("called during a turn");
        if send(turn.client, ACK, turn.next).is_err() {
            let what = turn.partial();
            self.end_turn(None, format_args!("dropped {what}: it is gone"));
        }
    }
    // ANCHOR_END: on_bit

    // ANCHOR: on_knock
    /// A knock from a process whose turn it is not.
    fn on_knock(&mut self, client: Pid, knock: Knock) {
        if self.line.contains(&client) {
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
        if knock.mode().is_none() {
            log(format_args!(
                "refused PID {client}: unknown mode {}",
                knock.mode
            ));
            let _ = send(
                client,
                NOTICE,
                Notice::Refused(Refusal::UnsupportedMode).encode(),
            );
            return;
        }
        if self.turn.is_none() {
            return self.give_turn(client);
        }
        self.line.push_back(client);
        log(format_args!(
            "PID {client} waits in line ({} waiting)",
            self.line.len()
        ));
        let _ = send(client, NOTICE, Notice::Wait.encode());
    }

    /// Start `client`'s turn: "send bit 0".
    fn give_turn(&mut self, client: Pid) {
        if self.last_done.is_some_and(|(pid, _)| pid == client) {
            // It knocked again: it had its "done".
            self.last_done = None;
        }
        self.turn = Some(Turn {
            client,
            next: 0,
            bits: ByteBuilder::default(),
            frame: FrameReceiver::new(self.config.max_bytes),
            next_at_tick: 0,
            quiet_since: Instant::now(),
        });
        if !self.ticking {
            tick_every(TICK_PERIOD);
            self.ticking = true;
        }
        if send(client, ACK, 0).is_err() {
            self.end_turn(None, format_args!("PID {client} is gone before its turn"));
        }
    }

    /// End the current turn, tell the client `notice` if there is one, and give the turn
    /// to the next client in line that is still there.
    fn end_turn(&mut self, notice: Option<Notice>, what: std::fmt::Arguments) {
        let turn = self.turn.take().expect("called during a turn");
        log(what);
        if let Some(notice) = notice {
            let _ = send(turn.client, NOTICE, notice.encode());
        }
        if self.noise > 0 {
            log(format_args!(
                "ignored {} stray signal(s) during that turn",
                std::mem::take(&mut self.noise)
            ));
        }
        while let Some(next) = self.line.pop_front() {
            // It was checked when it knocked; it may have exited since (and its PID
            // been reused by a process that would not survive our signal).
            match target::check(next) {
                Ok(()) => return self.give_turn(next),
                Err(why) => log(format_args!("PID {next} left the line: {why}")),
            }
        }
    }
    // ANCHOR_END: on_knock

    // ANCHOR: on_tick
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
            self.end_turn(None, format_args!("dropped {what}: it is gone"))
        } else if quiet >= self.config.timeout {
            let timeout = self.config.timeout;
            self.end_turn(
                Some(Notice::Refused(Refusal::TimedOut)),
                format_args!("dropped {what}: silent for {timeout:?}"),
            )
        }
    }
    // ANCHOR_END: on_tick
}

impl Turn {
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
