//! Where each line of a trace goes: parsed, checked against the cast, decoded, then
//! counted (the summary), written (the text timeline, the raw record) and, inside the
//! chosen range, kept for the picture. The same for a live run and for a replay of a
//! recorded one.

use std::io::{self, BufRead, Write};

use crate::decode::Decoder;
use crate::describe;
use crate::event::{self, Event, Kind};
use crate::protocol::Protocol;
use crate::record::{Cast, Role};
use crate::summary::Summary;
use crate::svg::Window;

/// What to produce besides the summary.
#[derive(Default)]
pub struct Outputs {
    /// The text timeline, one line per signal.
    pub timeline: Option<Box<dyn Write>>,
    /// The events themselves, as the kernel printed them, with the cast in a header: a
    /// recording that `replay` reads back.
    pub raw: Option<Box<dyn Write>>,
    /// The range of items (bits, chunks) the SVG picture shows.
    pub window: Option<Window>,
}

pub struct Pipeline {
    decoder: Decoder,
    /// A live run may ask `/proc` whether a new task is a thread; a replay reads it.
    live: bool,
    pub summary: Summary,
    outputs: Outputs,
    start: Option<u64>,
    /// Lines read, and the events among them.
    pub lines: u64,
    pub events: u64,
    raw_header_written: bool,
    /// Signals the decoder just completed (kept to reuse its memory).
    ready: Vec<crate::record::Signal>,
    error: Option<io::Error>,
}

impl Pipeline {
    pub fn new(cast: Cast, protocol: Protocol, live: bool, outputs: Outputs) -> Pipeline {
        Pipeline {
            decoder: Decoder::new(cast, protocol),
            live,
            summary: Summary::default(),
            outputs,
            start: None,
            lines: 0,
            events: 0,
            raw_header_written: false,
            ready: Vec::new(),
            error: None,
        }
    }

    pub fn cast(&self) -> &Cast {
        self.decoder.cast()
    }

    /// The decoder, to add a process to the cast while the run goes on (before it can
    /// send or receive).
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    pub fn foreign(&self) -> u64 {
        self.decoder.foreign()
    }

    /// One line of `trace_pipe`.
    pub fn line(&mut self, line: &str) {
        self.lines += 1;
        let Some(event) = event::parse(line) else {
            return;
        };
        self.events += 1;
        if let (true, Kind::Fork { child }) = (self.live, &event.kind) {
            if let Some(pid) = thread_group(*child).filter(|&pid| pid != *child) {
                self.decoder.thread(*child, pid);
            }
        }
        self.record(line, &event);
        let mut ready = std::mem::take(&mut self.ready);
        self.decoder.push(&event, &mut |signal| ready.push(signal));
        for signal in ready.drain(..) {
            self.emit(signal);
        }
        self.ready = ready;
    }

    /// One decoded signal, to every output.
    fn emit(&mut self, signal: crate::record::Signal) {
        let start = *self.start.get_or_insert(signal.time_ns);
        self.summary.add(&signal);
        if let Some(window) = &mut self.outputs.window {
            window.add(&signal);
        }
        if let Some(timeline) = &mut self.outputs.timeline {
            let line = describe::line(&signal, self.decoder.cast(), start);
            if let Err(e) = writeln!(timeline, "{line}") {
                self.error.get_or_insert(e);
            }
        }
    }

    /// Write the event to the raw record, if it involves only processes of the run.
    fn record(&mut self, line: &str, event: &Event) {
        if self.outputs.raw.is_none() {
            return;
        }
        let cast = self.decoder.cast();
        let ours = cast.lane_of(event.tid).is_some()
            && match event.kind {
                Kind::Generate { target, .. } => cast.lane_of(target).is_some(),
                _ => true,
            };
        if !ours {
            return;
        }
        if !self.raw_header_written {
            self.raw_header_written = true;
            let header = raw_header(cast);
            if let Some(raw) = &mut self.outputs.raw {
                if let Err(e) = raw.write_all(header.as_bytes()) {
                    self.error.get_or_insert(e);
                }
            }
        }
        // A new thread is in the cast by now: say, before its fork, which process it is of.
        let thread = match event.kind {
            Kind::Fork { child } => cast
                .threads()
                .iter()
                .find(|t| t.0 == child)
                .map(|&(tid, lane)| format!("# thread {tid} {}\n", cast.lanes[lane].pid)),
            _ => None,
        };
        if let Some(raw) = &mut self.outputs.raw {
            let result = match &thread {
                Some(t) => raw.write_all(t.as_bytes()),
                None => Ok(()),
            };
            let result = result.and_then(|()| writeln!(raw, "{}", line.trim_end()));
            if let Err(e) = result {
                self.error.get_or_insert(e);
            }
        }
    }

