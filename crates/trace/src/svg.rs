//! The SVG timeline: one lane per process, one arrow per signal from the moment it was
//! sent to the moment its target took it, lost signals crossed out in red, and the quiet
//! stretches of each process (sleeping, waiting) as grey bands with their length.
//!
//! Time runs left to right on a *compressed* scale: each signal gets a column, and the
//! space between two columns grows with the logarithm of the time between them. A burst
//! of signals sent within one microsecond stays readable, and a 5-second wait still
//! looks longer than a 10-microsecond one; the axis below says the real times.

use svg::Document;
use svg::node::element::{Definitions, Group, Line, Marker, Path, Rectangle, Text, Title};

use crate::describe;
use crate::record::{Cast, Role, Signal};

/// Which signals a picture shows: those around items `from..to` of the clients' frames.
#[derive(Clone, Debug)]
pub struct Window {
    pub from: u64,
    pub to: u64,
    /// The most signals one picture holds; more and it says where it was cut.
    pub max: usize,
    signals: Vec<Signal>,
    state: State,
    pub cut: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Before,
    In,
    After,
}

impl Window {
    /// Items `from..to` (bits, or payload chunks), everything from the start if `from` is 0.
    pub fn new(from: u64, to: u64) -> Window {
        Window {
            from,
            to,
            max: 2000,
            signals: Vec::new(),
            state: if from == 0 { State::In } else { State::Before },
            cut: false,
        }
    }

    /// Offer a signal; it is kept if it falls in the window.
    pub fn add(&mut self, signal: &Signal) {
        let item = signal.item();
        if self.state == State::Before && item.is_some_and(|i| i >= self.from) {
            self.state = State::In;
        }
        if self.state == State::In && item.is_some_and(|i| i >= self.to) {
            self.state = State::After;
        }
        if self.state != State::In {
            return;
        }
        if self.signals.len() == self.max {
            self.cut = true;
            self.state = State::After;
            return;
        }
        self.signals.push(signal.clone());
    }

    pub fn signals(&self) -> &[Signal] {
        &self.signals
    }

    /// Whether the window reaches the end of the run (so the processes' ends belong in it).
    pub fn reaches_the_end(&self) -> bool {
        self.state == State::In
    }
}

const LEFT: f64 = 90.0;
const TOP: f64 = 72.0;
const LANE_GAP: f64 = 110.0;
const RED: &str = "#c62828";
const BLUE: &str = "#1f4e9c";
const GREEN: &str = "#2e7d32";

