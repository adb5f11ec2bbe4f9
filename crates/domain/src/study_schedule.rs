//! The day-by-day study schedule of a user preparing for a test, computed from their
//! saved words, their reviews and the test's word list (nothing is stored).
//!
//! - The schedule runs from today to the day before the target end date.
//! - **New words**: the test's words the user had not saved before today, alphabetical
//!   (words saved today stay in this pool), are spread evenly: `ceil(pool / days left)`
//!   a day, at least one. Today's share that the user already saved is "completed";
//!   words saved today outside today's share are not planned again.
//! - **Practice**: each saved word that is not marked known gets its next
//!   [`PROJECTED_REVIEWS`] reviews from the spaced-repetition schedule
//!   ([`crate::next_review_date`]), assuming every answer is right. A review that is
//!   overdue lands on today; one reviewed today is "completed". A word never reviewed is
//!   due the day after it was saved, as everywhere else in the API. Words of the test go to
//!   "test practice", the others to "non-test practice". New words get projected reviews
//!   from the day they are introduced.
//! - Dates are the user's: instants are moved into their time zone by `offset` (the
//!   zone's current offset from UTC).

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::Review;

/// Reviews projected ahead for each word.
pub const PROJECTED_REVIEWS: usize = 7;

/// A saved word with its review history.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScheduleWord {
    /// `saved_words.id`.
    pub id: i32,
    /// The word.
    pub word: String,
    /// When it was saved (UTC).
    pub created_at: NaiveDateTime,
    /// Marked known: left out of practice.
    pub is_known: bool,
    /// Whether the word belongs to the user's test.
    pub in_test: bool,
    /// Its reviews (UTC), any order.
    pub history: Vec<Review>,
}

/// What a schedule is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleInput {
    /// The user's today.
    pub today: NaiveDate,
    /// The target end date: the schedule stops the day before.
    pub end: NaiveDate,
    /// The current instant (UTC).
    pub now_utc: NaiveDateTime,
    /// The user's time zone's offset from UTC (local = UTC + offset).
    pub offset: Duration,
    /// Every saved word of the user.
    pub words: Vec<ScheduleWord>,
    /// The test's words the user had not saved before today, alphabetical.
    pub pool: Vec<String>,
}

/// One planned review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PracticeWord {
    /// The word.
    pub word: String,
    /// Its `saved_words.id`; `None` for a new word not saved yet.
    pub word_id: Option<i32>,
    /// Which review of the word this is (1 for the first).
    pub review_number: i64,
}

/// One day of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayPlan {
    /// The day (the user's calendar).
    pub date: NaiveDate,
    /// New words still to learn.
    pub new_words: Vec<String>,
    /// New words already saved (today only).
    pub new_words_completed: Vec<String>,
    /// Reviews of test words still to do.
    pub test_practice_words: Vec<PracticeWord>,
    /// Reviews of test words done (today only).
    pub test_practice_words_completed: Vec<PracticeWord>,
    /// Reviews of other words still to do.
    pub non_test_practice_words: Vec<PracticeWord>,
    /// Reviews of other words done (today only).
    pub non_test_practice_words_completed: Vec<PracticeWord>,
}

/// Counts of a [`DayPlan`], as the client's `ScheduleSummary` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DaySummary {
    /// New words, done or not.
    pub total_new: usize,
    /// New words still to learn.
    pub total_new_remaining: usize,
    /// New words learned.
    pub total_new_completed: usize,
    /// Test reviews, done or not.
    pub total_test_practice: usize,
    /// Test reviews still to do.
    pub total_test_practice_remaining: usize,
    /// Test reviews done.
    pub total_test_practice_completed: usize,
    /// Other reviews, done or not.
    pub total_non_test_practice: usize,
    /// Other reviews still to do.
    pub total_non_test_practice_remaining: usize,
    /// Other reviews done.
    pub total_non_test_practice_completed: usize,
    /// Everything planned.
    pub total_words: usize,
    /// Everything still to do.
    pub total_remaining: usize,
    /// Everything done.
    pub total_completed: usize,
}

