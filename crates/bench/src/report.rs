//! The results as markdown tables (stdout and the book) and as CSV.

use crate::ceiling::{Ceiling, VARIANTS, Variant};
use crate::machine::Machine;
use crate::pingpong::Way;
use crate::run::{Outcome, Row};
use crate::size::{format_rate, format_size, grouped, three_digits};
use crate::stages::Transport;
use crate::stats::Summary;
use crate::table::{Align, markdown};

/// How the run was set up, for the machine note.
pub struct Setup {
    pub n: u64,
    pub runs: usize,
    /// Average number of CPUs other programs kept busy during the run.
    pub others_busy: f64,
    pub build_note: Option<String>,
}

pub fn machine(machine: &Machine, setup: &Setup) -> String {
    let mut out = format!(
        "Measured on {} on a {}-CPU {} (Linux {}, {} RAM), {}, {}. \
         Ping-pong: {} round trips per run, {} runs of each variant before the stages and \
         {} after them; every stage figure is the median of {} runs.\n",
        machine.date,
        machine.cpus,
        machine.cpu,
        machine.kernel,
        machine.memory,
        machine.rustc,
        machine.cc,
        grouped(setup.n as f64),
        setup.runs,
        setup.runs,
        setup.runs,
    );
    out.push('\n');
    out.push_str(&format!(
        "While it ran, other programs kept {:.2} of the {} CPUs busy on average{}\n",
        setup.others_busy,
        machine.cpus,
        if setup.others_busy >= 0.25 {
            ": other work was running, so the absolute figures are lower and noisier than \
             on a quiet machine. The ratios, measured side by side in the same run, hold \
             better."
        } else {
            " (a quiet machine)."
        }
    ));
    if let Some(note) = &setup.build_note {
        out.push_str(&format!("\n> [!WARNING]\n> {note}\n"));
    }
    out
}

pub fn ceiling(ceiling: &Ceiling) -> String {
    let mut rows = Vec::new();
    for variant in VARIANTS {
        let rust = ceiling.round_trips("Rust", variant);
        let c = ceiling.round_trips("C", variant);
        let error = |language: &str| {
            ceiling
                .row(language, variant)
                .and_then(|r| r.result().err())
        };
        let carries = match variant.way {
            Way::Sigtimedwait | Way::Sigsuspend => 1.0,
            Way::Sigqueue | Way::TwoInFlight => 64.0,
        };
        rows.push(vec![
            variant.describe(),
            rust.map_or_else(
                || format!("FAILED: {}", error("Rust").unwrap_or_default()),
                |s| grouped(s.median),
            ),
            rust.map_or_else(String::new, |s| {
                format!("{}–{}", grouped(s.min), grouped(s.max))
            }),
            rust.map_or_else(String::new, |s| format_rate(s.median * carries / 8.0)),
            match (c, error("C")) {
                (Some(s), _) => grouped(s.median),
                (None, Some(why)) => format!("FAILED: {why}"),
                (None, None) => "—".to_owned(),
            },
            match (rust, c) {
                (Some(r), Some(c)) => format!("{:.0}%", 100.0 * r.median / c.median),
                _ => "—".to_owned(),
            },
        ]);
    }
    let mut out = markdown(
        &[
            ("Ping-pong", Align::Left),
            ("Round trips/s (Rust)", Align::Right),
            ("min–max", Align::Right),
            ("As a ceiling", Align::Right),
            ("Round trips/s (C)", Align::Right),
            ("Rust ÷ C", Align::Right),
        ],
        &rows,
    );
    out.push_str(
        "\n*As a ceiling*: one bit per round trip for `kill` (the signal\'s number is the \
         bit), 64 bits for `sigqueue` (the value).\n",
    );
    if let Some(why) = ceiling.c_missing() {
        out.push_str(&format!("\nThe C ping-pong did not run: {why}.\n"));
    }
    out
}

/// The ceiling `row`'s mode is compared with, in bytes per second, and its name.
pub fn ceiling_of(row: &Row, ceiling: &Ceiling) -> Option<(f64, String)> {
    let mode = row.mode?;
    let variant = Variant::of(mode.ceiling)?;
    let bytes = ceiling.bytes_per_second(mode.ceiling, mode.bits)?;
    Some((bytes, variant.describe()))
}