/// The picture of `window`. `title` heads it; `sleeps` says that a client's quiet time
/// between its own signals is a sleep (stages 01-02) rather than a wait for an answer.
pub fn render(window: &Window, cast: &Cast, title: &str, sleeps: bool) -> String {
    let signals = window.signals();
    // The lanes that take part, in the cast's order.
    let mut lanes: Vec<usize> = (0..cast.lanes.len())
        .filter(|&l| signals.iter().any(|s| s.from == l || s.to == l))
        .collect();
    if lanes.is_empty() {
        lanes = (0..cast.lanes.len()).collect();
    }
    let lane_y = |lane: usize| -> f64 {
        TOP + 30.0 + LANE_GAP * lanes.iter().position(|&l| l == lane).unwrap_or(0) as f64
    };
    let ends: Vec<u64> = if window.reaches_the_end() {
        lanes
            .iter()
            .filter_map(|&l| cast.lanes[l].exited_ns)
            .collect()
    } else {
        Vec::new()
    };
    let scale = Scale::new(signals, &ends);
    // Room for the legend, however few the signals.
    let width = (scale.end() + 40.0).max(720.0);
    let height = TOP + 30.0 + LANE_GAP * (lanes.len().max(1) - 1) as f64 + 80.0;

    let mut document = Document::new()
        .set("viewBox", (0, 0, width.ceil(), height.ceil()))
        .set("width", width.ceil())
        .set("height", height.ceil())
        .set("font-family", "sans-serif")
        .set("font-size", 11)
        .add(definitions())
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "white"),
        )
        .add(
            text(10.0, 18.0, title)
                .set("font-size", 13)
                .set("font-weight", "bold"),
        )
        .add(
            text(
                10.0,
                34.0,
                "arrow: a signal, from when it is sent to when it is taken (upright: taken \
                 unseen, by signalfd) · blue SIGUSR1, green SIGUSR2",
            )
            .set("font-size", 10)
            .set("fill", "#555"),
        )
        .add(
            text(
                10.0,
                47.0,
                "red dashes and ✕: lost, merged into the same signal already pending · grey \
                 band: the process sends and takes nothing (it sleeps or waits)",
            )
            .set("font-size", 10)
            .set("fill", "#555"),
        );
    let in_flight = signals.iter().any(|s| s.answered_ns.is_some());
    if in_flight {
        document = document.add(
            text(
                10.0,
                60.0,
                "band between the lanes: a chunk in flight, from its send to the server's \
                 answer that covers it (two bands at once: two chunks in flight)",
            )
            .set("font-size", 10)
            .set("fill", "#555"),
        );
    }
    if window.cut {
        document = document.add(
            text(
                10.0,
                if in_flight { 70.0 } else { 60.0 },
                &format!("cut after {} signals", window.max),
            )
            .set("font-size", 10)
            .set("fill", RED),
        );
    }

    // Lanes, and the quiet stretches on them.
    for &lane in &lanes {
        let y = lane_y(lane);
        document = document
            .add(text(10.0, y + 4.0, &cast.lanes[lane].name()).set("font-weight", "bold"))
            .add(
                text(10.0, y + 17.0, &format!("PID {}", cast.lanes[lane].pid))
                    .set("font-size", 9)
                    .set("fill", "#555"),
            )
            .add(
                Line::new()
                    .set("x1", LEFT)
                    .set("x2", scale.end())
                    .set("y1", y)
                    .set("y2", y)
                    .set("stroke", "#999"),
            );
        let word = match cast.lanes[lane].role {
            Role::Client(_) if sleeps => "sleeps",
            _ => "waits",
        };
        let exited = cast.lanes[lane]
            .exited_ns
            .filter(|_| window.reaches_the_end());
        document = document.add(quiet_bands(signals, lane, exited, y, &scale, word));
        if let Some(at) = exited {
            let x = scale.x(at);
            document = document
                .add(
                    Line::new()
                        .set("x1", x)
                        .set("x2", x)
                        .set("y1", y - 9.0)
                        .set("y2", y + 9.0)
                        .set("stroke", "#333")
                        .set("stroke-width", 3),
                )
                .add(
                    text(x + 4.0, y - 10.0, "exits")
                        .set("font-size", 9)
                        .set("fill", "#333"),
                );
        }
    }

    // Chunks in flight: under the arrows, even and odd chunks on two rows.
    for signal in signals {
        let (Some(answered), Some(index)) = (signal.answered_ns, signal.item()) else {
            continue;
        };
        let (x1, x2) = (scale.x(signal.time_ns), scale.x(answered));
        let middle = (lane_y(signal.from) + lane_y(signal.to)) / 2.0;
        let y = middle + if index % 2 == 0 { 4.0 } else { -12.0 };
        let colour = if signal.sig == 12 { GREEN } else { BLUE };
        document = document.add(
            Rectangle::new()
                .set("x", x1)
                .set("y", y)
                .set("width", (x2 - x1).max(1.0))
                .set("height", 8.0)
                .set("fill", colour)
                .set("fill-opacity", 0.25)
                .add(Title::new(format!(
                    "{} in flight for {}",
                    describe::meaning(signal, cast),
                    describe::duration(answered.saturating_sub(signal.time_ns))
                ))),
        );
    }

    // Arrows.
    let start = signals.first().map_or(0, |s| s.time_ns);
    for signal in signals {
        let x1 = scale.x(signal.time_ns);
        let (y1, y2) = (lane_y(signal.from), lane_y(signal.to));
        let x2 = match signal.taken {
            Some((at, _)) => scale.x(at),
            None => x1,
        };
        let colour = if signal.lost() {
            RED
        } else if signal.sig == 12 {
            GREEN
        } else {
            BLUE
        };
        let towards = if y2 > y1 { -1.0 } else { 1.0 };
        let end = y2 + towards * 6.0;
        let mut group = Group::new().add(Title::new(format!(
            "#{} +{} {} -> {} {}: {}; {}",
            signal.id,
            describe::seconds(signal.time_ns - start),
            cast.lanes[signal.from].name(),
            cast.lanes[signal.to].name(),
            crate::record::signal_name(signal.sig),
            describe::meaning(signal, cast),
            describe::fate(signal)
        )));
        let mut line = Line::new()
            .set("x1", x1)
            .set("y1", y1)
            .set("x2", x2)
            .set("y2", end)
            .set("stroke", colour)
            .set("stroke-width", 1.3);
        if signal.lost() {
            line = line.set("stroke-dasharray", "3 2");
            group = group.add(line).add(cross(x2, y2, RED));
        } else {
            let marker = if signal.sig == 12 {
                "url(#head2)"
            } else {
                "url(#head1)"
            };
            group = group.add(line.set("marker-end", marker));
        }
        // The label, upright along the arrow, near its start.
        let label_y = y1 - towards * 12.0;
        group = group.add(
            text(x1, label_y, &describe::label(signal))
                .set("font-size", 9)
                .set("fill", colour)
                .set("text-anchor", if towards < 0.0 { "end" } else { "start" })
                .set("transform", format!("rotate(-90 {x1:.1} {label_y:.1})")),
        );
        document = document.add(group);
    }

    // The time axis.
    let axis_y = height - 40.0;
    document = document.add(
        Line::new()
            .set("x1", LEFT)
            .set("x2", scale.end())
            .set("y1", axis_y)
            .set("y2", axis_y)
            .set("stroke", "#333"),
    );
    let mut last_tick = f64::NEG_INFINITY;
    for signal in signals {
        let x = scale.x(signal.time_ns);
        if x - last_tick < 80.0 {
            continue;
        }
        last_tick = x;
        document = document
            .add(
                Line::new()
                    .set("x1", x)
                    .set("x2", x)
                    .set("y1", axis_y)
                    .set("y2", axis_y + 4.0)
                    .set("stroke", "#333"),
            )
            .add(
                text(
                    x,
                    axis_y + 16.0,
                    &format!("+{}", describe::duration(signal.time_ns - start)),
                )
                .set("font-size", 9)
                .set("text-anchor", "middle"),
            );
    }
    document = document.add(
        text(
            LEFT,
            axis_y + 32.0,
            "time since the first signal shown (compressed: the space between two signals grows with the log of the time between them)",
        )
        .set("font-size", 9)
        .set("fill", "#555"),
    );
    document.to_string()
}

