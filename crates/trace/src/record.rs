//! Who is who in a trace (the lanes), and one decoded signal (a [`Signal`]).

use crate::event::{Outcome, TakenBy};
use crate::protocol::Part;

/// What a process is in the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Server,
    /// Client number `n` (from 1).
    Client(usize),
    /// A process that signals the server without being a client (started on purpose).
    Stray,
    /// A process one of the others created.
    Child,
}

/// One process of the run: one lane of a timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub role: Role,
    pub pid: i32,
    /// The message a client was given (for the positions of its bits).
    pub message: Option<Vec<u8>>,
    /// When the process ended, if the trace saw it.
    pub exited_ns: Option<u64>,
}

impl Lane {
    pub fn name(&self) -> String {
        match self.role {
            Role::Server => "server".into(),
            Role::Client(1) => "client".into(),
            Role::Client(n) => format!("client {n}"),
            Role::Stray => "stray".into(),
            Role::Child => format!("pid {}", self.pid),
        }
    }
}

/// The processes of a run, and which thread belongs to which.
#[derive(Clone, Debug, Default)]
pub struct Cast {
    pub lanes: Vec<Lane>,
    /// (thread ID, lane) for threads other than a process's main thread.
    threads: Vec<(i32, usize)>,
}

impl Cast {
    pub fn add(&mut self, role: Role, pid: i32, message: Option<Vec<u8>>) -> usize {
        self.lanes.push(Lane {
            role,
            pid,
            message,
            exited_ns: None,
        });
        self.lanes.len() - 1
    }

    /// The lane of the process that thread (or process) `tid` belongs to.
    pub fn lane_of(&self, tid: i32) -> Option<usize> {
        self.lanes
            .iter()
            .position(|l| l.pid == tid)
            .or_else(|| self.threads.iter().find(|t| t.0 == tid).map(|t| t.1))
    }

    /// A new process that `parent` created gets a lane of its own (threads are announced
    /// first, with [`Cast::thread`], and are not new processes).
    pub fn forked(&mut self, parent: i32, child: i32) {
        if self.lane_of(parent).is_some() && self.lane_of(child).is_none() {
            self.add(Role::Child, child, None);
        }
    }

    /// Thread `tid` belongs to process `pid`.
    pub fn thread(&mut self, tid: i32, pid: i32) {
        if let Some(lane) = self.lane_of(pid)
            && self.lane_of(tid).is_none()
        {
            self.threads.push((tid, lane));
        }
    }

    pub fn server(&self) -> Option<usize> {
        self.lanes.iter().position(|l| l.role == Role::Server)
    }

    pub fn threads(&self) -> &[(i32, usize)] {
        &self.threads
    }
}

/// What a signal means in the protocol of the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// Bit number `index` of the client's frame (or payload chunk `index`), first sent.
    Item { index: u64, value: Option<bool> },
    /// The same item sent again, because the answer was late.
    Resend { index: u64, value: Option<bool> },
    /// "Got bit `index`" (stages 03-05), "send `index + 1`" (06-07).
    Ack { index: u64 },
    /// The same answer again, to a resent item.
    AckAgain { index: u64 },
    /// Two chunks in flight: "I hold every chunk up to `index`" (cumulative; the number
    /// is worked out from the order of the signals, since the trace cannot see values).
    AckUpTo { index: u64 },
    /// The last bit is in: the message is printed.
    Done,
    /// A "done" before the last bit: the server refused the message.
    Refused,
    /// A client asks for a turn.
    Knock,
    /// The same knock again: no answer came to the previous one.
    KnockAgain,
    /// The server gives a knocking client its turn.
    Turn,
    /// The server tells a knocking client to wait in line (or refuses it: the value,
    /// which the trace cannot see, says which).
    Wait,
    /// From a process that is no client, or from a client at a moment its protocol has
    /// no signal for.
    Stray,
    /// Sent back by a server whose protocol we do not know.
    Answer,
    /// Between processes of the run that the protocol does not cover.
    Other,
}

/// One signal: a `signal_generate` event, decoded, with what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// Its order in the trace, from 0.
    pub id: u64,
    pub time_ns: u64,
    pub from: usize,
    pub to: usize,
    pub sig: i32,
    /// `si_code` = `SI_QUEUE`: sent with `sigqueue` (a value travels with it).
    pub sigqueue: bool,
    pub outcome: Outcome,
    pub meaning: Meaning,
    /// The part of the message, for a bit.
    pub part: Option<Part>,
    /// When and how the target took it, where the trace shows it.
    pub taken: Option<(u64, TakenBy)>,
    /// Stage 07's payload chunks: when the server's answer that covers this chunk was
    /// sent. From the send to then, the chunk is *in flight*.
    pub answered_ns: Option<u64>,
}

impl Signal {
    /// The item (bit or chunk) index this signal is about, for choosing a range.
    pub fn item(&self) -> Option<u64> {
        match self.meaning {
            Meaning::Item { index, .. }
            | Meaning::Resend { index, .. }
            | Meaning::Ack { index }
            | Meaning::AckUpTo { index }
            | Meaning::AckAgain { index } => Some(index),
            _ => None,
        }
    }

    pub fn lost(&self) -> bool {
        !self.outcome.arrives()
    }
}

/// `SIGUSR1`, `SIGUSR2`, or the number.
pub fn signal_name(sig: i32) -> String {
    match nix::sys::signal::Signal::try_from(sig) {
        Ok(signal) => signal.as_str().to_owned(),
        Err(_) => format!("signal {sig}"),
    }
}
