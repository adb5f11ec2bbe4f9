//! Schedule simulations (the operator's `test-review-intervals` check): a word reviewed
//! exactly on each due date, with chosen answers, run through [`next_review_date`].

use chrono::NaiveDateTime;

use crate::{Review, next_review_date, whole_days};

/// One review of a simulated word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulatedReview {
    /// 1 for the first review.
    pub review_number: usize,
    /// When the review happens: the due date the previous reviews gave.
    pub at: NaiveDateTime,
    /// Whole days since the previous review (since creation for the first).
    pub days_from_previous: i64,
    /// Whole days since the word was saved.
    pub total_days_from_creation: i64,
    /// The answer given.
    pub correct: bool,
}

/// Reviews a word saved at `created_at` `count` times, each exactly when due;
/// `correct(n)` is the answer of review `n` (1-based).
pub fn simulate_reviews(
    created_at: NaiveDateTime,
    count: usize,
    correct: impl Fn(usize) -> bool,
) -> Vec<SimulatedReview> {
    let mut history: Vec<Review> = Vec::with_capacity(count);
    let mut previous = created_at;
    let mut reviews = Vec::with_capacity(count);
    for review_number in 1..=count {
        let at = next_review_date(created_at, &history);
        let answer = correct(review_number);
        reviews.push(SimulatedReview {
            review_number,
            at,
            days_from_previous: whole_days(previous, at),
            total_days_from_creation: whole_days(created_at, at),
            correct: answer,
        });
        history.push(Review::new(at, answer));
        previous = at;
    }
    reviews
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2025-03-01 08:30:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn intervals(reviews: &[SimulatedReview]) -> Vec<i64> {
        reviews.iter().map(|r| r.days_from_previous).collect()
    }

    #[test]
    fn perfect_reviews_give_the_published_intervals() {
        let reviews = simulate_reviews(created(), 10, |_| true);
        assert_eq!(intervals(&reviews), [3, 3, 6, 10, 19, 43, 62, 62, 108, 123]);
        let totals: Vec<i64> = reviews.iter().map(|r| r.total_days_from_creation).collect();
        assert_eq!(totals, [3, 6, 12, 22, 41, 84, 146, 208, 316, 439]);
        assert_eq!(reviews.first().map(|r| r.review_number), Some(1));
        assert_eq!(reviews.last().map(|r| r.review_number), Some(10));
    }

    #[test]
    fn failing_every_third_review_keeps_the_intervals_short() {
        let reviews = simulate_reviews(created(), 10, |n| n % 3 != 0);
        assert_eq!(intervals(&reviews), [3, 3, 6, 3, 3, 6, 3, 3, 6, 3]);
        let failed: Vec<usize> = reviews
            .iter()
            .filter(|r| !r.correct)
            .map(|r| r.review_number)
            .collect();
        assert_eq!(failed, [3, 6, 9]);
    }

    #[test]
    fn no_reviews_is_an_empty_schedule() {
        assert!(simulate_reviews(created(), 0, |_| true).is_empty());
    }
}
