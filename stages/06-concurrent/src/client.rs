//! The client's side of the conversation: knock, wait for the turn, send every bit with
//! its index, and send it again when the answer is late.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::frame;
use crate::protocol::{
    ACK, KEEP_ALIVE, KNOCK, Knock, Mode, NOTICE, Notice, ONE, RESEND_AFTER, RESEND_MAX, Refusal,
    TICK_PERIOD, ZERO,
};
use crate::signals::{Event, Received, Signals, send, tick_every};

/// Why a message was not delivered.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server did not answer for the whole timeout.
    Timeout {
        waited: Duration,
        while_doing: &'static str,
    },
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
#[derive(Debug, Default, Clone, Copy)]
pub struct Delivery {
    /// Signals sent, resends included.
    pub signals: u64,
    /// Signals sent again because an answer was late.
    pub resent: u64,
    /// Whether we had to wait in line for another client.
    pub waited_in_line: bool,
}

// ANCHOR: deliver
/// Deliver `message` to `server`, giving up after `timeout` without an answer.
/// `signals` must have been blocked before anything else. `on_waiting` is called once
/// if the server puts us in line.
pub fn deliver(
    signals: &Signals,
    server: Pid,
    message: &[u8],
    timeout: Duration,
    on_waiting: impl FnOnce(),
) -> Result<Delivery, Failure> {
    let frame = frame::encode(message).ok_or(Failure::TooLong)?;
    send_frame(signals, server, &frame, timeout, on_waiting)
}

/// Deliver an already encoded frame (`stage06-forge` hands over broken ones).
pub fn send_frame(
    signals: &Signals,
    server: Pid,
    frame: &[u8],
    timeout: Duration,
    on_waiting: impl FnOnce(),
) -> Result<Delivery, Failure> {
    let mut link = Link::new(signals, server, timeout);
    tick_every(TICK_PERIOD);

    // 1. Knock until the server gives us the turn (`ACK` 0).
    let knock = Knock::new(Mode::Classic).encode();
    let mut on_waiting = Some(on_waiting);
    loop {
        match link.exchange(KNOCK, knock, "waiting for our turn")? {
            Answer::Ack(0) => break,
            Answer::Notice(Notice::Wait) => {
                // Knock again only to check that the server is still there.
                link.resend_now = false;
                link.in_line = true;
                link.delivery.waited_in_line = true;
                if let Some(call) = on_waiting.take() {
                    call();
                }
            }
            Answer::Notice(Notice::Refused(why)) => return Err(Failure::Refused(why)),
            // A late answer meant for something else: keep waiting.
            Answer::Ack(_) | Answer::Notice(Notice::Done) => link.resend_now = false,
        }
    }
    link.in_line = false;
    // A "wait" answering one of our last knocks may still be pending. It was sent before
    // our turn began, so it is already here: take it now, before it could merge with
    // the "done" at the end (two pending SIGUSR2 are one).
    while signals.take_pending(NOTICE).is_some() {}

    // 2. Every bit, each with its index, each answered before the next.
    let total = frame.len() as u64 * 8;
    for index in 0..total {
        let signal = if frame::bit(frame, index) { ONE } else { ZERO };
        let last = index + 1 == total;
        loop {
            match link.exchange(signal, index, "sending")? {
                Answer::Ack(next) if next == index + 1 && !last => break,
                Answer::Notice(Notice::Done) if last => return Ok(link.delivery),
                Answer::Notice(Notice::Refused(why)) => return Err(Failure::Refused(why)),
                // A stale answer: not about this bit. Wait for the right one.
                _ => link.resend_now = false,
            }
        }
    }
    unreachable!("the last bit is answered with Done or Refused")
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
    delivery: Delivery,
    /// Whether the server told us to wait in line (we then knock slowly, to check it is
    /// still there).
    in_line: bool,
    /// False when `exchange` is called again for the same signal after a stale answer:
    /// the signal is then not sent again at once.
    resend_now: bool,
}

impl<'s> Link<'s> {
    fn new(signals: &'s Signals, server: Pid, timeout: Duration) -> Link<'s> {
        Link {
            signals,
            server,
            timeout,
            delivery: Delivery::default(),
            in_line: false,
            resend_now: true,
        }
    }

    // ANCHOR: exchange
    /// Send `signal` with `value`, then wait for the server's answer. When none comes,
    /// send it again, waiting twice as long each time, until `timeout` has passed
    /// without any answer.
    fn exchange(
        &mut self,
        signal: Signal,
        value: u64,
        while_doing: &'static str,
    ) -> Result<Answer, Failure> {
        if std::mem::replace(&mut self.resend_now, true) {
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
                Event::Tick => {
                    let now = Instant::now();
                    let waited = now - *started.get_or_insert(now);
                    if waited >= self.timeout {
                        return Err(Failure::Timeout {
                            waited,
                            while_doing,
                        });
                    }
                    if waited >= resend_at {
                        self.send(signal, value, while_doing)?;
                        self.delivery.resent += 1;
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
        self.delivery.signals += 1;
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
        if got.signal == ACK {
            Some(Answer::Ack(got.value))
        } else {
            Notice::decode(got.value).map(Answer::Notice)
        }
    }
}