/// Every stage, one row per mode and size, each against the ceiling of its own kind.
pub fn stages(rows: &[Row], ceiling: &Ceiling) -> String {
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let against = ceiling_of(row, ceiling);
            let mut cells = vec![
                format!("{} {}", row.stage.id, row.stage.label),
                row.mode.map_or("—", |m| m.name.as_str()).to_owned(),
                size_cell(row),
            ];
            let [rate, range, share, delivery] =
                outcome_cells(row, against.as_ref().map(|(bytes, _)| *bytes));
            cells.extend([rate, range]);
            cells.push(match (&against, share.is_empty()) {
                (Some((_, name)), false) => name.clone(),
                _ => String::new(),
            });
            cells.extend([share, delivery]);
            cells
        })
        .collect();
    markdown(
        &[
            ("Stage", Align::Left),
            ("Mode", Align::Left),
            ("Size", Align::Right),
            ("Bytes/s (median)", Align::Right),
            ("min–max", Align::Right),
            ("Compared with", Align::Left),
            ("% of that ceiling", Align::Right),
            ("Delivery", Align::Left),
        ],
        &table,
    )
}

/// Signals against sockets on the same sizes: the last signal stage measured in each
/// mode next to the socket chat (for the sockets chapter).
pub fn transports(rows: &[Row]) -> String {
    let measured = |stage: &str, mode: &str, size: usize| {
        rows.iter()
            .find(|r| {
                r.stage.id == stage
                    && r.size == size
                    && r.mode.map(|m| m.name.as_str()) == Some(mode)
            })
            .and_then(Row::rate)
    };
    // The newest signal stage with a classic figure: stage 07 once it exists.
    let classic_stage = rows
        .iter()
        .filter(|r| r.stage.bench.transport == Transport::Signals && r.rate().is_some())
        .filter(|r| r.mode.map(|m| m.name.as_str()) == Some("classic"))
        .map(|r| r.stage.id.as_str())
        .max();
    let mut sizes: Vec<usize> = rows
        .iter()
        .filter(|r| r.stage.bench.transport == Transport::Tcp)
        .map(|r| r.size)
        .filter(|&s| s > 0)
        .collect();
    sizes.dedup();
    let (Some(classic_stage), false) = (classic_stage, sizes.is_empty()) else {
        return "No comparison in this run (it needs a signal stage and the socket stage).\n"
            .to_owned();
    };
    let tcp_stage = rows
        .iter()
        .find(|r| r.stage.bench.transport == Transport::Tcp)
        .map_or("08", |r| r.stage.id.as_str());
    let cell = |rate: Option<f64>| rate.map_or("—".to_owned(), format_rate);
    let table: Vec<Vec<String>> = sizes
        .iter()
        .map(|&size| {
            let classic = measured(classic_stage, "classic", size);
            let payload = measured("07", "payload", size);
            let tcp = measured(tcp_stage, "tcp", size);
            vec![
                format_size(size),
                cell(classic),
                cell(payload),
                cell(tcp),
                match (tcp, classic) {
                    (Some(t), Some(c)) => format!("{}×", grouped(t / c)),
                    _ => "—".to_owned(),
                },
            ]
        })
        .collect();
    markdown(
        &[
            ("Message", Align::Right),
            (
                &format!("Signals, 1 bit each (stage {classic_stage})"),
                Align::Right,
            ),
            ("Signals, 64 bits each (stage 07 payload)", Align::Right),
            (&format!("TCP (stage {tcp_stage})"), Align::Right),
            ("TCP ÷ 1 bit per signal", Align::Right),
        ],
        &table,
    )
}

/// The server's memory, for the stages that report it.
pub fn memory(rows: &[Row]) -> String {
    let table: Vec<Vec<String>> = rows
        .iter()
        .filter_map(|row| match &row.outcome {
            Outcome::Measured {
                memory: Some(m), ..
            } => Some(vec![
                format!(
                    "{} {}",
                    row.stage.id,
                    row.mode.map_or("", |m| m.name.as_str())
                ),
                format_size(row.size),
                kilobytes(m.idle_rss),
                kilobytes(m.idle_hwm),
                kilobytes(m.peak_hwm),
                kilobytes(m.growth()),
            ]),
            _ => None,
        })
        .collect();
    if table.is_empty() {
        return "No memory figures in this run (the final stage did not run).\n".to_owned();
    }
    markdown(
        &[
            ("Stage, mode", Align::Left),
            ("Message", Align::Right),
            ("Idle VmRSS", Align::Right),
            ("Idle VmHWM", Align::Right),
            ("Peak VmHWM", Align::Right),
            ("Peak − idle VmRSS", Align::Right),
        ],
        &table,
    )
}

