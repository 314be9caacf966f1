//! From the kernel's events to decoded [`Signal`]s, one at a time: nothing is kept but the
//! few signals still pending, so a trace of millions of events streams through.
//!
//! Two jobs. **Isolation**: an event whose sender or target is not one of the run's
//! processes is dropped here, whatever the kernel's filters let through (they should let
//! nothing through; this is the second lock on the door). **Meaning**: each signal is
//! decoded with the stage's [`Protocol`], and paired with the moment its target took it.

use std::collections::{HashMap, VecDeque};

use crate::event::{Event, Kind, TakenBy};
use crate::protocol::{Answers, Flight, Protocol};
use crate::record::{Cast, Meaning, Role, Signal};

/// Where one client is in its conversation with the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Phase {
    /// Stages 06-07: knocking, not yet given the turn. Other stages start in `Sending`.
    #[default]
    Knocking,
    Sending,
    /// Done or refused: what follows is out of turn.
    Over,
}

#[derive(Clone, Copy, Debug, Default)]
struct Conversation {
    phase: Phase,
    /// The index of the next item the client will send.
    next: u64,
    /// The index of the last item the client sent, and whether an answer came since.
    last_sent: Option<u64>,
    answered: bool,
    /// Stages 06-07: whether the client has knocked yet.
    knocked: bool,
    /// Stage 07's payload mode: one chunk in flight or two, once the trace has shown it
    /// (see [`Flight`]); `None` until then.
    flight: Option<Flight>,
    /// Two chunks in flight: where the chunks are (kept from the turn on, until the
    /// trace shows one in flight).
    two: TwoInFlight,
}

/// Two chunks in flight, as far as the trace shows it.
///
/// The trace shows neither a signal's value (its index tag, or the number an answer
/// says) nor when the server reads a signal from its `signalfd`. What it shows is the
/// order of the signals, and that is enough, given the rules of the client
/// (`stage_07::client`, `send_two_in_flight`): it sends chunk `n` only once the server
/// has answered "I hold every chunk below `n - 1`", each chunk with the signal of its
/// index's parity ([`stage_07::protocol::chunk_signal`]); when no answer comes for
/// [`stage_07::protocol::RESEND_AFTER`], it sends the (at most two) unanswered chunks
/// again, oldest first. And of the server (`on_one_of_two`): an answer goes with the
/// signal of the chunk it just took, and says how many chunks it holds in a row.
#[derive(Clone, Copy, Debug, Default)]
struct TwoInFlight {
    /// Every chunk below `sent` went out at least once.
    sent: u64,
    /// Every chunk below `prefix` reached the server's pending set; bit `i` of `beyond`:
    /// chunk `prefix + 1 + i` did too.
    prefix: u64,
    beyond: u64,
    /// The latest chunk that reached the server with SIGUSR1, and with SIGUSR2.
    last_on: [Option<u64>; 2],
    /// The answers so far say that the server holds every chunk below `said`.
    said: u64,
    /// A new answer came since the client's last signal.
    freed: bool,
    /// When the client sent its last signal.
    last_ns: u64,
}

impl TwoInFlight {
    fn slot(sig: i32) -> usize {
        usize::from(sig == stage_07::protocol::chunk_signal(0) as i32)
    }

    /// Chunk `index` reached the server's pending set.
    fn arrived(&mut self, index: u64, sig: i32) {
        self.last_on[Self::slot(sig)] = Some(index);
        if index == self.prefix {
            self.prefix += 1;
            loop {
                let next_too = self.beyond & 1 == 1;
                self.beyond >>= 1;
                if !next_too {
                    break;
                }
                self.prefix += 1;
            }
        } else if index > self.prefix && index - self.prefix - 1 < 64 {
            self.beyond |= 1 << (index - self.prefix - 1);
        }
    }

