//! From the kernel's events to decoded [`Signal`]s, one at a time: nothing is kept but the
//! few signals still pending, so a trace of millions of events streams through.
//!
//! Two jobs. **Isolation**: an event whose sender or target is not one of the run's
//! processes is dropped here, whatever the kernel's filters let through (they should let
//! nothing through; this is the second lock on the door). **Meaning**: each signal is
//! decoded with the stage's [`Protocol`], and paired with the moment its target took it.

use std::collections::{HashMap, VecDeque};

use crate::event::{Event, Kind, TakenBy};
use crate::protocol::{Answers, Protocol};
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
                let meaning = self.meaning(from, to, sig, code);
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
                };
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
    fn meaning(&mut self, from: usize, to: usize, sig: i32, code: i32) -> Meaning {
        let roles = (self.cast.lanes[from].role, self.cast.lanes[to].role);
        let p = self.protocol;
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
}
