//! The forgetting curve of one saved word: its estimated retention on every day from the
//! day it was saved to the day it is next due, with markers for its creation, its
//! reviews and its next review.
//!
//! - The retention of a day is the schedule's retention ([`crate::retention_at`]) at the
//!   day's last second (23:59:59 UTC), so a review made that day counts: a day with a
//!   review shows 100%. Values are percentages rounded to two decimals.
//! - The next review is [`crate::next_review_date`] of the whole history, the same date
//!   review submit stores.
//! - A point is a projection when its day comes after the last day that reset the
//!   retention: the last review's day, or the creation day of a word never reviewed.
//! - Dates are UTC calendar days written `YYYY-MM-DD`.
//!
//! The points are computed in one pass (each day's decay multiplies the day before's), so
//! a word's curve costs time proportional to its length, not its square.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use crate::{Review, decay_rate, next_review_date, whole_days};

/// One day of a forgetting curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The UTC day.
    #[serde(serialize_with = "day::serialize")]
    pub date: NaiveDate,
    /// Estimated retention at the end of the day, in percent (0..=100, two decimals).
    pub retention: f64,
    /// Whether the day lies after the last review (or after creation, never reviewed).
    pub is_projection: bool,
}

/// A review on the curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewMarker {
    /// The UTC day of the review.
    #[serde(serialize_with = "day::serialize")]
    pub date: NaiveDate,
    /// Whether the answer was right.
    pub success: bool,
}

/// A marker of any kind: `creation`, `review` or `next_review`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// The UTC day.
    #[serde(serialize_with = "day::serialize")]
    pub date: NaiveDate,
    /// `creation`, `review` or `next_review`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The review's outcome; `null` for the creation and next-review markers.
    pub success: Option<bool>,
}

/// A word's forgetting curve, in the shape the iOS client decodes
/// (`ForgettingCurveResponse`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordCurve {
    /// The saved word's id.
    pub word_id: i32,
    /// The word.
    pub word: String,
    /// The UTC day the word was saved.
    #[serde(serialize_with = "day::serialize")]
    pub created_at: NaiveDate,
    /// One point per day, from the creation day to the next review's day.
    pub forgetting_curve: Vec<CurvePoint>,
    /// The UTC day the word is next due.
    #[serde(serialize_with = "day::serialize")]
    pub next_review_date: NaiveDate,
    /// The reviews, oldest first.
    pub review_markers: Vec<ReviewMarker>,
    /// Creation, every review (oldest first), then the next review.
    pub all_markers: Vec<Marker>,
}

/// The forgetting curve of word `word_id` saved at `created_at` with this review
/// history (any order).
pub fn word_curve(
    word_id: i32,
    word: &str,
    created_at: NaiveDateTime,
    history: &[Review],
) -> WordCurve {
    let mut reviews = history.to_vec();
    reviews.sort_by_key(|r| r.reviewed_at);
    let next = next_review_date(created_at, &reviews);
    let reset_day = reviews
        .last()
        .map_or(created_at.date(), |r| r.reviewed_at.date());

    let review_markers: Vec<ReviewMarker> = reviews
        .iter()
        .map(|r| ReviewMarker {
            date: r.reviewed_at.date(),
            success: r.correct,
        })
        .collect();
    let mut all_markers = Vec::with_capacity(reviews.len() + 2);
    all_markers.push(Marker {
        date: created_at.date(),
        kind: "creation",
        success: None,
    });
    all_markers.extend(review_markers.iter().map(|m| Marker {
        date: m.date,
        kind: "review",
        success: Some(m.success),
    }));
    all_markers.push(Marker {
        date: next.date(),
        kind: "next_review",
        success: None,
    });

    WordCurve {
        word_id,
        word: word.to_owned(),
        created_at: created_at.date(),
        forgetting_curve: daily_retention(created_at, &reviews, next.date())
            .into_iter()
            .map(|(date, retention)| CurvePoint {
                date,
                retention: percent(retention),
                is_projection: date > reset_day,
            })
            .collect(),
        next_review_date: next.date(),
        review_markers,
        all_markers,
    }
}

