//! The final stage's performance goals (issue 4), checked against this run's figures.

use crate::run::{Outcome, Row};
use crate::size::{KB, MB, format_size, three_digits};
use crate::table::{Align, markdown};

pub struct Goal {
    pub goal: String,
    pub measured: String,
    /// `None`: not measured in this run.
    pub met: Option<bool>,
}

const FINAL: &str = "07";

fn rate(rows: &[Row], mode: &str, size: usize) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r.stage.id == FINAL
                && r.clients == 1
                && r.size == size
                && r.mode.map(|m| m.name.as_str()) == Some(mode)
        })
        .and_then(Row::rate)
}

pub fn evaluate(rows: &[Row], ceiling: Option<f64>) -> Vec<Goal> {
    let mut goals = Vec::new();
    for size in [10 * KB, 100 * KB] {
        let share = rate(rows, "classic", size).zip(ceiling).map(|(r, c)| r / c);
        goals.push(Goal {
            goal: format!(
                "classic mode reaches 97% of the ceiling on {}",
                format_size(size)
            ),
            measured: share.map_or("—".to_owned(), |s| {
                format!("{}%", three_digits(100.0 * s))
            }),
            met: share.map(|s| s >= 0.97),
        });
    }
    let speedup = rate(rows, "payload", 100 * KB)
        .zip(rate(rows, "classic", 100 * KB))
        .map(|(p, c)| p / c);
    goals.push(Goal {
        goal: "payload mode is 40 times faster than classic on 100 kB".to_owned(),
        measured: speedup.map_or("—".to_owned(), |s| format!("{}×", three_digits(s))),
        met: speedup.map(|s| s >= 40.0),
    });
    for mode in ["classic", "payload"] {
        goals.push(flatness(rows, mode));
    }
    for mode in ["classic", "payload"] {
        let growth = rows
            .iter()
            .find(|r| r.stage.id == FINAL && r.size == MB && r.mode.map(|m| m.name.as_str()) == Some(mode))
            .and_then(|r| match &r.outcome {
                Outcome::Measured {
                    memory: Some(m), ..
                } => Some(m.growth()),
                _ => None,
            });
        goals.push(Goal {
            goal: format!(
                "{mode}: the server's peak memory for 1 MB stays within 3 MB of its idle size"
            ),
            measured: growth.map_or("—".to_owned(), |kb| {
                format!("+{}", format_size(kb as usize * 1000))
            }),
            met: growth.map(|kb| kb <= 3000),
        });
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
            ("Goal (issue 4)", Align::Left),
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
        let goals = evaluate(&[], Some(10_000.0));
        assert!(goals.iter().all(|g| g.met.is_none()));
        assert!(table(&goals).contains("not measured"));
    }
}
