//! The spaced-repetition schedule: a forgetting curve whose decay slows down the longer
//! a word has gone without a failure.
//!
//! - Retention starts at 100% at the last review (or at creation) and is multiplied,
//!   day by day, by `exp(-rate)`, where the rate depends on the number of whole days
//!   since the last failed review (or since creation): [`decay_rate`].
//! - The next review is due on the first day retention drops to
//!   [`RETENTION_THRESHOLD`] or below, at most [`MAX_INTERVAL_DAYS`] after the last
//!   review. It keeps the time of day of the review it follows.
//! - Every review resets retention; a failure also resets the decay reference, so the
//!   curve drops back to the fast week-one rate.
//!
//! Reviewing exactly when due gives intervals of 3, 3, 6, 10, 19, 43, 62, 62, 108 and
//! 123 days when every answer is right (the first interval runs from creation).

use chrono::{Duration, NaiveDateTime};

/// One review of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Review {
    /// When the review happened (UTC).
    pub reviewed_at: NaiveDateTime,
    /// Whether the answer was right.
    pub correct: bool,
}

impl Review {
    /// A review at `reviewed_at` with the given outcome.
    pub fn new(reviewed_at: NaiveDateTime, correct: bool) -> Self {
        Review {
            reviewed_at,
            correct,
        }
    }
}

/// A review is due once retention falls to this level.
pub const RETENTION_THRESHOLD: f64 = 0.40;

/// The longest interval, in days.
pub const MAX_INTERVAL_DAYS: i64 = 730;

/// The daily decay rate, given whole days since the last failure (or since creation).
///
/// | days     | < 7  | < 14 | < 28 | < 56  | < 224 | < 448  | then |
/// |----------|------|------|------|-------|-------|--------|------|
/// | rate/day | 0.45 | 0.18 | 0.09 | 0.035 | 0.015 | 0.0075 | halves at every doubling |
pub fn decay_rate(days: i64) -> f64 {
    match days {
        ..7 => 0.45,
        7..14 => 0.18,
        14..28 => 0.09,
        28..56 => 0.035,
        56..224 => 0.015,
        _ => {
            let mut rate = 0.015;
            let mut threshold: i64 = 224;
            while days >= threshold && threshold < i64::MAX / 2 {
                rate /= 2.0;
                threshold *= 2;
            }
            rate
        }
    }
}

/// When a word is next due, given when it was saved and its whole review history
/// (including the review just made). The order of `history` does not matter.
pub fn next_review_date(created_at: NaiveDateTime, history: &[Review]) -> NaiveDateTime {
    let start = last_review(history).map_or(created_at, |r| r.reviewed_at);
    let reference = last_failure(history).unwrap_or(created_at);
    let mut retention = 1.0_f64;
    for day in 1..=MAX_INTERVAL_DAYS {
        let date = start + Duration::days(day);
        retention *= (-decay_rate(whole_days(reference, date))).exp();
        if retention <= RETENTION_THRESHOLD {
            return date;
        }
    }
    start + Duration::days(MAX_INTERVAL_DAYS)
}

/// The estimated retention (0..=1) of a word at `at`, counting only the reviews made
/// up to then: the same per-day product as [`next_review_date`].
pub fn retention_at(created_at: NaiveDateTime, history: &[Review], at: NaiveDateTime) -> f64 {
    let past: Vec<Review> = history
        .iter()
        .copied()
        .filter(|r| r.reviewed_at <= at)
        .collect();
    let start = last_review(&past).map_or(created_at, |r| r.reviewed_at);
    let reference = last_failure(&past).unwrap_or(created_at);
    let days = whole_days(start, at).clamp(0, 36_500);
    (1..=days).fold(1.0, |retention, day| {
        let date = start + Duration::days(day);
        retention * (-decay_rate(whole_days(reference, date))).exp()
    })
}

/// Whole days from `from` to `to`, rounded down (a negative span rounds towards the past).
pub fn whole_days(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_seconds().div_euclid(86_400)
}

fn last_review(history: &[Review]) -> Option<&Review> {
    history.iter().max_by_key(|r| r.reviewed_at)
}

