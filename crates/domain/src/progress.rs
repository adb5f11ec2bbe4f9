//! Progress levels (0..=7) of a saved word, and the review score.
//!
//! Levels are checked from the top; "no errors" means no wrong answer inside the same
//! window:
//!
//! | level | correct answers | within the last | and no errors |
//! |-------|-----------------|-----------------|---------------|
//! | 7     | ≥ 7             | 84 days         | yes           |
//! | 6     | ≥ 6             | 41 days         | yes           |
//! | 5     | ≥ 5             | 22 days         | yes           |
//! | 4     | ≥ 4             | 12 days         | yes           |
//! | 3     | ≥ 3             | 6 days          | yes           |
//! | 2     | ≥ 2             | 3 days          | yes           |
//! | 1     | ≥ 1             | ever            |               |
//! | 0     | otherwise       |                 |               |
//!
//! A review is inside a window of `d` days when `reviewed_at >= now - d days`. The
//! saved-words query counts reviews per window in SQL ([`WindowCounts`]), and
//! [`progress_level`] applies the rule; [`word_progress_level`] does both from a history.

use chrono::{Duration, NaiveDateTime};

use crate::Review;

/// The windows of levels 2..=7, in days: index `i` belongs to level `i + 2`.
pub const PROGRESS_WINDOW_DAYS: [i64; 6] = [3, 6, 12, 22, 41, 84];

/// Correct and wrong answers inside each of [`PROGRESS_WINDOW_DAYS`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Correct answers per window.
    pub correct: [u32; 6],
    /// Wrong answers per window.
    pub wrong: [u32; 6],
}

impl WindowCounts {
    /// Counts a history's answers per window, as of `now`.
    pub fn from_history(history: &[Review], now: NaiveDateTime) -> Self {
        let mut counts = WindowCounts::default();
        for (i, days) in PROGRESS_WINDOW_DAYS.iter().enumerate() {
            let since = now - Duration::days(*days);
            for review in history.iter().filter(|r| r.reviewed_at >= since) {
                let slot = if review.correct {
                    counts.correct.get_mut(i)
                } else {
                    counts.wrong.get_mut(i)
                };
                if let Some(n) = slot {
                    *n += 1;
                }
            }
        }
        counts
    }
}

/// The progress level, given the number of correct answers ever and the per-window counts.
pub fn progress_level(correct_ever: u32, windows: &WindowCounts) -> u8 {
    for level in (2u8..=7).rev() {
        let i = usize::from(level - 2);
        let correct = windows.correct.get(i).copied().unwrap_or(0);
        let wrong = windows.wrong.get(i).copied().unwrap_or(0);
        if correct >= u32::from(level) && wrong == 0 {
            return level;
        }
    }
    u8::from(correct_ever >= 1)
}

/// The progress level of a word with this review history, as of `now`.
pub fn word_progress_level(history: &[Review], now: NaiveDateTime) -> u8 {
    let correct_ever = history.iter().filter(|r| r.correct).count();
    progress_level(
        u32::try_from(correct_ever).unwrap_or(u32::MAX),
        &WindowCounts::from_history(history, now),
    )
}

/// Points one review adds to the user's score: 2 for a right answer, 1 for a wrong one.
pub fn review_points(correct: bool) -> i64 {
    if correct { 2 } else { 1 }
}

/// A user's score: the sum of [`review_points`] over all their reviews.
pub fn score(history: &[Review]) -> i64 {
    history.iter().map(|r| review_points(r.correct)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2025-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// A review `days_ago` days before now.
    fn ago(days_ago: i64, correct: bool) -> Review {
        Review::new(now() - Duration::days(days_ago), correct)
    }

    #[test]
    fn levels_follow_the_table() {
        let cases: Vec<(Vec<Review>, u8, &str)> = vec![
            (vec![], 0, "never reviewed"),
            (vec![ago(1, false)], 0, "only wrong answers"),
            (vec![ago(400, true)], 1, "one correct answer long ago"),
            (vec![ago(1, true)], 1, "one correct answer"),
            (vec![ago(1, true), ago(2, true)], 2, "two correct in 3 days"),
            (
                vec![ago(1, true), ago(2, true), ago(2, false)],
                1,
                "two correct in 3 days but an error too",
            ),
            (
                vec![ago(1, true), ago(4, true)],
                1,
                "second correct answer outside the 3-day window",
            ),
            (
                vec![ago(1, true), ago(3, true)],
                2,
                "exactly 3 days ago is inside the window",
            ),
            (
                vec![ago(0, true), ago(2, true), ago(5, true)],
                3,
                "three in 6 days",
            ),
            (
                vec![ago(0, true), ago(2, true), ago(5, true), ago(11, true)],
                4,
                "four in 12 days",
            ),
            (
                vec![
                    ago(0, true),
                    ago(2, true),
                    ago(5, true),
                    ago(11, true),
                    ago(20, true),
                ],
                5,
                "five in 22 days",
            ),
            (
                (0..6).map(|i| ago(i * 7, true)).collect(),
                6,
                "six in 41 days",
            ),
            (
                (0..7).map(|i| ago(i * 12, true)).collect(),
                7,
                "seven in 84 days",
            ),
            (
                {
                    let mut h: Vec<Review> = (0..7).map(|i| ago(i * 3, true)).collect();
                    h.push(ago(30, false));
                    h
                },
                5,
                "seven in 18 days and an error 30 days ago: only the 22-day window is clean",
            ),
            (
                {
                    let mut h: Vec<Review> = (0..7).map(|i| ago(i, true)).collect();
                    h.push(ago(2, false));
                    h
                },
                1,
                "a recent error blocks every level above 1",
            ),
        ];
        for (history, expected, description) in cases {
            assert_eq!(
                word_progress_level(&history, now()),
                expected,
                "{description}"
            );
        }
    }

    #[test]
    fn counts_from_sql_and_from_history_give_the_same_level() {
        let history = vec![ago(0, true), ago(2, true), ago(5, true), ago(30, false)];
        let windows = WindowCounts::from_history(&history, now());
        assert_eq!(windows.correct, [2, 3, 3, 3, 3, 3]);
        assert_eq!(windows.wrong, [0, 0, 0, 0, 1, 1]);
        assert_eq!(progress_level(3, &windows), 3);
    }

    #[test]
    fn a_right_answer_scores_two_points_and_a_wrong_one_scores_one() {
        assert_eq!(review_points(true), 2);
        assert_eq!(review_points(false), 1);
        assert_eq!(score(&[]), 0);
        assert_eq!(score(&[ago(1, true), ago(2, false), ago(3, true)]), 5);
    }
}