/// Several clients at once, against one.
pub fn concurrency(concurrent: &[Row], single: &[Row]) -> String {
    if concurrent.is_empty() {
        return "No concurrency figures in this run.\n".to_owned();
    }
    let table: Vec<Vec<String>> = concurrent
        .iter()
        .map(|row| {
            let alone = single
                .iter()
                .find(|s| {
                    std::ptr::eq(s.stage, row.stage)
                        && s.mode.map(|m| m.name.as_str()) == row.mode.map(|m| m.name.as_str())
                        && s.size == row.size
                })
                .and_then(Row::rate);
            let mut cells = vec![
                format!("{} {}", row.stage.id, row.stage.label),
                row.mode.map_or("—", |m| m.name.as_str()).to_owned(),
                format!("{} × {}", row.clients, format_size(row.size)),
            ];
            let outcome = outcome_cells(row, None);
            cells.extend([outcome[0].clone(), outcome[1].clone()]);
            cells.push(alone.map_or("—".to_owned(), format_rate));
            cells.push(match (row.rate(), alone) {
                (Some(all), Some(one)) => format!("{}×", three_digits(all / one)),
                _ => "—".to_owned(),
            });
            cells.push(outcome[3].clone());
            cells
        })
        .collect();
    markdown(
        &[
            ("Stage", Align::Left),
            ("Mode", Align::Left),
            ("Clients × size", Align::Right),
            ("Together, bytes/s", Align::Right),
            ("min–max", Align::Right),
            ("One client alone", Align::Right),
            ("Together ÷ alone", Align::Right),
            ("Delivery", Align::Left),
        ],
        &table,
    )
}

fn size_cell(row: &Row) -> String {
    match row.outcome {
        Outcome::NotAvailable(_) => "—".to_owned(),
        _ => format_size(row.size),
    }
}

/// Median, range, % of the ceiling, delivery: a failure never shows a speed.
fn outcome_cells(row: &Row, ceiling: Option<f64>) -> [String; 4] {
    match &row.outcome {
        Outcome::Measured { rate, .. } => [
            format_rate(rate.median),
            range(rate),
            ceiling.map_or("—".to_owned(), |c| percent(rate.median / c)),
            format!("correct, {}/{} runs", rate.count, rate.count),
        ],
        Outcome::Failed {
            reason,
            failed,
            runs,
        } => [
            "FAILED".to_owned(),
            String::new(),
            String::new(),
            format!("FAILED in {failed} of {runs} runs; first: {reason}"),
        ],
        Outcome::NotAvailable(why) => [
            "not available".to_owned(),
            String::new(),
            String::new(),
            why.clone(),
        ],
    }
}

/// `9.7–9.9 kB/s`: both ends in the unit of the larger one.
pub fn range(summary: &Summary) -> String {
    let (scale, unit) = match summary.max {
        m if m >= 1e9 => (1e9, "GB/s"),
        m if m >= 1e6 => (1e6, "MB/s"),
        m if m >= 1e3 => (1e3, "kB/s"),
        _ => (1.0, "B/s"),
    };
    format!(
        "{}–{} {unit}",
        three_digits(summary.min / scale),
        three_digits(summary.max / scale)
    )
}

/// `59.1%`, `4.2%`, `104%`; ten times or more as a multiple: `41×`, `7 493×`.
pub fn percent(fraction: f64) -> String {
    if fraction >= 10.0 {
        format!("{}×", grouped(fraction))
    } else {
        format!("{}%", three_digits(fraction * 100.0))
    }
}

fn kilobytes(kb: u64) -> String {
    format_size(kb as usize * 1000)
}

/// Every figure in one machine-readable file.
pub fn csv(ceiling: &Ceiling, single: &[Row], concurrent: &[Row]) -> String {
    let mut out = String::from(
        "kind,stage,mode,size_bytes,clients,runs,median,min,max,unit,status,detail,\
         idle_rss_kb,idle_hwm_kb,peak_hwm_kb\n",
    );
    for row in &ceiling.rows {
        let (status, detail, s) = match row.result() {
            Ok(s) => ("ok", String::new(), Some(s)),
            Err(why) => ("failed", why, None),
        };
        out.push_str(&csv_line(&[
            "ceiling".into(),
            row.language.into(),
            row.variant.name(),
            String::new(),
            "2".into(),
            s.map_or(String::new(), |s| s.count.to_string()),
            s.map_or(String::new(), |s| format!("{:.1}", s.median)),
            s.map_or(String::new(), |s| format!("{:.1}", s.min)),
            s.map_or(String::new(), |s| format!("{:.1}", s.max)),
            "round_trips_per_s".into(),
            status.into(),
            detail,
            String::new(),
            String::new(),
            String::new(),
        ]));
    }
    for row in single.iter().chain(concurrent) {
        let (status, detail, s, m) = match &row.outcome {
            Outcome::Measured { rate, memory } => ("ok", String::new(), Some(*rate), *memory),
            Outcome::Failed {
                reason,
                failed,
                runs,
            } => (
                "failed",
                format!("{failed} of {runs} runs failed; first: {reason}"),
                None,
                None,
            ),
            Outcome::NotAvailable(why) => ("not_available", why.clone(), None, None),
        };
        out.push_str(&csv_line(&[
            if row.clients > 1 {
                "concurrent"
            } else {
                "stage"
            }
            .into(),
            row.stage.id.clone(),
            row.mode.map_or("", |m| m.name.as_str()).into(),
            if row.size > 0 {
                row.size.to_string()
            } else {
                String::new()
            },
            row.clients.to_string(),
            s.map_or(String::new(), |s| s.count.to_string()),
            s.map_or(String::new(), |s| format!("{:.1}", s.median)),
            s.map_or(String::new(), |s| format!("{:.1}", s.min)),
            s.map_or(String::new(), |s| format!("{:.1}", s.max)),
            "bytes_per_s".into(),
            status.into(),
            detail,
            m.map_or(String::new(), |m| m.idle_rss.to_string()),
            m.map_or(String::new(), |m| m.idle_hwm.to_string()),
            m.map_or(String::new(), |m| m.peak_hwm.to_string()),
        ]));
    }
    out
}

