//! The decoder and the renderers on traces recorded from real runs (`--raw`, in
//! `tests/data/`): what the summary, the text timeline and the SVG say about them.
//!
//! - `01-client-first`: stage 01, "hi", no pause, the client real-time on the server's
//!   CPU: it sent all 24 bits before the server could take one.
//! - `03-stray-before`: stage 03, "ok", after a stray shell signalled the server once
//!   with each signal.
//! - `06-two-clients-stray`: stage 06, clients "first" and "second" at once, and a
//!   stray shell sending three rounds meanwhile.
//! - `07-two-in-flight`, `07-one-in-flight`: stage 07's payload mode, "Hello, two chunks
//!   in flight, both at once!" (42 bytes, a 50-byte frame), with its default two chunks
//!   in flight, and with `--one-in-flight`.

use std::io::BufReader;

use minitalk_trace::pipeline::Shared;
use minitalk_trace::record::{Cast, Role};
use minitalk_trace::summary::Summary;
use minitalk_trace::svg::{self, Window};
use minitalk_trace::{Outputs, Protocol, replay};

struct Replayed {
    summary: Summary,
    cast: Cast,
    timeline: String,
    svg: String,
}

fn replayed(name: &str, stage: u32) -> Replayed {
    replayed_as(name, Protocol::of_stage(stage, false).unwrap())
}

