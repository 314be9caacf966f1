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

/// A writer whose bytes can be read afterwards, from another clone of it: an output kept
/// in memory (a test's timeline or raw record).
#[derive(Clone, Debug, Default)]
pub struct Shared(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Shared {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

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
    /// The time of the last event before the first gap the kernel announced ("CPU:1
    /// [LOST 1234 EVENTS]": the ring buffer overflowed there).
    pub first_gap_ns: Option<u64>,
    last_ns: u64,
    raw_header_written: bool,
    /// Lanes and threads already named in the raw record.
    lanes_written: usize,
    threads_written: usize,
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
            first_gap_ns: None,
            last_ns: 0,
            raw_header_written: false,
            lanes_written: 0,
            threads_written: 0,
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
            if line.contains("[LOST") {
                self.first_gap_ns.get_or_insert(self.last_ns);
            }
            return;
        };
        self.events += 1;
        self.last_ns = event.time_ns;
        if let (true, Kind::Fork { child }) = (self.live, &event.kind)
            && let Some(pid) = thread_group(*child).filter(|&pid| pid != *child)
        {
            self.decoder.thread(*child, pid);
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
        // Who is who, as far as known now: the lanes and threads added since the last line.
        let mut text = String::new();
        if !self.raw_header_written {
            self.raw_header_written = true;
            text.push_str("# minitalk-trace raw events: the lanes, then the kernel's lines\n");
        }
        for lane in &cast.lanes[self.lanes_written..] {
            text.push_str(&lane_line(lane));
        }
        self.lanes_written = cast.lanes.len();
        for &(tid, lane) in &cast.threads()[self.threads_written..] {
            text.push_str(&format!("# thread {tid} {}\n", cast.lanes[lane].pid));
        }
        self.threads_written = cast.threads().len();
        text.push_str(line.trim_end());
        text.push('\n');
        if let Some(raw) = &mut self.outputs.raw
            && let Err(e) = raw.write_all(text.as_bytes())
        {
            self.error.get_or_insert(e);
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
        for writer in [&mut self.outputs.timeline, &mut self.outputs.raw]
            .into_iter()
            .flatten()
        {
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

/// The line of a raw record that names a lane: `# lane client1 1234 6869` (the
/// message in hex).
fn lane_line(lane: &crate::record::Lane) -> String {
    let role = match lane.role {
        Role::Server => "server".to_owned(),
        Role::Client(n) => format!("client{n}"),
        Role::Stray => "stray".to_owned(),
        Role::Child => "child".to_owned(),
    };
    let message = lane.message.as_ref().map_or(String::new(), |m| {
        format!(
            " {}",
            m.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    });
    format!("# lane {role} {}{message}\n", lane.pid)
}

/// Read a raw record back: its lanes and threads as they were named, and every event
/// line through a pipeline.
pub fn replay(
    input: impl BufRead,
    protocol: Protocol,
    outputs: Outputs,
) -> io::Result<(Summary, Option<Window>, Cast, u64)> {
    let mut pipeline = Pipeline::new(Cast::default(), protocol, false, outputs);
    for line in input.lines() {
        let line = line?;
        if let Some(rest) = line.strip_prefix("# lane ") {
            let (role, pid, message) = parse_lane(rest).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad lane line: {line}"))
            })?;
            let decoder = pipeline.decoder_mut();
            if decoder.cast().lane_of(pid).is_none() {
                decoder.add(role, pid, message);
            } else {
                decoder.relabel(pid, role);
            }
        } else if let Some(rest) = line.strip_prefix("# thread ") {
            let mut words = rest.split(' ').map(str::parse::<i32>);
            if let (Some(Ok(tid)), Some(Ok(pid))) = (words.next(), words.next()) {
                pipeline.decoder_mut().thread(tid, pid);
            }
        } else if !line.starts_with('#') {
            pipeline.line(&line);
        }
    }
    pipeline.finish()
}

fn parse_lane(rest: &str) -> Option<(Role, i32, Option<Vec<u8>>)> {
    let words: Vec<&str> = rest.split(' ').collect();
    let role = match *words.first()? {
        "server" => Role::Server,
        "stray" => Role::Stray,
        "child" => Role::Child,
        c => Role::Client(c.strip_prefix("client")?.parse().ok()?),
    };
    let pid = words.get(1)?.parse().ok()?;
    let message = words.get(2).map(|hex| {
        (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect()
    });
    Some((role, pid, message))
}