fn last_failure(history: &[Review]) -> Option<NaiveDateTime> {
    history
        .iter()
        .filter(|r| !r.correct)
        .map(|r| r.reviewed_at)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2025-01-01 10:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// Reviews every word exactly when due; `correct(n)` answers review `n` (0-based).
    /// Returns the ten intervals, the first one running from creation.
    fn simulate(correct: impl Fn(usize) -> bool) -> Vec<i64> {
        let created = created();
        let mut history = Vec::new();
        let mut due = next_review_date(created, &history);
        let mut intervals = vec![whole_days(created, due)];
        for n in 0..9 {
            history.push(Review::new(due, correct(n)));
            let next = next_review_date(created, &history);
            intervals.push(whole_days(due, next));
            due = next;
        }
        intervals
    }

    #[test]
    fn all_correct_answers_give_the_published_intervals() {
        assert_eq!(
            simulate(|_| true),
            vec![3, 3, 6, 10, 19, 43, 62, 62, 108, 123]
        );
    }

    #[test]
    fn failing_every_third_review_gives_the_published_intervals() {
        assert_eq!(
            simulate(|n| (n + 1) % 3 != 0),
            vec![3, 3, 6, 3, 3, 6, 3, 3, 6, 3]
        );
    }

    #[test]
    fn a_new_word_is_first_due_three_days_after_it_was_saved() {
        let due = next_review_date(created(), &[]);
        assert_eq!(due, created() + Duration::days(3));
        // e^(-0.45*2) = 0.407 is still above the threshold, e^(-0.45*3) = 0.259 is not.
        assert!((-0.9_f64).exp() > RETENTION_THRESHOLD);
        assert!((-1.35_f64).exp() <= RETENTION_THRESHOLD);
    }

    #[test]
    fn a_failure_resets_the_curve_to_the_week_one_rate() {
        let created = created();
        let long_ago = created + Duration::days(400);
        let history = [Review::new(long_ago, false)];
        let due = next_review_date(created, &history);
        assert_eq!(whole_days(long_ago, due), 3);
    }

    #[test]
    fn the_interval_is_capped_at_730_days() {
        let created = created();
        // Years without a failure make the daily decay tiny.
        let review = created + Duration::days(100_000);
        let due = next_review_date(created, &[Review::new(review, true)]);
        assert_eq!(due, review + Duration::days(MAX_INTERVAL_DAYS));
    }

    #[test]
    fn the_next_review_keeps_the_time_of_day_of_the_last_review() {
        let review = created() + Duration::days(3) + Duration::minutes(17);
        let due = next_review_date(created(), &[Review::new(review, true)]);
        assert_eq!(due.time(), review.time());
    }

    #[test]
    fn history_order_does_not_matter() {
        let created = created();
        let a = Review::new(created + Duration::days(3), true);
        let b = Review::new(created + Duration::days(6), false);
        let c = Review::new(created + Duration::days(9), true);
        assert_eq!(
            next_review_date(created, &[a, b, c]),
            next_review_date(created, &[c, a, b])
        );
    }

    #[test]
    fn decay_rates_follow_the_table() {
        let cases = [
            (-1, 0.45),
            (0, 0.45),
            (6, 0.45),
            (7, 0.18),
            (13, 0.18),
            (14, 0.09),
            (27, 0.09),
            (28, 0.035),
            (55, 0.035),
            (56, 0.015),
            (111, 0.015),
            (112, 0.015),
            (223, 0.015),
            (224, 0.0075),
            (447, 0.0075),
            (448, 0.00375),
            (895, 0.00375),
            (896, 0.001875),
        ];
        for (days, rate) in cases {
            assert!(
                (decay_rate(days) - rate).abs() < 1e-12,
                "day {days}: got {}, expected {rate}",
                decay_rate(days)
            );
        }
    }

    #[test]
    fn huge_day_counts_do_not_loop_forever() {
        assert!(decay_rate(i64::MAX) > 0.0);
    }

    #[test]
    fn retention_is_full_at_a_review_and_at_the_threshold_when_due() {
        let created = created();
        assert_eq!(retention_at(created, &[], created), 1.0);
        let due = next_review_date(created, &[]);
        let at_due = retention_at(created, &[], due);
        assert!(at_due <= RETENTION_THRESHOLD, "{at_due}");
        let day_before = retention_at(created, &[], due - Duration::days(1));
        assert!(day_before > RETENTION_THRESHOLD, "{day_before}");
        let review = Review::new(due, true);
        assert_eq!(retention_at(created, &[review], due), 1.0);
    }

    #[test]
    fn retention_ignores_reviews_after_the_asked_time() {
        let created = created();
        let later = Review::new(created + Duration::days(10), true);
        let at = created + Duration::days(2);
        assert_eq!(
            retention_at(created, &[later], at),
            retention_at(created, &[], at)
        );
    }

    #[test]
    fn whole_days_round_down() {
        let t = created();
        let cases = [
            (Duration::hours(23), 0),
            (Duration::hours(24), 1),
            (Duration::hours(47), 1),
            (Duration::hours(-1), -1),
            (Duration::hours(-24), -1),
            (Duration::hours(-25), -2),
        ];
        for (span, days) in cases {
            assert_eq!(whole_days(t, t + span), days, "span {span}");
        }
    }
}