/// One CSV line; fields with a comma, a quote or a newline are quoted.
fn csv_line(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| match f.contains([',', '"', '\n']) {
            true => format!("\"{}\"", f.replace('"', "\"\"")),
            false => f.clone(),
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceiling::tests::measured;
    use crate::stages::tests::stage;

    fn summary(median: f64) -> Summary {
        Summary {
            median,
            min: median * 0.9,
            max: median * 1.1,
            count: 3,
        }
    }

    fn row(outcome: Outcome) -> Row {
        Row {
            stage: stage("03"),
            mode: Some(&stage("03").bench.modes[0]),
            size: 10_000,
            clients: 1,
            outcome,
        }
    }

    #[test]
    fn a_failed_delivery_shows_no_speed() {
        let rows = [row(Outcome::Failed {
            reason: "line 1: 9999 bytes printed where 10000 were sent".into(),
            failed: 2,
            runs: 3,
        })];
        let table = stages(&rows, &measured(crate::stages::Ceiling::Kill, 80_000.0));
        let line = table.lines().nth(2).unwrap();
        assert!(line.contains("FAILED in 2 of 3 runs"), "{line}");
        assert!(
            !line.contains("B/s"),
            "a failure must not show a rate: {line}"
        );
        assert!(!line.contains('%'), "{line}");
    }

    #[test]
    fn a_measured_row_shows_rate_range_and_share_of_the_ceiling() {
        let table = stages(
            &[row(Outcome::Measured {
                rate: summary(5_000.0),
                memory: None,
            })],
            &measured(crate::stages::Ceiling::Kill, 80_000.0),
        );
        let line = table.lines().nth(2).unwrap();
        for part in [
            "5 kB/s",
            "4.5–5.5 kB/s",
            "50%",
            "kill, taken with sigtimedwait",
            "correct, 3/3 runs",
            "10 kB",
        ] {
            assert!(line.contains(part), "{part:?} missing in {line}");
        }
    }

    #[test]
    fn a_missing_stage_says_so() {
        let rows = [Row {
            stage: stage("04"),
            mode: None,
            size: 0,
            clients: 1,
            outcome: Outcome::NotAvailable("not built: stage04-server".into()),
        }];
        let table = stages(&rows, &measured(crate::stages::Ceiling::Kill, 80_000.0));
        assert!(table.contains("not available"), "{table}");
        assert!(table.contains("not built: stage04-server"), "{table}");
    }

    #[test]
    fn sockets_are_compared_with_the_newest_signal_stage() {
        let measured = |id: &str, rate: f64| Row {
            stage: stage(id),
            mode: Some(&stage(id).bench.modes[0]),
            size: 10_000,
            clients: 1,
            outcome: Outcome::Measured {
                rate: summary(rate),
                memory: None,
            },
        };
        let table = transports(&[
            measured("03", 5_000.0),
            measured("06", 10_000.0),
            measured("08", 1e7),
        ]);
        let line = table.lines().nth(2).unwrap();
        assert!(table.contains("stage 06"), "{table}");
        assert!(
            line.contains("10 kB/s") && line.contains("10 MB/s"),
            "{line}"
        );
        assert!(line.contains("1 000×"), "{line}");
    }

    #[test]
    fn percentages_keep_sensible_digits() {
        assert_eq!(percent(0.5912), "59.1%");
        assert_eq!(percent(0.042), "4.2%");
        assert_eq!(percent(1.04), "104%");
        assert_eq!(percent(41.0), "41×");
        assert_eq!(percent(7493.2), "7 493×");
    }

    #[test]
    fn csv_quotes_fields_with_commas() {
        assert_eq!(csv_line(&["a".into(), "b, c".into()]), "a,\"b, c\"\n");
    }
}
