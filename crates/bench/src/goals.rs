//! The final stage's performance goals, checked against this run's figures: each is
//! printed as met or not met, with what was measured.

use crate::ceiling::Ceiling;
use crate::report::ceiling_of;
use crate::run::{Outcome, Row};
use crate::size::{KB, MB, format_rate, format_size, three_digits};
use crate::stages::Ceiling as Kind;
use crate::table::{Align, markdown};

pub struct Goal {
    pub goal: String,
    pub measured: String,
    /// `None`: not measured in this run.
    pub met: Option<bool>,
}

const FINAL: &str = "07";

fn find<'r>(rows: &'r [Row], mode: &str, size: usize) -> Option<&'r Row> {
    rows.iter().find(|r| {
        r.stage.id == FINAL && r.size == size && r.mode.map(|m| m.name.as_str()) == Some(mode)
    })
}

fn rate(rows: &[Row], mode: &str, size: usize) -> Option<f64> {
    find(rows, mode, size).and_then(Row::rate)
}

/// A goal met when `value >= at_least`, shown with `show`.
fn at_least(goal: String, value: Option<f64>, at_least: f64, show: impl Fn(f64) -> String) -> Goal {
    Goal {
        goal,
        measured: value.map_or("—".to_owned(), show),
        met: value.map(|v| v >= at_least),
    }
}

fn times(x: f64) -> String {
    format!("{}×", three_digits(x))
}

pub fn evaluate(single: &[Row], concurrent: &[Row], ceiling: &Ceiling) -> Vec<Goal> {
    let mut goals = Vec::new();
    let classic = rate(single, "classic", 100 * KB);
    let unpinned = rate(single, "classic-no-pin", 100 * KB);
    goals.push(at_least(
        "classic, 100 kB: at least 2.5× the same client with `--no-pin`".to_owned(),
        classic.zip(unpinned).map(|(c, u)| c / u),
        2.5,
        |x| {
            format!(
                "{} ({} against {})",
                times(x),
                format_rate(classic.unwrap_or(0.0)),
                format_rate(unpinned.unwrap_or(0.0))
            )
        },
    ));
    let same_cpu = find(single, "classic", 100 * KB)
        .and_then(|row| ceiling_of(row, ceiling))
        .map(|(bytes, _)| bytes);
    goals.push(at_least(
        "classic, 100 kB: at least 80% of the same-CPU ping-pong".to_owned(),
        classic.zip(same_cpu).map(|(c, s)| c / s),
        0.8,
        |x| {
            format!(
                "{}% of {}",
                three_digits(100.0 * x),
                format_rate(same_cpu.unwrap_or(0.0))
            )
        },
    ));
    let payload = rate(single, "payload", MB);
    let one_in_flight = ceiling.bytes_per_second(Kind::Sigqueue, 64);
    goals.push(at_least(
        "payload, 1 MB: at least 1.6× the one-in-flight `sigqueue` ping-pong".to_owned(),
        payload.zip(one_in_flight).map(|(p, c)| p / c),
        1.6,
        |x| {
            format!(
                "{} ({} against {})",
                times(x),
                format_rate(payload.unwrap_or(0.0)),
                format_rate(one_in_flight.unwrap_or(0.0))
            )
        },
    ));
    for mode in ["classic", "payload"] {
        goals.push(flatness(single, mode));
    }
    for mode in ["classic", "payload"] {
        let growth = find(single, mode, MB).and_then(|r| match &r.outcome {
            Outcome::Measured {
                memory: Some(m), ..
            } => Some(m.growth()),
            _ => None,
        });
        goals.push(Goal {
            goal: format!("{mode}, 1 MB: the server's peak memory within 3 MB of its idle size"),
            measured: growth.map_or("—".to_owned(), |kb| {
                format!("+{}", format_size(kb as usize * 1000))
            }),
            met: growth.map(|kb| kb <= 3000),
        });
    }
    for mode in ["classic", "payload"] {
        let together = concurrent
            .iter()
            .find(|r| r.stage.id == FINAL && r.mode.map(|m| m.name.as_str()) == Some(mode));
        let ratio = together.and_then(|t| {
            let alone = rate(single, mode, t.size)?;
            Some((t.rate()? / alone, t.clients, t.size))
        });
        goals.push(at_least(
            format!("{mode}: 4 clients at once together at least 0.9× one client alone"),
            ratio.map(|(r, _, _)| r),
            0.9,
            |x| match ratio {
                Some((_, clients, size)) => {
                    format!("{} ({clients} × {})", times(x), format_size(size))
                }
                None => times(x),
            },
        ));
    }
    goals
}

/// Time per byte from 1 kB to 1 MB, within 10%.
fn flatness(rows: &[Row], mode: &str) -> Goal {
    let sizes = [KB, 10 * KB, 100 * KB, MB];
    let goal = format!("{mode}: time per byte stays flat from 1 kB to 1 MB (within 10%)");
    let per_byte: Vec<Option<f64>> = sizes
        .iter()
        .map(|&size| rate(rows, mode, size).map(|r| 1e6 / r))
        .collect();
    if per_byte.iter().any(Option::is_none) {
        return Goal {
            goal,
            measured: "—".to_owned(),
            met: None,
        };
    }
    let per_byte: Vec<f64> = per_byte.into_iter().flatten().collect();
    let spread = flat_spread(&per_byte);
    let listed: Vec<String> = sizes
        .iter()
        .zip(&per_byte)
        .map(|(&size, us)| format!("{} {} µs", format_size(size), three_digits(*us)))
        .collect();
    Goal {
        goal,
        measured: format!(
            "{}; spread {}%",
            listed.join(", "),
            three_digits(100.0 * spread)
        ),
        met: Some(spread <= 0.10),
    }
}

/// How far the slowest is above the fastest: 0.1 means 10% more time per byte.
pub fn flat_spread(values: &[f64]) -> f64 {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    max / min - 1.0
}

pub fn table(goals: &[Goal]) -> String {
    let rows: Vec<Vec<String>> = goals
        .iter()
        .map(|g| {
            vec![
                g.goal.clone(),
                g.measured.clone(),
                match g.met {
                    Some(true) => "met".to_owned(),
                    Some(false) => "**not met**".to_owned(),
                    None => "not measured".to_owned(),
                },
            ]
        })
        .collect();
    markdown(
        &[
            ("Goal", Align::Left),
            ("Measured", Align::Left),
            ("", Align::Left),
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_relative_to_the_fastest() {
        assert!((flat_spread(&[100.0, 105.0, 110.0]) - 0.10).abs() < 1e-9);
        assert_eq!(flat_spread(&[7.0, 7.0]), 0.0);
    }

    #[test]
    fn goals_not_measured_say_so() {
        let goals = evaluate(&[], &[], &Ceiling::new(Err("no C".to_owned())));
        assert!(goals.iter().all(|g| g.met.is_none()));
        assert!(table(&goals).contains("not measured"));
    }
}