    /// Which chunk the client's signal `sig`, sent at `time_ns`, is; `true` if it is a
    /// first send. `total`: the frame's chunks, if the message is known.
    fn client_sent(&mut self, sig: i32, time_ns: u64, total: Option<u64>) -> (u64, bool) {
        use stage_07::protocol::{RESEND_AFTER, chunk_signal};
        // The client may send chunk `sent` once it was told the server holds every chunk
        // below `sent - 1`. A resend of chunk `sent - 2` comes with the same signal: it
        // is told apart by the moment. A first send follows a new answer (or the first
        // send of the chunk before, when an answer freed two); a resend comes after
        // RESEND_AFTER without progress.
        let may_send = chunk_signal(self.sent) as i32 == sig
            && total.is_none_or(|total| self.sent < total)
            && self.sent < self.said + 2;
        let prompt = self.freed
            || self.sent < 2
            || time_ns.saturating_sub(self.last_ns) < RESEND_AFTER.as_nanos() as u64 / 2;
        self.freed = false;
        self.last_ns = time_ns;
        if may_send && prompt {
            self.sent += 1;
            return (self.sent - 1, true);
        }
        // A resend: one of the two chunks before `sent`, the one of this signal.
        let index = match self.sent {
            0 => 0,
            sent if chunk_signal(sent - 1) as i32 == sig => sent - 1,
            sent => sent.saturating_sub(2),
        };
        (index, false)
    }

    /// What the server's answer with `sig` says: `Some(index)` "I hold every chunk up to
    /// `index`" if that is news, `None` if it says again what an earlier answer said.
    fn server_answered(&mut self, sig: i32) -> Option<u64> {
        // The answer goes with the signal of the chunk just taken: the latest one that
        // came with `sig`, `k`. After it the server holds at most `k + 1` chunks, or
        // `k + 2` when chunk `k + 1` (SIGUSR1) came first and waited: a pending SIGUSR1
        // is read before a pending SIGUSR2, so only an even `k` can have one waiting.
        // And never more than the chunks that reached it in a row.
        let holds = match self.last_on[Self::slot(sig)] {
            None => self.said,
            Some(k) if Self::slot(sig) == 1 => self.prefix.min(k + 2),
            Some(k) => self.prefix.min(k + 1),
        };
        if holds > self.said {
            self.said = holds;
            self.freed = true;
            Some(holds - 1)
        } else {
            None
        }
    }
}

/// Decodes a stream of events for one run.
pub struct Decoder {
    cast: Cast,
    protocol: Protocol,
    conversations: Vec<Conversation>,
    next_id: u64,
    /// Signals not yet handed out, in order; `true` once nothing more will be learnt.
    waiting: VecDeque<(Signal, bool)>,
    /// (target lane, signal number) -> id of the signal pending there.
    pending: HashMap<(usize, i32), u64>,
    /// Events dropped because they involve a process outside the run.
    foreign: u64,
}

impl Decoder {
    pub fn new(cast: Cast, protocol: Protocol) -> Decoder {
        let mut decoder = Decoder {
            cast,
            protocol,
            conversations: Vec::new(),
            next_id: 0,
            waiting: VecDeque::new(),
            pending: HashMap::new(),
            foreign: 0,
        };
        decoder.conversations = vec![decoder.fresh(); decoder.cast.lanes.len()];
        decoder
    }

    /// A conversation that has not begun: knocking first where the protocol has turns.
    fn fresh(&self) -> Conversation {
        Conversation {
            phase: match self.protocol.answers {
                Answers::Turns { .. } => Phase::Knocking,
                _ => Phase::Sending,
            },
            ..Conversation::default()
        }
    }

    pub fn cast(&self) -> &Cast {
        &self.cast
    }

    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// A process of the run, known from now on.
    pub fn add(&mut self, role: Role, pid: i32, message: Option<Vec<u8>>) -> usize {
        let lane = self.cast.add(role, pid, message);
        self.conversations
            .resize(self.cast.lanes.len(), self.fresh());
        lane
    }

    /// Give the process `pid` another role (a wrapper turned out not to be the server).
    pub fn relabel(&mut self, pid: i32, role: Role) {
        if let Some(lane) = self.cast.lanes.iter_mut().find(|l| l.pid == pid) {
            lane.role = role;
        }
    }

    /// Give `pid` the role, adding it to the cast if it is not there yet.
    pub fn relabel_or_add(&mut self, pid: i32, role: Role) {
        if self.cast.lanes.iter().any(|l| l.pid == pid) {
            self.relabel(pid, role);
        } else {
            self.add(role, pid, None);
        }
    }

    /// Say that thread `tid` belongs to process `pid` (before its first event).
    pub fn thread(&mut self, tid: i32, pid: i32) {
        self.cast.thread(tid, pid);
    }