impl DayPlan {
    fn on(date: NaiveDate) -> Self {
        DayPlan {
            date,
            ..DayPlan::default()
        }
    }

    /// The day's counts.
    pub fn summary(&self) -> DaySummary {
        let new_remaining = self.new_words.len();
        let new_completed = self.new_words_completed.len();
        let test_remaining = self.test_practice_words.len();
        let test_completed = self.test_practice_words_completed.len();
        let other_remaining = self.non_test_practice_words.len();
        let other_completed = self.non_test_practice_words_completed.len();
        let remaining = new_remaining + test_remaining + other_remaining;
        let completed = new_completed + test_completed + other_completed;
        DaySummary {
            total_new: new_remaining + new_completed,
            total_new_remaining: new_remaining,
            total_new_completed: new_completed,
            total_test_practice: test_remaining + test_completed,
            total_test_practice_remaining: test_remaining,
            total_test_practice_completed: test_completed,
            total_non_test_practice: other_remaining + other_completed,
            total_non_test_practice_remaining: other_remaining,
            total_non_test_practice_completed: other_completed,
            total_words: remaining + completed,
            total_remaining: remaining,
            total_completed: completed,
        }
    }
}

/// The schedule from today to the day before `input.end`, one [`DayPlan`] a day; empty
/// when the end date is not after today.
pub fn plan_schedule(input: &ScheduleInput) -> Vec<DayPlan> {
    let days = (input.end - input.today).num_days();
    if days <= 0 {
        return Vec::new();
    }
    let mut plans: Vec<DayPlan> = (0..days)
        .map(|d| DayPlan::on(input.today + Duration::days(d)))
        .collect();
    let local = |at: NaiveDateTime| (at + input.offset).date();

    // New words.
    let saved_today: HashSet<&str> = input
        .words
        .iter()
        .filter(|w| local(w.created_at) == input.today)
        .map(|w| w.word.as_str())
        .collect();
    let mut pool: Vec<&str> = input.pool.iter().map(String::as_str).collect();
    pool.sort_unstable();
    pool.dedup();
    let days_left = usize::try_from(days).unwrap_or(usize::MAX);
    let per_day = pool.len().div_ceil(days_left).max(1);
    let (todays, later) = pool.split_at(per_day.min(pool.len()));
    let mut introduced: Vec<(&str, usize)> = Vec::new();
    if let Some(today) = plans.first_mut() {
        for &word in todays {
            if saved_today.contains(word) {
                today.new_words_completed.push(word.to_owned());
            } else {
                today.new_words.push(word.to_owned());
                introduced.push((word, 0));
            }
        }
    }
    let later: Vec<&str> = later
        .iter()
        .copied()
        .filter(|w| !saved_today.contains(w))
        .collect();
    for (i, chunk) in later.chunks(per_day).enumerate() {
        let Some(plan) = plans.get_mut(i + 1) else {
            break;
        };
        for &word in chunk {
            plan.new_words.push(word.to_owned());
            introduced.push((word, i + 1));
        }
    }

    // Practice of saved words.
    for w in input.words.iter().filter(|w| !w.is_known) {
        let before: Vec<Review> = w
            .history
            .iter()
            .copied()
            .filter(|r| local(r.reviewed_at) < input.today)
            .collect();
        let reviewed_today = w
            .history
            .iter()
            .any(|r| local(r.reviewed_at) == input.today);
        let due = next_due(w.created_at, &before);
        let due_today = local(due) <= input.today;
        let mut history = w.history.clone();
        let mut planned = 0;
        if due_today {
            let entry = PracticeWord {
                word: w.word.clone(),
                word_id: Some(w.id),
                review_number: count(before.len()) + 1,
            };
            if let Some(today) = plans.first_mut() {
                match (w.in_test, reviewed_today) {
                    (true, true) => today.test_practice_words_completed.push(entry),
                    (true, false) => today.test_practice_words.push(entry),
                    (false, true) => today.non_test_practice_words_completed.push(entry),
                    (false, false) => today.non_test_practice_words.push(entry),
                }
            }
            planned = 1;
            if !reviewed_today {
                history.push(Review::new(input.now_utc, true));
            }
        }
        project(
            &mut plans,
            &w.word,
            Some(w.id),
            w.in_test,
            w.created_at,
            history,
            PROJECTED_REVIEWS - planned,
            input,
        );
    }

    // Practice of the new words, from the day they are introduced.
    for (word, day) in introduced {
        let created = input.now_utc + Duration::days(count(day));
        project(
            &mut plans,
            word,
            None,
            true,
            created,
            Vec::new(),
            PROJECTED_REVIEWS,
            input,
        );
    }
    plans
}