/// The spans of time, longer than a few microseconds, in which process `lane` sends and
/// takes nothing: grey bands on its lane, labelled with their length where there is room.
fn quiet_bands(
    signals: &[Signal],
    lane: usize,
    exited: Option<u64>,
    y: f64,
    scale: &Scale,
    word: &str,
) -> Group {
    let mut moments: Vec<u64> = exited.into_iter().collect();
    for s in signals {
        if s.from == lane {
            moments.push(s.time_ns);
        }
        if s.to == lane
            && let Some((at, _)) = s.taken
        {
            moments.push(at);
        }
    }
    moments.sort_unstable();
    let mut group = Group::new();
    for pair in moments.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b - a < 20_000 {
            continue;
        }
        let (x1, x2) = (scale.x(a), scale.x(b));
        group = group.add(
            Rectangle::new()
                .set("x", x1)
                .set("y", y - 5.0)
                .set("width", (x2 - x1).max(1.0))
                .set("height", 10.0)
                .set("fill", "#ddd")
                .add(Title::new(format!("{word} {}", describe::duration(b - a)))),
        );
        if x2 - x1 > 70.0 {
            group = group.add(
                text(
                    (x1 + x2) / 2.0,
                    y + 20.0,
                    &format!("{word} {}", describe::duration(b - a)),
                )
                .set("font-size", 9)
                .set("fill", "#555")
                .set("text-anchor", "middle"),
            );
        }
    }
    group
}

/// The compressed time axis: a column per signal.
struct Scale {
    /// (time, x) of each column, in time order.
    columns: Vec<(u64, f64)>,
}

impl Scale {
    fn new(signals: &[Signal], ends: &[u64]) -> Scale {
        let mut times: Vec<u64> = signals.iter().map(|s| s.time_ns).collect();
        times.extend(ends);
        times.extend(signals.iter().filter_map(|s| s.taken.map(|t| t.0)));
        times.extend(signals.iter().filter_map(|s| s.answered_ns));
        times.sort_unstable();
        times.dedup();
        let mut columns = Vec::with_capacity(times.len());
        let mut x = LEFT + 20.0;
        let mut previous: Option<u64> = None;
        for t in times {
            if let Some(p) = previous {
                let gap_us = (t - p) as f64 / 1000.0;
                x += 6.0 + 14.0 * (1.0 + gap_us).log10();
            }
            columns.push((t, x));
            previous = Some(t);
        }
        Scale { columns }
    }

    fn x(&self, t: u64) -> f64 {
        match self.columns.binary_search_by_key(&t, |c| c.0) {
            Ok(i) => self.columns[i].1,
            Err(0) => LEFT + 20.0,
            Err(i) if i == self.columns.len() => self.end(),
            Err(i) => {
                let (t0, x0) = self.columns[i - 1];
                let (t1, x1) = self.columns[i];
                x0 + (x1 - x0) * (t - t0) as f64 / (t1 - t0) as f64
            }
        }
    }

    fn end(&self) -> f64 {
        self.columns.last().map_or(LEFT + 200.0, |c| c.1 + 20.0)
    }
}

fn text(x: f64, y: f64, content: &str) -> Text {
    Text::new(content).set("x", x).set("y", y)
}

fn cross(x: f64, y: f64, colour: &str) -> Path {
    let d = 4.0;
    Path::new()
        .set(
            "d",
            format!(
                "M{} {} L{} {} M{} {} L{} {}",
                x - d,
                y - d,
                x + d,
                y + d,
                x - d,
                y + d,
                x + d,
                y - d
            ),
        )
        .set("stroke", colour)
        .set("stroke-width", 2)
}

fn definitions() -> Definitions {
    let head = |id: &str, colour: &str| {
        Marker::new()
            .set("id", id)
            .set("viewBox", "0 0 10 10")
            .set("refX", 8)
            .set("refY", 5)
            .set("markerWidth", 7)
            .set("markerHeight", 7)
            .set("orient", "auto-start-reverse")
            .add(
                Path::new()
                    .set("d", "M0 0 L10 5 L0 10 z")
                    .set("fill", colour),
            )
    };
    Definitions::new()
        .add(head("head1", BLUE))
        .add(head("head2", GREEN))
}
