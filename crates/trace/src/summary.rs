//! The summary: counts per direction and signal, time per bit, the first lost signal.
//! It takes signals one at a time and keeps only counters, whatever the trace's length.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write;

use crate::describe;
use crate::record::{Cast, Meaning, Role, Signal, signal_name};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub sent: u64,
    /// Reached the pending set (queued).
    pub arrived: u64,
    /// Merged into one already pending, or dropped: never seen by the target.
    pub lost: u64,
    /// Taken where the trace shows it (a handler ran, or `sigwaitinfo` returned it).
    pub taken_seen: u64,
}

/// One client's items (bits or chunks): how many, and when the first and last went out.
#[derive(Clone, Debug, Default)]
struct Items {
    count: u64,
    resent: u64,
    first_ns: Option<u64>,
    last_ns: u64,
    /// Stage 07's payload chunks: when the chunks still in flight will be answered, and
    /// the most that were in flight at once.
    answers_due: VecDeque<u64>,
    most_in_flight: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// (sender lane, target lane, signal) -> counts.
    pub counts: BTreeMap<(usize, usize, i32), Counts>,
    pub first_lost: Option<Signal>,
    pub start_ns: Option<u64>,
    pub end_ns: u64,
    items: BTreeMap<usize, Items>,
    pub knocks: u64,
    /// Knocks sent again because no answer came.
    pub knocks_again: u64,
    pub turns: u64,
    pub waits: u64,
    pub strays: u64,
    pub done: u64,
    pub refused: u64,
}

impl Summary {
    pub fn add(&mut self, signal: &Signal) {
        self.start_ns.get_or_insert(signal.time_ns);
        self.end_ns = self.end_ns.max(signal.time_ns);
        let counts = self
            .counts
            .entry((signal.from, signal.to, signal.sig))
            .or_default();
        counts.sent += 1;
        if signal.lost() {
            counts.lost += 1;
            if self.first_lost.is_none() {
                self.first_lost = Some(signal.clone());
            }
        } else {
            counts.arrived += 1;
        }
        if signal.taken.is_some() {
            counts.taken_seen += 1;
        }
        match signal.meaning {
            Meaning::Item { .. } | Meaning::Resend { .. } => {
                let items = self.items.entry(signal.from).or_default();
                items.first_ns.get_or_insert(signal.time_ns);
                items.last_ns = signal.time_ns;
                if matches!(signal.meaning, Meaning::Item { .. }) {
                    items.count += 1;
                    if let Some(answered) = signal.answered_ns {
                        // The chunks sent before this one and answered after it was
                        // sent were in flight with it.
                        items.answers_due.retain(|&due| due > signal.time_ns);
                        items.answers_due.push_back(answered);
                        items.most_in_flight =
                            items.most_in_flight.max(items.answers_due.len() as u64);
                    }
                } else {
                    items.resent += 1;
                }
            }
            Meaning::Knock => self.knocks += 1,
            Meaning::KnockAgain => {
                self.knocks += 1;
                self.knocks_again += 1;
            }
            Meaning::Turn => self.turns += 1,
            Meaning::Wait => self.waits += 1,
            Meaning::Stray => self.strays += 1,
            Meaning::Done => self.done += 1,
            Meaning::Refused => self.refused += 1,
            _ => {}
        }
    }

    /// Total counts over every (sender, target, signal) whose sender and target have these roles.
    pub fn total(
        &self,
        cast: &Cast,
        from: impl Fn(Role) -> bool,
        to: impl Fn(Role) -> bool,
    ) -> Counts {
        let mut sum = Counts::default();
        for (&(f, t, _), c) in &self.counts {
            if from(cast.lanes[f].role) && to(cast.lanes[t].role) {
                sum.sent += c.sent;
                sum.arrived += c.arrived;
                sum.lost += c.lost;
                sum.taken_seen += c.taken_seen;
            }
        }
        sum
    }

    /// Items (bits, chunks) sent so far by all clients, first sends only.
    pub fn items_sent(&self) -> u64 {
        self.items.values().map(|i| i.count).sum()
    }

    /// Resends by all clients.
    pub fn resent(&self) -> u64 {
        self.items.values().map(|i| i.resent).sum()
    }

    pub fn render(&self, cast: &Cast) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<28} {:>10} {:>10} {:>10} {:>12}",
            "signals", "sent", "arrived", "lost", "taken (seen)"
        );
        for (&(from, to, sig), c) in &self.counts {
            let _ = writeln!(
                out,
                "{:<28} {:>10} {:>10} {:>10} {:>12}",
                format!(
                    "{} -> {} {}",
                    cast.lanes[from].name(),
                    cast.lanes[to].name(),
                    signal_name(sig)
                ),
                c.sent,
                c.arrived,
                c.lost,
                c.taken_seen
            );
        }
        if self.counts.is_empty() {
            let _ = writeln!(out, "(no signal between the traced processes)");
        }
        for (&lane, items) in &self.items {
            let (Some(first), count) = (items.first_ns, items.count) else {
                continue;
            };
            let span = items.last_ns - first;
            let per = span
                .checked_div(count.saturating_sub(1).max(1))
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "{}: {count} items sent{} in {}, {} per item",
                cast.lanes[lane].name(),
                match items.resent {
                    0 => String::new(),
                    n => format!(" (and {n} resent)"),
                },
                describe::duration(span),
                describe::duration(per)
            );
            if items.most_in_flight > 0 {
                let _ = writeln!(
                    out,
                    "{}: at most {} in flight at once (sent, not yet answered)",
                    cast.lanes[lane].name(),
                    match items.most_in_flight {
                        1 => "1 chunk".to_owned(),
                        n => format!("{n} chunks"),
                    }
                );
            }
        }
        let mut events = Vec::new();
        for (n, what) in [
            (self.knocks, "knocks"),
            (self.knocks_again, "of them resent"),
            (self.turns, "turns given"),
            (self.waits, "wait-in-line notices"),
            (self.strays, "stray signals"),
            (self.done, "messages confirmed"),
            (self.refused, "refusals"),
        ] {
            if n > 0 {
                events.push(format!("{n} {what}"));
            }
        }
        if !events.is_empty() {
            let _ = writeln!(out, "{}", events.join(", "));
        }
        match &self.first_lost {
            None => {
                let _ = writeln!(out, "no signal lost");
            }
            Some(lost) => {
                let _ = writeln!(
                    out,
                    "first lost signal: #{} at +{}, {} -> {} {}, {}: {}",
                    lost.id,
                    describe::seconds(lost.time_ns - self.start_ns.unwrap_or(0)),
                    cast.lanes[lost.from].name(),
                    cast.lanes[lost.to].name(),
                    signal_name(lost.sig),
                    describe::meaning(lost, cast),
                    lost.outcome.word()
                );
            }
        }
        out
    }
}