    /// Events seen that involved a process outside the run (and were dropped).
    pub fn foreign(&self) -> u64 {
        self.foreign
    }

    /// Take in one event; hand every signal that is complete to `out`, in order.
    pub fn push(&mut self, event: &Event, out: &mut impl FnMut(Signal)) {
        match event.kind {
            Kind::Fork { child } => {
                self.cast.forked(event.tid, child);
                self.conversations
                    .resize(self.cast.lanes.len(), self.fresh());
            }
            Kind::Exit => {
                if let Some(lane) = self.cast.lanes.iter().position(|l| l.pid == event.tid) {
                    self.cast.lanes[lane].exited_ns = Some(event.time_ns);
                    let gone: Vec<u64> = self
                        .pending
                        .iter()
                        .filter(|((to, _), _)| *to == lane)
                        .map(|(_, &id)| id)
                        .collect();
                    self.pending.retain(|(to, _), _| *to != lane);
                    for id in gone {
                        self.settle(id, None);
                    }
                }
            }
            Kind::Taken { sig, by } => {
                let Some(lane) = self.cast.lane_of(event.tid) else {
                    self.foreign += 1;
                    return;
                };
                // A signal taken with nothing of ours pending came from outside the run
                // (or the kernel): it is not shown.
                if let Some(id) = self.pending.remove(&(lane, sig)) {
                    self.settle(id, Some((event.time_ns, by)));
                }
            }
            Kind::Generate {
                sig,
                code,
                target,
                outcome,
            } => {
                let (Some(from), Some(to)) =
                    (self.cast.lane_of(event.tid), self.lane_of_target(target))
                else {
                    self.foreign += 1;
                    return;
                };
                let id = self.next_id;
                self.next_id += 1;
                let meaning = self.meaning(from, to, sig, code, (event.time_ns, outcome));
                let part = match (meaning, &self.cast.lanes[from].message) {
                    (Meaning::Item { index, .. } | Meaning::Resend { index, .. }, Some(m))
                        if !matches!(
                            self.protocol.answers,
                            Answers::Turns { payload: true, .. }
                        ) =>
                    {
                        Some(self.protocol.part(index, m.len() as u64))
                    }
                    _ => None,
                };
                let signal = Signal {
                    id,
                    time_ns: event.time_ns,
                    from,
                    to,
                    sig,
                    sigqueue: code == -1,
                    outcome,
                    meaning,
                    part,
                    taken: None,
                    answered_ns: None,
                };
                if matches!(self.protocol.answers, Answers::Turns { payload: true, .. }) {
                    match meaning {
                        Meaning::Ack { index } | Meaning::AckUpTo { index } => {
                            self.answered(to, Some(index), event.time_ns)
                        }
                        Meaning::Done => self.answered(to, None, event.time_ns),
                        _ => {}
                    }
                }
                let settled = !outcome.arrives();
                if outcome.arrives() {
                    // A standard signal is pending at most once: if one was pending,
                    // it has been taken since, by a way the trace does not show
                    // (`signalfd`), or this one would have merged.
                    if let Some(before) = self.pending.insert((to, sig), id) {
                        self.settle(before, None);
                    }
                }
                self.waiting.push_back((signal, settled));
            }
        }
        self.hand_out(out);
    }

    /// Hand out everything still waiting: the run is over.
    pub fn finish(&mut self, out: &mut impl FnMut(Signal)) {
        self.pending.clear();
        for entry in &mut self.waiting {
            entry.1 = true;
        }
        self.hand_out(out);
    }

    fn lane_of_target(&self, target: i32) -> Option<usize> {
        self.cast.lane_of(target)
    }

    /// The server's answer at `time_ns` covers the chunks of `client` up to `upto`
    /// (every one, for "done"): they are no longer in flight.
    fn answered(&mut self, client: usize, upto: Option<u64>, time_ns: u64) {
        for (signal, _) in &mut self.waiting {
            if signal.from == client
                && signal.answered_ns.is_none()
                && let Meaning::Item { index, .. } | Meaning::Resend { index, .. } = signal.meaning
                && upto.is_none_or(|upto| index <= upto)
            {
                signal.answered_ns = Some(time_ns);
            }
        }
    }