/// When a word is due: the schedule's date, or the day after saving for a word never
/// reviewed.
fn next_due(created_at: NaiveDateTime, history: &[Review]) -> NaiveDateTime {
    if history.is_empty() {
        created_at + Duration::days(1)
    } else {
        crate::next_review_date(created_at, history)
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Adds up to `reviews` future reviews of a word (all assumed right) to the days after
/// today, stopping at the end of the schedule.
#[allow(clippy::too_many_arguments)]
fn project(
    plans: &mut [DayPlan],
    word: &str,
    word_id: Option<i32>,
    in_test: bool,
    created_at: NaiveDateTime,
    mut history: Vec<Review>,
    reviews: usize,
    input: &ScheduleInput,
) {
    for _ in 0..reviews {
        let due = next_due(created_at, &history).max(input.now_utc);
        let date = (due + input.offset).date();
        let Ok(index) = usize::try_from((date - input.today).num_days()) else {
            break;
        };
        let Some(plan) = plans.get_mut(index) else {
            break;
        };
        let entry = PracticeWord {
            word: word.to_owned(),
            word_id,
            review_number: count(history.len()) + 1,
        };
        if in_test {
            plan.test_practice_words.push(entry);
        } else {
            plan.non_test_practice_words.push(entry);
        }
        history.push(Review::new(due, true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Today is 2025-03-10 (UTC), noon.
    fn input(end: &str, pool: &[&str], words: Vec<ScheduleWord>) -> ScheduleInput {
        ScheduleInput {
            today: date("2025-03-10"),
            end: date(end),
            now_utc: at("2025-03-10 12:00"),
            offset: Duration::zero(),
            words,
            pool: pool.iter().map(|w| (*w).to_owned()).collect(),
        }
    }

    fn word(
        id: i32,
        word: &str,
        created: &str,
        in_test: bool,
        history: &[(&str, bool)],
    ) -> ScheduleWord {
        ScheduleWord {
            id,
            word: word.to_owned(),
            created_at: at(created),
            is_known: false,
            in_test,
            history: history
                .iter()
                .map(|(t, c)| Review::new(at(t), *c))
                .collect(),
        }
    }

    fn names(list: &[PracticeWord]) -> Vec<(&str, i64)> {
        list.iter()
            .map(|p| (p.word.as_str(), p.review_number))
            .collect()
    }

    #[test]
    fn no_days_left_means_no_schedule() {
        assert!(plan_schedule(&input("2025-03-10", &["a"], vec![])).is_empty());
        assert!(plan_schedule(&input("2025-03-01", &["a"], vec![])).is_empty());
        assert_eq!(plan_schedule(&input("2025-03-11", &[], vec![])).len(), 1);
    }

    #[test]
    fn new_words_are_spread_alphabetically_rounding_up() {
        // 5 words over 2 days: ceil(5 / 2) = 3 a day.
        let plans = plan_schedule(&input(
            "2025-03-12",
            &["echo", "alpha", "delta", "bravo", "charlie"],
            vec![],
        ));
        assert_eq!(plans.len(), 2);
        assert_eq!(plans[0].date, date("2025-03-10"));
        assert_eq!(plans[0].new_words, ["alpha", "bravo", "charlie"]);
        assert_eq!(plans[1].new_words, ["delta", "echo"]);
        // Today's new words come back for their first review the day after.
        assert_eq!(
            names(&plans[1].test_practice_words),
            [("alpha", 1), ("bravo", 1), ("charlie", 1)]
        );
    }

    #[test]
    fn words_saved_today_are_completed_or_skipped() {
        // Pool of 4 over 2 days (2 a day); "bravo" (today's) and "delta" (tomorrow's)
        // were saved today.
        let words = vec![
            word(1, "bravo", "2025-03-10 08:00", true, &[]),
            word(2, "delta", "2025-03-10 09:00", true, &[]),
        ];
        let plans = plan_schedule(&input(
            "2025-03-12",
            &["alpha", "bravo", "charlie", "delta"],
            words,
        ));
        assert_eq!(plans[0].new_words, ["alpha"]);
        assert_eq!(plans[0].new_words_completed, ["bravo"]);
        assert_eq!(plans[1].new_words, ["charlie"]);
        let s = plans[0].summary();
        assert_eq!(
            (s.total_new, s.total_new_remaining, s.total_new_completed),
            (2, 1, 1)
        );
    }

    #[test]
    fn a_due_word_is_practised_today_then_projected() {
        // Saved two days ago, never reviewed: due the day after saving, so overdue and
        // planned today as review 1. Reviewed today (hypothetically) at noon, with the
        // decay measured from creation (2025-03-08 10:00): day 1 is 3 whole days from
        // creation, exp(-0.45) = 0.64; day 2, exp(-0.90) = 0.41; day 3, exp(-1.35) =
        // 0.26 <= 0.40: review 2 on 2025-03-13.
        let words = vec![word(7, "habit", "2025-03-08 10:00", false, &[])];
        let plans = plan_schedule(&input("2025-03-20", &[], words));
        assert_eq!(names(&plans[0].non_test_practice_words), [("habit", 1)]);
        assert_eq!(plans[0].non_test_practice_words[0].word_id, Some(7));
        let later: Vec<(NaiveDate, i64)> = plans
            .iter()
            .skip(1)
            .flat_map(|p| {
                p.non_test_practice_words
                    .iter()
                    .map(move |w| (p.date, w.review_number))
            })
            .collect();
        assert_eq!(later.first(), Some(&(date("2025-03-13"), 2)));
        assert!(plans.iter().all(|p| p.test_practice_words.is_empty()));
    }

    #[test]
    fn a_word_reviewed_today_is_completed() {
        let words = vec![word(
            3,
            "ample",
            "2025-03-05 10:00",
            true,
            &[("2025-03-06 10:00", true), ("2025-03-10 09:00", true)],
        )];
        let plans = plan_schedule(&input("2025-03-12", &[], words));
        assert_eq!(
            names(&plans[0].test_practice_words_completed),
            [("ample", 2)]
        );
        assert!(plans[0].test_practice_words.is_empty());
        let s = plans[0].summary();
        assert_eq!(
            (s.total_words, s.total_remaining, s.total_completed),
            (1, 0, 1)
        );
    }

    #[test]
    fn known_words_and_reviews_past_the_end_are_left_out() {
        let mut known = word(1, "known", "2025-03-01 10:00", false, &[]);
        known.is_known = true;
        // Saved today: first due tomorrow, which is past a one-day schedule.
        let fresh = word(2, "fresh", "2025-03-10 10:00", false, &[]);
        let plans = plan_schedule(&input("2025-03-11", &[], vec![known, fresh]));
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].summary().total_words, 0);
    }

    #[test]
    fn the_time_zone_decides_which_day_a_review_belongs_to() {
        // 2025-03-09 20:00 UTC is already 2025-03-10 in UTC+9: reviewed "today".
        let words = vec![word(
            4,
            "bridge",
            "2025-03-08 01:00",
            true,
            &[("2025-03-09 20:00", true)],
        )];
        let mut tokyo = input("2025-03-12", &[], words.clone());
        tokyo.offset = Duration::hours(9);
        tokyo.now_utc = at("2025-03-10 02:00");
        let plans = plan_schedule(&tokyo);
        assert!(plans[0].test_practice_words.is_empty());
        assert_eq!(
            names(&plans[0].test_practice_words_completed),
            [("bridge", 1)]
        );
    }
}
