//! Words for a signal: what it means (long, for the text timeline and the SVG's
//! tooltips) and a label of a character or two (for the SVG's arrows).

use crate::event::TakenBy;
use crate::protocol::Part;
use crate::record::{Cast, Meaning, Signal, signal_name};

/// "bit 9 = 1 (byte 1 'i', bit 1)", "ack of bit 9", "knock", …
pub fn meaning(signal: &Signal, cast: &Cast) -> String {
    let message = cast.lanes[signal.from].message.as_deref();
    let item = |index: u64, value: Option<bool>| -> String {
        let what = match signal.part {
            None => format!("item {index}"),
            Some(_) => format!("bit {index}"),
        };
        let value = value.map_or(String::new(), |v| format!(" = {}", u8::from(v)));
        let part = signal
            .part
            .map_or(String::new(), |p| format!(" ({})", part(p, message)));
        if signal.part.is_none() && value.is_empty() {
            format!("chunk {index}")
        } else {
            format!("{what}{value}{part}")
        }
    };
    match signal.meaning {
        Meaning::Item { index, value } => item(index, value),
        Meaning::Resend { index, value } => format!("{} again (resent)", item(index, value)),
        Meaning::Ack { index } => format!("ack of {index}"),
        Meaning::AckAgain { index } => format!("ack of {index} again"),
        Meaning::AckUpTo { index: 0 } => "ack: holds chunk 0".into(),
        Meaning::AckUpTo { index } => format!("ack: holds chunks 0 to {index}"),
        Meaning::Done => "done: the message is printed".into(),
        Meaning::Refused => "refused (done before the last bit)".into(),
        Meaning::Knock => "knock: may I send?".into(),
        Meaning::KnockAgain => "knock again (resent: no answer came)".into(),
        Meaning::Turn => "your turn (ack 0)".into(),
        Meaning::Wait => "wait in line (or refused)".into(),
        Meaning::Stray => "stray: not part of any message".into(),
        Meaning::Answer => "answer".into(),
        Meaning::Other => "outside the protocol".into(),
    }
}

/// Which part of the message a bit is, in words.
pub fn part(part: Part, message: Option<&[u8]>) -> String {
    match part {
        Part::Header { bit } => format!("length header, bit {bit}"),
        Part::Byte { byte, bit } => {
            let shown = message
                .and_then(|m| m.get(byte as usize))
                .map_or(String::new(), |&b| format!(" {}", show_byte(b)));
            format!("byte {byte}{shown}, bit {bit}")
        }
        Part::Terminator { bit } => format!("terminator, bit {bit}"),
        Part::Checksum { bit } => format!("checksum, bit {bit}"),
        Part::Beyond => "past the end of the frame".into(),
    }
}

fn show_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() || byte == b' ' {
        format!("'{}'", byte as char)
    } else {
        format!("0x{byte:02x}")
    }
}

/// A label of one to four characters for an arrow.
pub fn label(signal: &Signal) -> String {
    match signal.meaning {
        Meaning::Item { value: Some(v), .. } => u8::from(v).to_string(),
        Meaning::Item { index, value: None } => format!("c{index}"),
        Meaning::Resend { value: Some(v), .. } => format!("{}↻", u8::from(v)),
        Meaning::Resend { value: None, index } => format!("c{index}↻"),
        Meaning::Ack { .. } | Meaning::AckUpTo { .. } => "ack".into(),
        Meaning::AckAgain { .. } => "ack↻".into(),
        Meaning::Done => "done".into(),
        Meaning::Refused => "refused".into(),
        Meaning::Knock => "knock".into(),
        Meaning::KnockAgain => "knock↻".into(),
        Meaning::Turn => "turn".into(),
        Meaning::Wait => "wait".into(),
        Meaning::Stray => "stray".into(),
        Meaning::Answer => "ans".into(),
        Meaning::Other => "?".into(),
    }
}

/// What became of the signal: "LOST (merged: already pending)", "taken after 4 µs by
/// the handler", "queued".
pub fn fate(signal: &Signal) -> String {
    match signal.taken {
        _ if signal.lost() => signal.outcome.word().to_owned(),
        Some((at, by)) => format!(
            "taken after {} by {}",
            duration(at.saturating_sub(signal.time_ns)),
            match by {
                TakenBy::Handler => "its handler",
                TakenBy::Wait => "sigwaitinfo",
            }
        ),
        None => signal.outcome.word().to_owned(),
    }
}

/// The line of the text timeline for `signal`; `start` is the time of the first event.
pub fn line(signal: &Signal, cast: &Cast, start: u64) -> String {
    format!(
        "{:>12}  {:>8} -> {:<8}  {:<7}  {:<44}  {}",
        format!("+{}", seconds(signal.time_ns.saturating_sub(start))),
        cast.lanes[signal.from].name(),
        cast.lanes[signal.to].name(),
        signal_name(signal.sig),
        meaning(signal, cast),
        fate(signal)
    )
}

/// Seconds with microseconds: "0.001234 s".
pub fn seconds(ns: u64) -> String {
    format!(
        "{}.{:06} s",
        ns / 1_000_000_000,
        (ns % 1_000_000_000) / 1000
    )
}

/// A duration in the unit that suits it: "850 ns", "12 µs", "3.4 ms", "5.00 s".
pub fn duration(ns: u64) -> String {
    match ns {
        0..1_000 => format!("{ns} ns"),
        // The kernel prints times to the microsecond.
        1_000..1_000_000 => format!("{} µs", ns / 1000),
        1_000_000..1_000_000_000 => format!("{:.1} ms", ns as f64 / 1e6),
        _ => format!("{:.2} s", ns as f64 / 1e9),
    }
}
