//! Sizes and rates as people write them: `10k`, `1MB`, `9.84 kB/s`. Decimal units
//! (1 kB = 1000 B), as network and disk rates are usually quoted.

pub const KB: usize = 1000;
pub const MB: usize = 1000 * KB;

/// Parse `100`, `10k`, `10kB`, `1M`, `1MB` (case does not matter).
pub fn parse_size(text: &str) -> Option<usize> {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower.strip_suffix('b').unwrap_or(&lower);
    let (digits, unit) = match lower.strip_suffix('k') {
        Some(digits) => (digits, KB),
        None => match lower.strip_suffix('m') {
            Some(digits) => (digits, MB),
            None => (lower, 1),
        },
    };
    let value: usize = digits.trim().parse().ok()?;
    (value > 0).then(|| value.checked_mul(unit)).flatten()
}

/// `100 B`, `10 kB`, `1 MB`, `1.5 kB`.
pub fn format_size(bytes: usize) -> String {
    format_units(bytes as f64, "B")
}

/// `480 B/s`, `9.84 kB/s`, `1.23 MB/s`: three significant digits.
pub fn format_rate(bytes_per_second: f64) -> String {
    format_units(bytes_per_second, "B/s")
}

fn format_units(value: f64, unit: &str) -> String {
    let (scaled, prefix) = if value >= 1e9 {
        (value / 1e9, "G")
    } else if value >= 1e6 {
        (value / 1e6, "M")
    } else if value >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    format!("{} {prefix}{unit}", three_digits(scaled))
}

/// At most three significant digits, without trailing zeros: 9.84, 98.4, 984, 10, 1.5.
pub fn three_digits(value: f64) -> String {
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A whole number with thin groups of three digits: `132 724`.
pub fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_the_usual_spellings() {
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("10k"), Some(10_000));
        assert_eq!(parse_size("10kB"), Some(10_000));
        assert_eq!(parse_size("1M"), Some(1_000_000));
        assert_eq!(parse_size("1mb"), Some(1_000_000));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("ten"), None);
    }

    #[test]
    fn sizes_and_rates_print_with_units() {
        assert_eq!(format_size(100), "100 B");
        assert_eq!(format_size(10_000), "10 kB");
        assert_eq!(format_size(1_000_000), "1 MB");
        assert_eq!(format_rate(9_840.0), "9.84 kB/s");
        assert_eq!(format_rate(1_234_567.0), "1.23 MB/s");
        assert_eq!(format_rate(480.4), "480 B/s");
    }

    #[test]
    fn big_numbers_are_grouped_by_three() {
        assert_eq!(grouped(132_724.4), "132 724");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1_000.0), "1 000");
    }
}