    /// The run is over: hand out what is still pending, flush the writers.
    pub fn finish(mut self) -> io::Result<(Summary, Option<Window>, Cast, u64)> {
        let mut ready = Vec::new();
        self.decoder.finish(&mut |signal| ready.push(signal));
        for signal in ready {
            self.emit(signal);
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for writer in [&mut self.outputs.timeline, &mut self.outputs.raw].into_iter().flatten() {
            writer.flush()?;
        }
        let foreign = self.decoder.foreign();
        Ok((
            self.summary,
            self.outputs.window.take(),
            self.decoder.cast().clone(),
            foreign,
        ))
    }
}

/// The process (thread group) that task `tid` belongs to, from `/proc`.
fn thread_group(tid: i32) -> Option<i32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

/// The header of a raw record: who is who.
fn raw_header(cast: &Cast) -> String {
    let mut header = String::from("# minitalk-trace raw events: the lanes, then the kernel's lines\n");
    for lane in &cast.lanes {
        let role = match lane.role {
            Role::Server => "server".to_owned(),
            Role::Client(n) => format!("client{n}"),
            Role::Stray => "stray".to_owned(),
            Role::Child => "child".to_owned(),
        };
        let message = lane.message.as_ref().map_or(String::new(), |m| {
            format!(" {}", m.iter().map(|b| format!("{b:02x}")).collect::<String>())
        });
        header.push_str(&format!("# lane {role} {}{message}\n", lane.pid));
    }
    for &(tid, lane) in cast.threads() {
        header.push_str(&format!("# thread {tid} {}\n", cast.lanes[lane].pid));
    }
    header
}

/// Read a raw record back: its cast from the header, then every line through a pipeline.
pub fn replay(
    input: impl BufRead,
    protocol: Protocol,
    outputs: Outputs,
) -> io::Result<(Summary, Option<Window>, Cast, u64)> {
    let mut lines = input.lines();
    let mut cast = Cast::default();
    let mut first_event: Option<String> = None;
    for line in lines.by_ref() {
        let line = line?;
        let Some(rest) = line.strip_prefix("# lane ") else {
            if line.starts_with('#') {
                continue;
            }
            first_event = Some(line);
            break;
        };
        let words: Vec<&str> = rest.split(' ').collect();
        let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad lane line: {line}"));
        let role = match words.first().copied() {
            Some("server") => Role::Server,
            Some("stray") => Role::Stray,
            Some("child") => Role::Child,
            Some(c) if c.starts_with("client") => Role::Client(c[6..].parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        let pid = words.get(1).and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let message = words.get(2).map(|hex| {
            (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                .collect()
        });
        cast.add(role, pid, message);
    }
    let mut pipeline = Pipeline::new(cast, protocol, false, outputs);
    let feed = |pipeline: &mut Pipeline, line: &str| {
        if let Some(rest) = line.strip_prefix("# thread ") {
            if let Some((tid, pid)) = rest.split_once(' ') {
                if let (Ok(tid), Ok(pid)) = (tid.parse(), pid.parse()) {
                    pipeline.decoder_mut().thread(tid, pid);
                }
            }
            return;
        }
        pipeline.line(line);
    };
    if let Some(line) = first_event {
        feed(&mut pipeline, &line);
    }
    for line in lines {
        feed(&mut pipeline, &line?);
    }
    pipeline.finish()
}
