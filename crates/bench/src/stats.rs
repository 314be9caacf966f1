//! The median and the range of repeated measurements.
//!
//! The median, not the mean: on a shared machine a run now and then is slowed down by
//! something else, and one such run should not move the figure we report. The range
//! (min–max) shows how noisy the runs were.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub count: usize,
}

/// `None` for no values (nothing was measured).
pub fn summarize(values: &[f64]) -> Option<Summary> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    };
    Some(Summary {
        median,
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        count: sorted.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_an_odd_count_is_the_middle_value() {
        let s = summarize(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.count), (3.0, 1.0, 5.0, 3));
    }

    #[test]
    fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(summarize(&[4.0, 1.0, 2.0, 100.0]).unwrap().median, 3.0);
    }

    #[test]
    fn one_outlier_does_not_move_the_median() {
        assert_eq!(
            summarize(&[10.0, 11.0, 10.5, 0.1, 10.2]).unwrap().median,
            10.2
        );
    }

    #[test]
    fn nothing_measured_has_no_summary() {
        assert_eq!(summarize(&[]), None);
    }
}
