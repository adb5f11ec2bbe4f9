//! Figures derived from review counts.

/// The share of right answers in percent, rounded to one decimal; 0 without reviews.
///
/// ```
/// assert_eq!(domain::success_rate_percent(2, 3), 66.7);
/// assert_eq!(domain::success_rate_percent(0, 0), 0.0);
/// ```
pub fn success_rate_percent(correct: i64, total: i64) -> f64 {
    if total <= 0 {
        return 0.0;
    }
    // Counts of one user's reviews are far below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let rate = correct.clamp(0, total) as f64 / total as f64 * 100.0;
    (rate * 10.0).round() / 10.0
}

/// `part` as a whole percentage of `whole`, rounded half away from zero; 0 when `whole`
/// is 0 (the iOS client decodes `BundleProgress.percentage` as an Int).
///
/// ```
/// assert_eq!(domain::whole_percent(1, 3), 33);
/// assert_eq!(domain::whole_percent(2, 3), 67);
/// assert_eq!(domain::whole_percent(5, 0), 0);
/// ```
pub fn whole_percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let part = part.clamp(0, whole);
    (part * 200 + whole) / (2 * whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rates_round_to_one_decimal() {
        let cases = [
            (0, 0, 0.0),
            (0, 4, 0.0),
            (1, 1, 100.0),
            (1, 3, 33.3),
            (2, 3, 66.7),
            (1, 8, 12.5),
            (5, 7, 71.4),
        ];
        for (correct, total, expected) in cases {
            assert_eq!(
                success_rate_percent(correct, total),
                expected,
                "{correct} of {total}"
            );
        }
    }

    #[test]
    fn whole_percentages_round_half_up() {
        let cases = [
            (0, 10, 0),
            (1, 200, 1),
            (1, 201, 0),
            (1, 2, 50),
            (1, 8, 13),
            (10, 10, 100),
        ];
        for (part, whole, expected) in cases {
            assert_eq!(whole_percent(part, whole), expected, "{part} of {whole}");
        }
    }
}
