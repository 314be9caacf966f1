//! The client's side of the conversation: knock, wait for the turn, send every bit (or
//! every 64-bit chunk, or two chunks at a time) and send it again when the answer is late.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::protocol::{
    ACK, KEEP_ALIVE, KNOCK, Knock, Mode, NOTICE, Notice, ONE, RESEND_AFTER, RESEND_MAX, Refusal,
    TICK_PERIOD, Tag, ZERO, chunk_signal,
};
use crate::signals::{Event, Received, Signals, send, tick_every};
use crate::{affinity, frame};

/// Why a message was not delivered.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server did not answer for the whole timeout.
    Timeout { while_doing: &'static str },
    /// The server refused the message.
    Refused(Refusal),
    /// The server is gone: a signal to it failed with "no such process".
    Gone { while_doing: &'static str },
    /// A signal could not be sent for another reason.
    Send(nix::Error),
    /// The message does not fit in a frame (4 GiB or more).
    TooLong,
}

/// What a successful delivery took.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    /// The mode it went in: [`Mode::Payload`] when a server that does not know
    /// [`Mode::TwoInFlight`] refused it.
    pub mode: Mode,
    /// Signals sent, resends included.
    pub signals: u64,
    /// Signals sent again because an answer was late.
    pub resent: u64,
    /// Time spent waiting in line for other clients (`None` if the server was free).
    pub in_line: Option<Duration>,
    /// From our turn to the server's confirmation.
    pub transfer: Duration,
}

// ANCHOR: watcher
/// Someone who wants to know how the delivery goes: the progress bar, for example.
/// Every method does nothing unless overridden, and `()` overrides none: a client
/// without a progress bar pays nothing for this.
pub trait Watcher {
    /// The server is busy with another client: we wait in line.
    fn waiting_in_line(&mut self) {}
    /// Our turn has come; `bytes` of message will be sent.
    fn turn(&mut self, _bytes: u64) {}
    /// The server holds the first `bytes` bytes of the frame: 4 bytes of length, then
    /// the message, then 4 bytes of checksum (called once per byte in the classic mode,
    /// once per chunk in the payload mode).
    fn progress(&mut self, _bytes: u64) {}
}

impl Watcher for () {}
// ANCHOR_END: watcher

// ANCHOR: deliver
/// Deliver `message` to `server` in `mode`, giving up after `timeout` without an
/// answer. `signals` must have been blocked before anything else. In the classic mode,
/// `pin` moves us to the server's CPU first (see [`affinity`]).
pub fn deliver(
    signals: &Signals,
    server: Pid,
    message: &[u8],
    (mode, pin): (Mode, bool),
    timeout: Duration,
    watcher: &mut impl Watcher,
) -> Result<Delivery, Failure> {
    let frame = frame::encode(message).ok_or(Failure::TooLong)?;
    if pin && mode == Mode::Classic {
        // Before the knock: the server looks at where we run when it gives us the turn.
        affinity::join(server);
    }
    let mut link = Link::new(signals, server, timeout);
    tick_every(TICK_PERIOD);
    let knocked = Instant::now();
    let mode = link.take_turn(mode, watcher)?;
    let started = Instant::now();
    watcher.turn(message.len() as u64);
    match mode {
        Mode::Classic => link.send_bits(&frame, watcher)?,
        Mode::Payload => link.send_chunks(&frame, watcher)?,
        Mode::TwoInFlight => link.send_two_in_flight(&frame, watcher)?,
    }
    Ok(Delivery {
        mode,
        signals: link.signals_sent,
        resent: link.resent,
        in_line: link.waited.then(|| started - knocked),
        transfer: started.elapsed(),
    })
}
// ANCHOR_END: deliver

/// An answer from the server.
#[derive(Debug)]
enum Answer {
    Ack(u64),
    Notice(Notice),
}

/// One client's half of the conversation with the server.
struct Link<'s> {
    signals: &'s Signals,
    server: Pid,
    timeout: Duration,
    signals_sent: u64,
    resent: u64,
    /// How many items (bits or chunks) the server has confirmed.
    items_answered: u64,
    /// Whether the server told us to wait in line (we then knock slowly, to check it is
    /// still there).
    in_line: bool,
    /// Whether it ever did.
    waited: bool,
}

/// Whether [`Link::exchange`] sends its signal before it waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Send {
    /// The first time: send it, then wait.
    Now,
    /// Again after an answer that was not the one we wait for (stale, or "wait in
    /// line"): the signal went out already, so only wait (and resend when that is late).
    Later,
}