    fn settle(&mut self, id: u64, taken: Option<(u64, TakenBy)>) {
        if let Some(entry) = self.waiting.iter_mut().find(|(s, _)| s.id == id) {
            entry.0.taken = taken;
            entry.1 = true;
        }
    }

    fn hand_out(&mut self, out: &mut impl FnMut(Signal)) {
        while self.waiting.front().is_some_and(|(_, settled)| *settled) {
            out(self.waiting.pop_front().unwrap().0);
        }
    }

    /// What the signal `sig` from lane `from` to lane `to` means, moving the
    /// conversation on.
    fn meaning(
        &mut self,
        from: usize,
        to: usize,
        sig: i32,
        code: i32,
        (time_ns, outcome): (u64, crate::event::Outcome),
    ) -> Meaning {
        let roles = (self.cast.lanes[from].role, self.cast.lanes[to].role);
        let p = self.protocol;
        // The frame's length in chunks of two in flight, for a client lane.
        let chunks_two = |lane: usize, cast: &Cast| {
            cast.lanes[lane]
                .message
                .as_ref()
                .map(|m| p.items_in(m.len() as u64, Flight::Two))
        };
        let value = |sig: i32| (sig == p.zero || sig == p.one).then_some(sig == p.one);
        match roles {
            (Role::Client(_), Role::Server) => {
                let c = &mut self.conversations[from];
                match p.answers {
                    Answers::Turns { knock, .. } if c.phase == Phase::Knocking => {
                        if sig != knock || code != -1 {
                            return Meaning::Stray;
                        }
                        // A knock that no answer followed, sent again after a while.
                        let again = c.knocked && !c.answered;
                        c.knocked = true;
                        c.answered = false;
                        if again {
                            Meaning::KnockAgain
                        } else {
                            Meaning::Knock
                        }
                    }
                    _ if c.phase == Phase::Over => Meaning::Stray,
                    Answers::Turns {
                        payload: true,
                        knock,
                        ..
                    } if c.two.sent == 0 && sig == knock => {
                        // Before chunk 0 (SIGUSR2), a SIGUSR1 is a knock sent again before
                        // the client read "your turn".
                        Meaning::KnockAgain
                    }
                    Answers::Turns { payload: true, .. } if c.flight != Some(Flight::One) => {
                        // The second signal after the turn, with no answer yet, says how
                        // many chunks are in flight: chunk 1 (the other signal), or chunk
                        // 0 again (the same one).
                        if c.flight.is_none() && c.two.sent > 0 {
                            c.flight = Some(if sig == stage_07::protocol::chunk_signal(1) as i32 {
                                Flight::Two
                            } else {
                                Flight::One
                            });
                        }
                        let total = chunks_two(from, &self.cast);
                        let c = &mut self.conversations[from];
                        let (index, first) = c.two.client_sent(sig, time_ns, total);
                        if outcome.arrives() {
                            c.two.arrived(index, sig);
                        }
                        match c.flight {
                            // Still undecided: this is chunk 0, the same in both forms.
                            None => {
                                c.last_sent = Some(0);
                                c.answered = false;
                                Meaning::Item { index, value: None }
                            }
                            Some(Flight::Two) if first => Meaning::Item { index, value: None },
                            Some(Flight::Two) => Meaning::Resend { index, value: None },
                            // One in flight after all: chunk 0 again.
                            Some(Flight::One) => Meaning::Resend {
                                index: 0,
                                value: None,
                            },
                        }
                    }
                    Answers::Turns { payload, .. } => {
                        let value = if payload { None } else { value(sig) };
                        let item = c.next;
                        if c.last_sent == Some(item) && !c.answered {
                            Meaning::Resend { index: item, value }
                        } else {
                            c.last_sent = Some(item);
                            c.answered = false;
                            Meaning::Item { index: item, value }
                        }
                    }
                    _ => {
                        let item = c.next;
                        c.next += 1;
                        c.last_sent = Some(item);
                        c.answered = false;
                        Meaning::Item {
                            index: item,
                            value: value(sig),
                        }
                    }
                }
            }
            (Role::Server, Role::Client(_)) => {
                let total = self.cast.lanes[to]
                    .message
                    .as_ref()
                    .map(|m| p.items(m.len() as u64));
                let c = &mut self.conversations[to];
                match p.answers {
                    Answers::None | Answers::Any => Meaning::Answer,
                    Answers::AckDone { ack, done } => {
                        let Some(index) = c.last_sent else {
                            return Meaning::Stray;
                        };
                        c.answered = true;
                        if sig == ack {
                            Meaning::Ack { index }
                        } else if sig == done {
                            c.phase = Phase::Over;
                            match total {
                                Some(total) if index + 1 < total => Meaning::Refused,
                                _ => Meaning::Done,
                            }
                        } else {
                            Meaning::Other
                        }
                    }
                    Answers::Turns {
                        payload: true,
                        notice,
                        ..
                    } if c.phase == Phase::Sending && c.flight != Some(Flight::One) => {
                        // The first answer after chunk 0: with one in flight it is an ACK
                        // (SIGUSR1), with two it comes with chunk 0's signal (SIGUSR2).
                        if c.two.sent == 0 && sig == p.zero {
                            // Before chunk 0: "your turn" again, for a copy of the knock.
                            return Meaning::Turn;
                        }
                        if c.flight.is_none() {
                            if sig == p.zero {
                                c.flight = Some(Flight::One);
                                return self.meaning(from, to, sig, code, (time_ns, outcome));
                            }
                            c.flight = Some(Flight::Two);
                        }
                        let total = chunks_two(to, &self.cast);
                        let c = &mut self.conversations[to];
                        if sig == notice && total.is_some_and(|total| c.two.prefix >= total) {
                            // Every chunk reached the server: the only thing left to say.
                            c.phase = Phase::Over;
                            c.answered = true;
                            return Meaning::Done;
                        }
                        match c.two.server_answered(sig) {
                            Some(index) => Meaning::AckUpTo { index },
                            // "Your turn" again: a copy of the knock came before chunk 0.
                            None if c.two.said == 0 => Meaning::Turn,
                            None => Meaning::AckAgain {
                                index: c.two.said - 1,
                            },
                        }
                    }
                    Answers::Turns { ack, notice, .. } => match c.phase {
                        Phase::Knocking if sig == ack => {
                            c.phase = Phase::Sending;
                            c.next = 0;
                            c.last_sent = None;
                            Meaning::Turn
                        }
                        Phase::Knocking if sig == notice => {
                            c.answered = true;
                            Meaning::Wait
                        }
                        Phase::Sending if sig == ack => match c.last_sent {
                            // The answer to the item just sent: the next one is due.
                            Some(index) if index == c.next => {
                                c.answered = true;
                                c.next += 1;
                                Meaning::Ack { index }
                            }
                            // Another answer to an item already answered (it was resent).
                            Some(index) => Meaning::AckAgain { index },
                            None => Meaning::Other,
                        },
                        Phase::Sending if sig == notice => {
                            c.phase = Phase::Over;
                            c.answered = true;
                            match (total, c.last_sent) {
                                (Some(total), Some(index)) if index + 1 < total => Meaning::Refused,
                                _ => Meaning::Done,
                            }
                        }
                        _ => Meaning::Other,
                    },
                }
            }
            (_, Role::Server) => Meaning::Stray,
            _ => Meaning::Other,
        }
    }
}