fn replayed_as(name: &str, protocol: Protocol) -> Replayed {
    let path = format!("{}/tests/data/{name}.trace", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let timeline = Shared::default();
    let outputs = Outputs {
        timeline: Some(Box::new(timeline.clone())),
        raw: None,
        window: Some(Window::new(0, 64)),
    };
    let (summary, window, cast, foreign) = replay(BufReader::new(file), protocol, outputs).unwrap();
    assert_eq!(
        foreign, 0,
        "{name}: a recorded event names a process outside the run"
    );
    let svg = svg::render(&window.unwrap(), &cast, name, protocol.sleeps());
    let timeline = timeline.text();
    Replayed {
        summary,
        cast,
        timeline,
        svg,
    }
}

fn lane(cast: &Cast, role: Role) -> usize {
    cast.lanes.iter().position(|l| l.role == role).unwrap()
}

#[test]
fn stage_01_with_the_client_first_loses_all_but_the_first_of_each_signal() {
    let r = replayed("01-client-first", 1);
    let (client, server) = (lane(&r.cast, Role::Client(1)), lane(&r.cast, Role::Server));
    let usr1 = r.summary.counts[&(client, server, 10)];
    let usr2 = r.summary.counts[&(client, server, 12)];
    // "hi" and the terminator: 17 zeros, 7 ones; one of each arrives, the rest merge.
    assert_eq!((usr1.sent, usr1.arrived, usr1.lost), (17, 1, 16));
    assert_eq!((usr2.sent, usr2.arrived, usr2.lost), (7, 1, 6));
    let first = r.summary.first_lost.as_ref().unwrap();
    // 'h' = 0110 1000: bit 1 is the first 1, bit 2 the second (merged).
    assert_eq!(first.item(), Some(2));
    let rendered = r.summary.render(&r.cast);
    assert!(
        rendered.contains("first lost signal: #2") && rendered.contains("byte 0 'h', bit 2"),
        "{rendered}"
    );
    assert_eq!(r.timeline.lines().count(), 24, "{}", r.timeline);
    assert_eq!(
        r.timeline.matches("LOST (merged").count(),
        22,
        "{}",
        r.timeline
    );
    assert!(
        r.timeline
            .lines()
            .last()
            .unwrap()
            .contains("terminator, bit 7")
    );
    // One arrow per signal, a red cross per lost one.
    assert_eq!(r.svg.matches("<title>#").count(), 24);
    assert_eq!(r.svg.matches("stroke-dasharray").count(), 22);
    assert!(r.svg.contains(">\nclient\n<") && r.svg.contains(">\nserver\n<"));
}

#[test]
fn stage_03_answers_every_bit_and_never_the_stray() {
    let r = replayed("03-stray-before", 3);
    let (client, server, stray) = (
        lane(&r.cast, Role::Client(1)),
        lane(&r.cast, Role::Server),
        lane(&r.cast, Role::Stray),
    );
    let bits =
        r.summary.counts[&(client, server, 10)].sent + r.summary.counts[&(client, server, 12)].sent;
    assert_eq!(bits, 24, "\"ok\" and its terminator");
    let acks = r.summary.counts[&(server, client, 10)];
    let done = r.summary.counts[&(server, client, 12)];
    assert_eq!((acks.sent, acks.lost, done.sent, done.lost), (23, 0, 1, 0));
    assert_eq!(r.summary.done, 1);
    assert!(
        !r.summary
            .counts
            .keys()
            .any(|&(from, to, _)| from == server && to == stray)
    );
    assert_eq!(r.summary.strays, 2);
    assert!(r.summary.first_lost.is_none());
    assert!(r.timeline.contains("stray -> server"), "{}", r.timeline);
    assert!(
        r.timeline.contains("ack of 22") && r.timeline.contains("done: the message is printed")
    );
    // The client waits for each answer: its sigwaitinfo shows when it took it.
    assert!(r.timeline.contains("by sigwaitinfo"), "{}", r.timeline);
}

#[test]
fn stage_06_shows_knocks_turns_a_wait_in_line_and_a_resend() {
    let r = replayed("06-two-clients-stray", 6);
    assert_eq!(r.summary.turns, 2);
    assert_eq!(r.summary.done, 2);
    assert!(r.summary.knocks >= 2);
    assert!(r.summary.waits >= 1, "{}", r.summary.render(&r.cast));
    assert_eq!(r.summary.strays, 6);
    assert!(r.summary.resent() >= 1, "{}", r.summary.render(&r.cast));
    // "first" and "second" as stage 06 frames: (length + message + checksum) * 8.
    let rendered = r.summary.render(&r.cast);
    assert!(rendered.contains("client: 104 items sent"), "{rendered}");
    assert!(rendered.contains("client 2: 112 items sent"), "{rendered}");
    assert!(r.timeline.contains("knock: may I send?"));
    assert!(r.timeline.contains("your turn (ack 0)"));
    assert!(r.timeline.contains("wait in line"));
    assert!(r.timeline.contains("again (resent)"), "{}", r.timeline);
    assert!(r.timeline.contains("(length header, bit 0)"));
    assert!(r.timeline.contains("(checksum, bit 31)"));
}

#[test]
fn the_picture_shows_only_the_chosen_bits() {
    let path = format!(
        "{}/tests/data/01-client-first.trace",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = std::fs::File::open(path).unwrap();
    let outputs = Outputs {
        window: Some(Window::new(8, 16)),
        ..Outputs::default()
    };
    let (_, window, cast, _) = replay(
        BufReader::new(file),
        Protocol::of_stage(1, false).unwrap(),
        outputs,
    )
    .unwrap();
    let window = window.unwrap();
    let items: Vec<u64> = window.signals().iter().filter_map(|s| s.item()).collect();
    assert_eq!(items, (8..16).collect::<Vec<_>>());
    let picture = svg::render(&window, &cast, "byte 1", true);
    assert!(picture.contains("byte 1 'i'"), "the tooltips name the byte");
}

#[test]
fn stage_07_two_in_flight_sends_the_next_chunk_before_the_answer() {
    let r = replayed_as("07-two-in-flight", Protocol::of_stage(7, true).unwrap());
    let rendered = r.summary.render(&r.cast);
    // 50 bytes of frame, 63 bits per chunk: 7 chunks (64 bits each would be 7 too, but
    // the order of the signals below is only two in flight's).
    assert!(rendered.contains("client: 7 items sent in"), "{rendered}");
    assert!(
        rendered.contains("client: at most 2 chunks in flight at once"),
        "{rendered}"
    );
    assert_eq!((r.summary.done, r.summary.resent()), (1, 0), "{rendered}");
    let lines: Vec<&str> = r.timeline.lines().collect();
    // Chunk 1 goes before any answer to chunk 0: two in flight.
    let at = |what: &str| {
        lines
            .iter()
            .position(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} in\n{}", r.timeline))
    };
    assert!(at("chunk 0 ") < at("chunk 1 "));
    assert!(at("chunk 1 ") < at("ack: holds"), "{}", r.timeline);
    assert!(lines[at("chunk 1 ")].contains("SIGUSR1"));
    assert!(lines[at("chunk 2 ")].contains("SIGUSR2"));
    assert!(r.timeline.contains("done: the message is printed"));
    assert!(!r.timeline.contains("again"), "{}", r.timeline);
    // Every chunk has its band in the picture, from its send to its answer.
    assert_eq!(r.svg.matches(" in flight for ").count(), 7, "{}", r.svg);
}

#[test]
fn stage_07_one_in_flight_is_told_from_the_trace_too() {
    let r = replayed_as("07-one-in-flight", Protocol::of_stage(7, true).unwrap());
    let rendered = r.summary.render(&r.cast);
    assert!(rendered.contains("client: 7 items sent in"), "{rendered}");
    assert!(
        rendered.contains("client: at most 1 chunk in flight at once"),
        "{rendered}"
    );
    assert_eq!(r.summary.done, 1, "{rendered}");
    // Each chunk is answered (ACK, SIGUSR1) before the next goes.
    for n in 0..6 {
        assert!(
            r.timeline.contains(&format!("ack of {n} ")),
            "no answer to chunk {n}:\n{}",
            r.timeline
        );
    }
    assert!(!r.timeline.contains("ack: holds"), "{}", r.timeline);
}