/// The retention (0..=1) at the end of every day from `created_at`'s day to `last_day`,
/// given reviews sorted oldest first. Equal to [`crate::retention_at`] at each day's
/// 23:59:59, computed in one pass.
pub fn daily_retention(
    created_at: NaiveDateTime,
    sorted_reviews: &[Review],
    last_day: NaiveDate,
) -> Vec<(NaiveDate, f64)> {
    let mut points = Vec::new();
    let mut pending = sorted_reviews.iter().peekable();
    let mut start = created_at;
    let mut reference = created_at;
    let mut steps = 0_i64;
    let mut retention = 1.0_f64;
    let mut day = created_at.date();
    while day <= last_day {
        let end_of_day = day.and_time(end_of_day_time());
        while let Some(review) = pending.next_if(|r| r.reviewed_at <= end_of_day) {
            start = review.reviewed_at;
            if !review.correct {
                reference = review.reviewed_at;
            }
            steps = 0;
            retention = 1.0;
        }
        let target = whole_days(start, end_of_day).clamp(0, 36_500);
        while steps < target {
            steps += 1;
            let date = start + Duration::days(steps);
            retention *= (-decay_rate(whole_days(reference, date))).exp();
        }
        points.push((day, retention));
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    points
}

fn end_of_day_time() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

/// A retention (0..=1) as a percentage rounded to two decimals.
fn percent(retention: f64) -> f64 {
    (retention * 10_000.0).round() / 100.0
}

mod day {
    use chrono::NaiveDate;

    pub(super) fn serialize<S: serde::Serializer>(
        date: &NaiveDate,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&date.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention_at;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn points(curve: &WordCurve) -> Vec<(String, f64, bool)> {
        curve
            .forgetting_curve
            .iter()
            .map(|p| (p.date.to_string(), p.retention, p.is_projection))
            .collect()
    }

    #[test]
    fn a_word_never_reviewed_decays_at_the_week_one_rate_until_due() {
        // e^-0.45 = 0.637628, e^-0.90 = 0.406570, e^-1.35 = 0.259240.
        let curve = word_curve(7, "lucid", at("2025-01-01 10:00:00"), &[]);

        assert_eq!(
            points(&curve),
            vec![
                ("2025-01-01".into(), 100.0, false),
                ("2025-01-02".into(), 63.76, true),
                ("2025-01-03".into(), 40.66, true),
                ("2025-01-04".into(), 25.92, true),
            ]
        );
        assert_eq!(curve.next_review_date, date("2025-01-04"));
        assert!(curve.review_markers.is_empty());
        assert_eq!(
            curve
                .all_markers
                .iter()
                .map(|m| (m.date.to_string(), m.kind, m.success))
                .collect::<Vec<_>>(),
            vec![
                ("2025-01-01".into(), "creation", None),
                ("2025-01-04".into(), "next_review", None),
            ]
        );
    }

    #[test]
    fn a_review_resets_retention_and_the_curve_runs_to_the_next_review() {
        // Right on 01-04: decay keeps the creation reference (days 4, 5, 6 since it,
        // all 0.45/day), so the next review is three days later, on 01-07.
        let created = at("2025-01-01 10:00:00");
        let history = [Review::new(at("2025-01-04 10:00:00"), true)];

        let curve = word_curve(1, "w", created, &history);

        assert_eq!(
            points(&curve),
            vec![
                ("2025-01-01".into(), 100.0, false),
                ("2025-01-02".into(), 63.76, false),
                ("2025-01-03".into(), 40.66, false),
                ("2025-01-04".into(), 100.0, false),
                ("2025-01-05".into(), 63.76, true),
                ("2025-01-06".into(), 40.66, true),
                ("2025-01-07".into(), 25.92, true),
            ]
        );
        assert_eq!(curve.next_review_date, date("2025-01-07"));
        assert_eq!(
            curve.review_markers,
            vec![ReviewMarker {
                date: date("2025-01-04"),
                success: true
            }]
        );
        assert_eq!(curve.all_markers.len(), 3);
        assert_eq!(curve.all_markers[1].kind, "review");
        assert_eq!(curve.all_markers[1].success, Some(true));
    }

    #[test]
    fn slower_decay_after_a_week_without_failure() {
        // Saved 01-01, right on 01-04 and 01-07. From 01-07 the days since creation
        // are 7, 8, ...: rate 0.18/day, e^-0.18k > 0.40 until k = 6 (e^-1.08 = 0.3396),
        // so the next review is 01-13 and the curve has 13 points.
        let created = at("2025-01-01 10:00:00");
        let history = [
            Review::new(at("2025-01-07 10:00:00"), true),
            Review::new(at("2025-01-04 10:00:00"), true),
        ];

        let curve = word_curve(1, "w", created, &history);

        assert_eq!(curve.next_review_date, date("2025-01-13"));
        assert_eq!(curve.forgetting_curve.len(), 13);
        let last_two: Vec<f64> = curve.forgetting_curve[11..]
            .iter()
            .map(|p| p.retention)
            .collect();
        // e^-0.90 = 0.406570 on 01-12, e^-1.08 = 0.339596 on 01-13.
        assert_eq!(last_two, vec![40.66, 33.96]);
        assert_eq!(curve.review_markers[0].date, date("2025-01-04"));
    }

    #[test]
    fn a_failure_brings_back_the_fast_rate() {
        // Saved 01-01; right 01-04 and 01-07; wrong 01-13: the reference moves to 01-13,
        // so the decay is 0.45/day again and the next review is 01-16.
        let created = at("2025-01-01 10:00:00");
        let history = [
            Review::new(at("2025-01-04 10:00:00"), true),
            Review::new(at("2025-01-07 10:00:00"), true),
            Review::new(at("2025-01-13 10:00:00"), false),
        ];

        let curve = word_curve(1, "w", created, &history);

        assert_eq!(curve.next_review_date, date("2025-01-16"));
        let tail: Vec<f64> = curve.forgetting_curve[12..]
            .iter()
            .map(|p| p.retention)
            .collect();
        assert_eq!(tail, vec![100.0, 63.76, 40.66, 25.92]);
        assert_eq!(curve.all_markers[3].success, Some(false));
    }

    #[test]
    fn every_point_equals_the_schedules_retention_at_the_end_of_its_day() {
        let created = at("2025-03-01 08:30:00");
        let history = [
            Review::new(at("2025-03-04 09:00:00"), true),
            Review::new(at("2025-03-04 21:00:00"), false),
            Review::new(at("2025-03-09 07:15:00"), true),
            Review::new(at("2025-03-20 23:59:00"), true),
            Review::new(at("2025-05-02 12:00:00"), true),
        ];

        let days = daily_retention(created, &history, date("2025-09-01"));

        assert_eq!(days.len(), 185);
        for (day, retention) in days {
            let expected = retention_at(created, &history, day.and_hms_opt(23, 59, 59).unwrap());
            assert!(
                (retention - expected).abs() < 1e-12,
                "{day}: {retention} != {expected}"
            );
        }
    }

    #[test]
    fn the_curve_serializes_in_the_clients_shape() {
        let curve = word_curve(3, "w", at("2025-01-01 10:00:00"), &[]);

        let json = serde_json::to_value(&curve).unwrap();

        assert_eq!(json["word_id"], 3);
        assert_eq!(json["created_at"], "2025-01-01");
        assert_eq!(json["next_review_date"], "2025-01-04");
        assert_eq!(
            json["forgetting_curve"][1],
            serde_json::json!({"date": "2025-01-02", "retention": 63.76, "is_projection": true})
        );
        assert_eq!(
            json["all_markers"][0],
            serde_json::json!({"date": "2025-01-01", "type": "creation", "success": null})
        );
    }
}