impl<'s> Link<'s> {
    fn new(signals: &'s Signals, server: Pid, timeout: Duration) -> Link<'s> {
        Link {
            signals,
            server,
            timeout,
            signals_sent: 0,
            resent: 0,
            items_answered: 0,
            in_line: false,
            waited: false,
        }
    }

    /// Knock until the server gives us the turn (`ACK` 0); returns the mode it accepted.
    fn take_turn(&mut self, mode: Mode, watcher: &mut impl Watcher) -> Result<Mode, Failure> {
        let knock = Knock::new(mode).encode();
        let mut send = Send::Now;
        loop {
            match self.exchange(KNOCK, knock, send, "waiting for our turn")? {
                Answer::Ack(0) => break,
                Answer::Notice(Notice::Wait) => {
                    // Knock again only now and then, to check the server is still there.
                    send = Send::Later;
                    self.in_line = true;
                    if !std::mem::replace(&mut self.waited, true) {
                        watcher.waiting_in_line();
                    }
                }
                // A server older than two chunks in flight: one at a time, then.
                Answer::Notice(Notice::Refused(Refusal::UnsupportedMode))
                    if mode == Mode::TwoInFlight =>
                {
                    return self.take_turn(Mode::Payload, watcher);
                }
                Answer::Notice(Notice::Refused(why)) => return Err(Failure::Refused(why)),
                // A late answer meant for something else: keep waiting.
                Answer::Ack(_) | Answer::Notice(Notice::Done) => send = Send::Later,
            }
        }
        self.in_line = false;
        // A "wait" answering one of our last knocks may still be pending. It was sent
        // before our turn began, so it is already here: take it now, before it could
        // merge with the "done" at the end (two pending SIGUSR2 are one).
        while self.signals.take_pending(NOTICE).is_some() {}
        Ok(mode)
    }

    // ANCHOR: send_bits
    /// Classic mode: every bit of the frame, each with its index, each answered before
    /// the next.
    fn send_bits(&mut self, frame: &[u8], watcher: &mut impl Watcher) -> Result<(), Failure> {
        let total = frame.len() as u64 * 8;
        for index in 0..total {
            let signal = if frame::bit(frame, index) { ONE } else { ZERO };
            self.send_until_answered(signal, index, index + 1 == total)?;
            if index % 8 == 7 {
                watcher.progress(index / 8 + 1);
            }
        }
        Ok(())
    }
    // ANCHOR_END: send_bits

    // ANCHOR: send_chunks
    /// Payload mode: the frame 64 bits at a time, in the value. The signal number
    /// alternates, so that the server can tell the chunk it asked for from a late copy
    /// of the previous one.
    fn send_chunks(&mut self, frame: &[u8], watcher: &mut impl Watcher) -> Result<(), Failure> {
        let total = frame::chunk_count(frame.len());
        for index in 0..total {
            let value = frame::chunk(frame, index);
            self.send_until_answered(chunk_signal(index), value, index + 1 == total)?;
            watcher.progress((8 * (index + 1)).min(frame.len() as u64));
        }
        Ok(())
    }
    // ANCHOR_END: send_chunks

    // ANCHOR: send_two_in_flight
    /// Payload mode, two in flight: chunk `n + 1` goes before chunk `n` is answered, on
    /// the other signal, so that the server takes one while we send the next. Each chunk
    /// carries 63 bits of the frame and, in its top bit, the second bit of its index
    /// ([`Tag`]). The server answers "I hold every chunk below `m`": that frees the
    /// chunks up to `m + 1`. When no answer comes, every chunk not yet answered is sent
    /// again, oldest first.
    fn send_two_in_flight(
        &mut self,
        frame: &[u8],
        watcher: &mut impl Watcher,
    ) -> Result<(), Failure> {
        let total = frame::chunk_count_of(frame.len(), Tag::DATA_BITS);
        let chunk = |index| Tag::chunk(index, frame::chunk_of(frame, index, Tag::DATA_BITS));
        // The server holds every chunk below `answered`; we sent every one below `sent`.
        let (mut answered, mut sent) = (0, 0);
        let mut started: Option<Instant> = None;
        let mut interval = RESEND_AFTER;
        let mut resend_at = interval;
        loop {
            while sent < total && sent < answered + 2 {
                let (signal, value) = chunk(sent);
                self.send(signal, value, "sending")?;
                sent += 1;
            }
            match self.signals.wait() {
                Event::Signal(got) => {
                    // The other signal's answer too, if it is pending, before anything is
                    // sent again: an answer left unread would swallow the next one that
                    // comes with its signal.
                    let other = match got.signal {
                        Signal::SIGUSR1 => Signal::SIGUSR2,
                        _ => Signal::SIGUSR1,
                    };
                    let also = match self.signals.take_pending(other) {
                        Some(Event::Signal(also)) => Some(also),
                        _ => None,
                    };
                    for got in std::iter::once(got).chain(also) {
                        match self.answer(got) {
                            // (An untagged ACK is the late "your turn": not an answer.)
                            Some(Answer::Ack(value)) => {
                                if let Some(next) = Tag::read_ack(value)
                                    && next > answered
                                    && next <= total
                                {
                                    answered = next;
                                    let bits = next * u64::from(Tag::DATA_BITS);
                                    watcher.progress((bits / 8).min(frame.len() as u64));
                                    // Progress: the clock of the resends starts again.
                                    (started, interval, resend_at) =
                                        (None, RESEND_AFTER, RESEND_AFTER);
                                }
                            }
                            // Only once every chunk went: an earlier "done" is a stale one.
                            Some(Answer::Notice(Notice::Done)) if sent == total => return Ok(()),
                            Some(Answer::Notice(Notice::Refused(why))) => {
                                return Err(Failure::Refused(why));
                            }
                            _ => {}
                        }
                    }
                }
                Event::Stop { .. } => unreachable!("the client leaves SIGTERM and SIGINT alone"),
                Event::Tick => {
                    let now = Instant::now();
                    let waited = now - *started.get_or_insert(now);
                    if waited >= self.timeout {
                        return Err(Failure::Timeout {
                            while_doing: "sending",
                        });
                    }
                    if waited >= resend_at {
                        for index in answered..sent {
                            let (signal, value) = chunk(index);
                            self.send(signal, value, "sending")?;
                            self.resent += 1;
                        }
                        interval = (interval * 2).min(RESEND_MAX);
                        resend_at = waited + interval;
                    }
                }
            }
        }
    }
    // ANCHOR_END: send_two_in_flight

    /// Send item `index` of the frame (a bit or a chunk) as `signal` with `value`, until
    /// the server answers "send `index + 1`", or, for the `last` one, "done".
    fn send_until_answered(
        &mut self,
        signal: Signal,
        value: u64,
        last: bool,
    ) -> Result<(), Failure> {
        // The index of the item is what the server will ask for next.
        let expected_next = self.items_answered + 1;
        let mut send = Send::Now;
        loop {
            match self.exchange(signal, value, send, "sending")? {
                Answer::Ack(next) if next == expected_next && !last => {
                    self.items_answered = next;
                    return Ok(());
                }
                Answer::Notice(Notice::Done) if last => return Ok(()),
                Answer::Notice(Notice::Refused(why)) => return Err(Failure::Refused(why)),
                // A stale answer: not about this item. Wait for the right one.
                _ => send = Send::Later,
            }
        }
    }

    // ANCHOR: exchange
    /// Send `signal` with `value` (unless `send` says it went out already), then wait
    /// for the server's answer. When none comes, send it again, waiting twice as long
    /// each time, until `timeout` has passed without any answer.
    fn exchange(
        &mut self,
        signal: Signal,
        value: u64,
        send: Send,
        while_doing: &'static str,
    ) -> Result<Answer, Failure> {
        if send == Send::Now {
            self.send(signal, value, while_doing)?;
        }
        // The clock is only read when the tick comes, not once per bit.
        let mut started: Option<Instant> = None;
        let mut interval = if self.in_line {
            KEEP_ALIVE
        } else {
            RESEND_AFTER
        };
        let mut resend_at = interval;
        loop {
            match self.signals.wait() {
                Event::Signal(got) => {
                    if let Some(answer) = self.answer(got) {
                        return Ok(answer);
                    }
                }
                Event::Stop { .. } => unreachable!("the client leaves SIGTERM and SIGINT alone"),
                Event::Tick => {
                    let now = Instant::now();
                    let waited = now - *started.get_or_insert(now);
                    if waited >= self.timeout {
                        return Err(Failure::Timeout { while_doing });
                    }
                    if waited >= resend_at {
                        self.send(signal, value, while_doing)?;
                        self.resent += 1;
                        if !self.in_line {
                            interval = (interval * 2).min(RESEND_MAX);
                        }
                        resend_at = waited + interval;
                    }
                }
            }
        }
    }
    // ANCHOR_END: exchange

    fn send(
        &mut self,
        signal: Signal,
        value: u64,
        while_doing: &'static str,
    ) -> Result<(), Failure> {
        self.signals_sent += 1;
        send(self.server, signal, value).map_err(|error| match error {
            nix::Error::ESRCH => Failure::Gone { while_doing },
            other => Failure::Send(other),
        })
    }

    /// The answer in `got`, if it is one: queued, and from the server. Anything else was
    /// not meant for us and is dropped.
    fn answer(&self, got: Received) -> Option<Answer> {
        if got.sender != self.server || !got.queued {
            return None;
        }
        // Two chunks in flight: an ACK may come with either signal, tagged.
        if got.signal == ACK || Tag::read_ack(got.value).is_some() {
            Some(Answer::Ack(got.value))
        } else {
            Notice::decode(got.value).map(Answer::Notice)
        }
    }
}