/// Every signal of a recorded trace (for tests and replays), in order.
pub fn decode_all(
    cast: Cast,
    protocol: Protocol,
    events: impl IntoIterator<Item = Event>,
) -> Vec<Signal> {
    let mut decoder = Decoder::new(cast, protocol);
    let mut signals = Vec::new();
    for event in events {
        decoder.push(&event, &mut |s| signals.push(s));
    }
    decoder.finish(&mut |s| signals.push(s));
    signals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Outcome;

    fn generate(t: u64, from: i32, to: i32, sig: i32, res: i32) -> Event {
        Event {
            time_ns: t,
            tid: from,
            kind: Kind::Generate {
                sig,
                code: 0,
                target: to,
                outcome: Outcome::from_res(res).unwrap(),
            },
        }
    }

    fn cast(message: &[u8]) -> Cast {
        let mut cast = Cast::default();
        cast.add(Role::Server, 100, None);
        cast.add(Role::Client(1), 200, Some(message.to_vec()));
        cast
    }

    #[test]
    fn stage_01_bits_are_numbered_and_a_merged_one_is_lost() {
        let p = Protocol::of_stage(1, false).unwrap();
        let events = [
            generate(1, 200, 100, 10, 0),
            generate(2, 200, 100, 12, 0),
            generate(3, 200, 100, 12, 2),
            Event {
                time_ns: 4,
                tid: 100,
                kind: Kind::Taken {
                    sig: 10,
                    by: TakenBy::Handler,
                },
            },
        ];
        let signals = decode_all(cast(b"h"), p, events);
        assert_eq!(signals.len(), 3);
        assert_eq!(signals[0].taken, Some((4, TakenBy::Handler)));
        assert_eq!(signals[1].taken, None);
        assert_eq!(
            signals[2].meaning,
            Meaning::Item {
                index: 2,
                value: Some(true)
            }
        );
        assert!(signals[2].lost());
    }

    #[test]
    fn a_process_outside_the_run_is_never_decoded() {
        let p = Protocol::of_stage(1, false).unwrap();
        let mut decoder = Decoder::new(cast(b"h"), p);
        let mut out = Vec::new();
        decoder.push(&generate(1, 999, 100, 10, 0), &mut |s| out.push(s));
        decoder.push(&generate(2, 200, 999, 10, 0), &mut |s| out.push(s));
        decoder.finish(&mut |s| out.push(s));
        assert!(out.is_empty());
        assert_eq!(decoder.foreign(), 2);
    }

    #[test]
    fn stage_06_knock_turn_bits_and_a_resend() {
        let p = Protocol::of_stage(6, false).unwrap();
        let knock = Event {
            time_ns: 1,
            tid: 200,
            kind: Kind::Generate {
                sig: 10,
                code: -1,
                target: 100,
                outcome: Outcome::Queued,
            },
        };
        let events = [
            knock,
            generate(2, 100, 200, 10, 0), // turn
            generate(3, 200, 100, 10, 2), // bit 0, merged
            generate(4, 200, 100, 10, 0), // bit 0 again
            generate(5, 100, 200, 10, 0), // ack 0
            generate(6, 200, 100, 10, 0), // bit 1
        ];
        let meanings: Vec<Meaning> = decode_all(cast(b"x"), p, events)
            .into_iter()
            .map(|s| s.meaning)
            .collect();
        assert_eq!(
            meanings,
            [
                Meaning::Knock,
                Meaning::Turn,
                Meaning::Item {
                    index: 0,
                    value: Some(false)
                },
                Meaning::Resend {
                    index: 0,
                    value: Some(false)
                },
                Meaning::Ack { index: 0 },
                Meaning::Item {
                    index: 1,
                    value: Some(false)
                },
            ]
        );
    }

    fn queued(t: u64, from: i32, to: i32, sig: i32, res: i32) -> Event {
        let mut event = generate(t, from, to, sig, res);
        if let Kind::Generate { code, .. } = &mut event.kind {
            *code = -1;
        }
        event
    }

    /// A 42-byte message: a 50-byte frame, 7 chunks of 63 bits.
    const MESSAGE: &[u8] = b"Hello, two chunks in flight, both at once!";
    const US: u64 = 1_000;
    const MS: u64 = 1_000_000;

    fn meanings(events: &[Event]) -> Vec<Meaning> {
        let p = Protocol::of_stage(7, true).unwrap();
        decode_all(cast(MESSAGE), p, events.iter().cloned())
            .into_iter()
            .map(|s| s.meaning)
            .collect()
    }

    fn chunk(index: u64) -> Meaning {
        Meaning::Item { index, value: None }
    }

    fn again(index: u64) -> Meaning {
        Meaning::Resend { index, value: None }
    }

    #[test]
    fn stage_07_two_in_flight_chunks_answers_resends_and_done() {
        let (c, s) = (200, 100);
        let events = [
            queued(0, c, s, 10, 0),                 // knock
            queued(10 * US, s, c, 10, 0),           // your turn
            queued(20 * US, c, s, 12, 0),           // chunk 0
            queued(21 * US, c, s, 10, 0),           // chunk 1, before any answer
            queued(40 * US, s, c, 12, 0),           // holds 0 and 1 (1 was read first)
            queued(50 * US, c, s, 12, 0),           // chunk 2
            queued(51 * US, c, s, 10, 0),           // chunk 3
            queued(70 * US, s, c, 10, 0),           // holds 0 to 3
            queued(80 * US, c, s, 12, 2),           // chunk 4, merged with a stranger's
            queued(81 * US, c, s, 10, 0),           // chunk 5
            queued(25 * MS, c, s, 12, 0),           // no answer: chunk 4 again
            queued(25 * MS + US, c, s, 10, 0),      // and chunk 5 again
            queued(25 * MS + 9 * US, s, c, 12, 0),  // holds 0 to 5
            queued(25 * MS + 20 * US, c, s, 12, 0), // chunk 6
            queued(25 * MS + 30 * US, s, c, 12, 0), // done
        ];
        assert_eq!(
            meanings(&events),
            [
                Meaning::Knock,
                Meaning::Turn,
                chunk(0),
                chunk(1),
                Meaning::AckUpTo { index: 1 },
                chunk(2),
                chunk(3),
                Meaning::AckUpTo { index: 3 },
                chunk(4),
                chunk(5),
                again(4),
                again(5),
                Meaning::AckUpTo { index: 5 },
                chunk(6),
                Meaning::Done,
            ]
        );
    }

    #[test]
    fn stage_07_a_late_resend_is_not_taken_for_the_next_chunk() {
        // The answer after chunk 2 (SIGUSR2) may say "0 to 2" or, had chunk 3 come
        // first, "0 to 3": the trace cannot tell, and the decoder says the most. The
        // client, told "0 to 2", sends chunk 4 only; the server is slow to read chunk 3,
        // and 25 ms later the client sends chunks 3 and 4 again. Chunk 3 comes with
        // SIGUSR1, as chunk 5 would: the moment (no new answer, a pause longer than the
        // stage's resend delay) says it is a resend.
        let (c, s) = (200, 100);
        let events = [
            queued(0, c, s, 10, 0),
            queued(10 * US, s, c, 10, 0),
            queued(20 * US, c, s, 12, 0),
            queued(21 * US, c, s, 10, 0),
            queued(40 * US, s, c, 12, 0),      // holds 0 and 1
            queued(50 * US, c, s, 12, 0),      // chunk 2
            queued(51 * US, c, s, 10, 0),      // chunk 3
            queued(60 * US, s, c, 12, 0),      // holds 0 to 2 (or to 3)
            queued(70 * US, c, s, 12, 0),      // chunk 4
            queued(25 * MS, c, s, 10, 0),      // chunk 3 again
            queued(25 * MS + US, c, s, 12, 0), // chunk 4 again
        ];
        assert_eq!(
            meanings(&events)[5..],
            [
                chunk(2),
                chunk(3),
                Meaning::AckUpTo { index: 3 },
                chunk(4),
                again(3),
                again(4)
            ]
        );
    }

    #[test]
    fn stage_07_one_in_flight_is_told_by_the_first_answer() {
        let (c, s) = (200, 100);
        let events = [
            queued(0, c, s, 10, 0),
            queued(10 * US, s, c, 10, 0),
            queued(20 * US, c, s, 12, 0), // chunk 0
            queued(30 * US, s, c, 10, 0), // ACK (SIGUSR1): one in flight
            queued(40 * US, c, s, 10, 0), // chunk 1
            queued(50 * US, s, c, 10, 0),
        ];
        assert_eq!(
            meanings(&events),
            [
                Meaning::Knock,
                Meaning::Turn,
                chunk(0),
                Meaning::Ack { index: 0 },
                chunk(1),
                Meaning::Ack { index: 1 },
            ]
        );
    }

    #[test]
    fn stage_07_one_in_flight_is_told_by_chunk_0_sent_again() {
        let (c, s) = (200, 100);
        let events = [
            queued(0, c, s, 10, 0),
            queued(10 * US, s, c, 10, 0),
            queued(20 * US, c, s, 12, 2), // chunk 0, lost
            queued(20 * MS, c, s, 12, 0), // the same signal again: one in flight
            queued(20 * MS + 9 * US, s, c, 10, 0),
        ];
        assert_eq!(
            meanings(&events)[2..],
            [chunk(0), again(0), Meaning::Ack { index: 0 }]
        );
    }
}
