//! The chart in the book: bytes per second per stage, one bar per message size, on a
//! logarithmic axis (the stages span five orders of magnitude). Plain SVG written by
//! hand: a few rectangles and lines do not need a plotting library.

use std::fmt::Write;

use crate::size::format_rate;

/// One bar: `value` is bytes per second, or the reason there is no bar. Bars with the
/// same `group` (and `detail`) are drawn together under one two-line label.
pub struct Bar {
    pub group: String,
    /// The label's second, smaller line.
    pub detail: String,
    /// Index into the legend (the message size).
    pub series: usize,
    pub value: Result<f64, String>,
}

const WIDTH: f64 = 880.0;
const LABELS: f64 = 270.0;
const PLOT_END: f64 = 770.0;
const TOP: f64 = 56.0;
const BAR: f64 = 12.0;
const GAP: f64 = 2.0;
const GROUP_GAP: f64 = 10.0;
const COLOURS: [&str; 6] = [
    "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b",
];

/// The whole SVG document. `ceiling` draws a dashed line at that rate with its label.
pub fn svg(title: &str, legend: &[String], bars: &[Bar], ceiling: Option<(f64, &str)>) -> String {
    let values: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.value.as_ref().ok().copied())
        .chain(ceiling.map(|(c, _)| c))
        .filter(|v| *v > 0.0)
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    let (first, last) = if values.is_empty() {
        (0, 1)
    } else {
        let first = low.log10().floor() as i32;
        (first, (high.log10().ceil() as i32).max(first + 1))
    };
    let x = |value: f64| {
        let fraction = (value.log10() - first as f64) / (last - first) as f64;
        LABELS + fraction.clamp(0.0, 1.0) * (PLOT_END - LABELS)
    };

    // Lay the bars out top to bottom, a gap between groups, and every group at least
    // two bars high so that its two-line label fits.
    let mut rows = Vec::new();
    let mut y = TOP;
    let mut group_top = TOP;
    let mut previous: Option<(&str, &str)> = None;
    for bar in bars {
        let key = (bar.group.as_str(), bar.detail.as_str());
        let new_group = previous != Some(key);
        if new_group && previous.is_some() {
            y = y.max(group_top + 2.0 * (BAR + GAP)) + GROUP_GAP;
        }
        if new_group {
            group_top = y;
        }
        rows.push((bar, y, new_group));
        previous = Some(key);
        y += BAR + GAP;
    }
    if previous.is_some() {
        y = y.max(group_top + 2.0 * (BAR + GAP));
    }
    let plot_bottom = y + 4.0;
    let height = plot_bottom + 36.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    // A background of its own, so the chart reads the same in the book's dark themes.
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="18" font-size="14" font-weight="bold">{}</text>"#,
        LABELS,
        escape(title)
    );
    for (i, name) in legend.iter().enumerate() {
        let lx = LABELS + i as f64 * 90.0;
        let _ = writeln!(
            out,
            r#"<rect x="{lx}" y="28" width="12" height="12" fill="{}"/><text x="{}" y="38">{}</text>"#,
            COLOURS[i % COLOURS.len()],
            lx + 16.0,
            escape(name)
        );
    }
    // One vertical line and label per power of ten.
    for power in first..=last {
        let gx = x(10f64.powi(power));
        let _ = writeln!(
            out,
            r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{plot_bottom}" stroke="#ddd"/><text x="{gx:.1}" y="{}" text-anchor="middle">{}</text>"##,
            plot_bottom + 14.0,
            format_rate(10f64.powi(power))
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">bytes per second (logarithmic scale)</text>"#,
        (LABELS + PLOT_END) / 2.0,
        plot_bottom + 30.0
    );
    for (bar, y, new_group) in rows {
        if new_group {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" text-anchor="end">{}</text><text x="{}" y="{}" text-anchor="end" font-size="10" fill="#555">{}</text>"##,
                LABELS - 8.0,
                y + BAR - 2.0,
                escape(&bar.group),
                LABELS - 8.0,
                y + 2.0 * BAR,
                escape(&bar.detail)
            );
        }
        match &bar.value {
            Ok(value) => {
                let end = x(*value);
                let _ = writeln!(
                    out,
                    r#"<rect class="bar" x="{LABELS}" y="{y}" width="{:.1}" height="{BAR}" fill="{}"><title>{}</title></rect><text x="{:.1}" y="{}" font-size="10">{}</text>"#,
                    (end - LABELS).max(1.0),
                    COLOURS[bar.series % COLOURS.len()],
                    escape(&format!(
                        "{}: {}",
                        legend.get(bar.series).map_or("", |s| s),
                        format_rate(*value)
                    )),
                    end + 4.0,
                    y + BAR - 2.0,
                    format_rate(*value)
                );
            }
            Err(why) => {
                let colour = if why.starts_with("FAILED") {
                    "#c00"
                } else {
                    "#888"
                };
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" font-size="10" fill="{colour}">{}</text>"#,
                    LABELS + 4.0,
                    y + BAR - 2.0,
                    escape(why)
                );
            }
        }
    }
    if let Some((value, label)) = ceiling {
        let cx = x(value);
        let _ = writeln!(
            out,
            r##"<line x1="{cx:.1}" y1="{}" x2="{cx:.1}" y2="{plot_bottom}" stroke="#c00" stroke-dasharray="4 3"/><text x="{cx:.1}" y="{}" fill="#c00" text-anchor="middle" font-size="10">{}</text>"##,
            TOP - 6.0,
            TOP - 8.0,
            escape(label)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                group: "01 sleep".into(),
                detail: "classic".into(),
                series: 0,
                value: Ok(480.0),
            },
            Bar {
                group: "01 sleep".into(),
                detail: "classic".into(),
                series: 1,
                value: Err("FAILED".into()),
            },
            Bar {
                group: "07 payload <fast>".into(),
                detail: String::new(),
                series: 0,
                value: Ok(500_000.0),
            },
            Bar {
                group: "04 framed".into(),
                detail: String::new(),
                series: 0,
                value: Err("not available".into()),
            },
        ]
    }

    #[test]
    fn one_rectangle_per_measured_bar_and_words_for_the_rest() {
        let legend = vec!["100 B".to_owned(), "10 kB".to_owned()];
        let svg = svg("t", &legend, &bars(), Some((16_000.0, "ceiling")));
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches(r#"class="bar""#).count(), 2);
        assert!(svg.contains(">FAILED<"));
        assert!(svg.contains(">not available<"));
        assert!(svg.contains("stroke-dasharray"), "the ceiling line");
        assert!(
            svg.contains("07 payload &lt;fast&gt;"),
            "labels are escaped"
        );
    }

    #[test]
    fn the_axis_covers_every_value_in_powers_of_ten() {
        let svg = svg("t", &["100 B".to_owned()], &bars(), None);
        for tick in ["100 B/s", "1 kB/s", "10 kB/s", "100 kB/s", "1 MB/s"] {
            assert!(svg.contains(&format!(">{tick}<")), "{tick} missing");
        }
        assert!(!svg.contains(">10 B/s<"));
    }

    #[test]
    fn an_empty_chart_is_still_a_document() {
        let svg = svg("t", &[], &[], None);
        assert!(svg.contains("</svg>"));
    }
}
