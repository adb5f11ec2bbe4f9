//! `GET /test-review-intervals` (and `/v3/...`): the review schedule simulated from
//! today for a word reviewed exactly when due, ten times: always right (intervals 3, 3,
//! 6, 10, 19, 43, 62, 62, 108, 123 days) and failing every third review (3, 3, 6, 3, ...).
//! Pure computation with `domain`; no statement besides the usage row.

use chrono::NaiveDateTime;
use domain::SimulatedReview;
use serde::Serialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

const REVIEWS: usize = 10;

#[derive(Serialize)]
struct Intervals {
    description: &'static str,
    configuration: Configuration,
    perfect_reviews: Simulation,
    reviews_with_failures: Simulation,
}

#[derive(Serialize)]
struct Configuration {
    retention_threshold: f64,
    decay_rates: DecayRates,
}

#[derive(Serialize)]
struct DecayRates {
    week_1: f64,
    week_2: f64,
    week_3_4: f64,
    week_5_8: f64,
    week_9_plus: f64,
}

#[derive(Serialize)]
struct Simulation {
    description: &'static str,
    schedule: Vec<Row>,
    intervals_summary: Summary,
}

#[derive(Serialize)]
struct Row {
    review_number: usize,
    date: String,
    days_from_previous: i64,
    total_days_from_creation: i64,
    result: &'static str,
}

#[derive(Serialize)]
struct Summary {
    intervals_in_days: Vec<i64>,
    average_interval: f64,
    max_interval: i64,
    min_interval: i64,
}

fn simulation(description: &'static str, reviews: &[SimulatedReview]) -> Simulation {
    let intervals: Vec<i64> = reviews.iter().map(|r| r.days_from_previous).collect();
    let total: i64 = intervals.iter().sum();
    let average = match i64::try_from(intervals.len()) {
        Ok(n) if n > 0 => (total as f64 / n as f64 * 10.0).round() / 10.0,
        _ => 0.0,
    };
    Simulation {
        description,
        schedule: reviews
            .iter()
            .map(|r| Row {
                review_number: r.review_number,
                date: domain::format_date(&r.at.date()),
                days_from_previous: r.days_from_previous,
                total_days_from_creation: r.total_days_from_creation,
                result: if r.correct { "correct" } else { "incorrect" },
            })
            .collect(),
        intervals_summary: Summary {
            average_interval: average,
            max_interval: intervals.iter().copied().max().unwrap_or_default(),
            min_interval: intervals.iter().copied().min().unwrap_or_default(),
            intervals_in_days: intervals,
        },
    }
}

fn intervals(created: NaiveDateTime) -> Intervals {
    let perfect = domain::simulate_reviews(created, REVIEWS, |_| true);
    let failing = domain::simulate_reviews(created, REVIEWS, |n| n % 3 != 0);
    Intervals {
        description: "Review dates of a word saved today and reviewed exactly when due, \
                      computed with the scheduling algorithm: a forgetting curve whose daily \
                      decay slows down with the time since the last failure; the word is due \
                      when retention falls to the threshold.",
        configuration: Configuration {
            retention_threshold: domain::RETENTION_THRESHOLD,
            decay_rates: DecayRates {
                week_1: domain::decay_rate(0),
                week_2: domain::decay_rate(7),
                week_3_4: domain::decay_rate(14),
                week_5_8: domain::decay_rate(28),
                week_9_plus: domain::decay_rate(56),
            },
        },
        perfect_reviews: simulation("Every answer right", &perfect),
        reviews_with_failures: simulation("Every third answer wrong", &failing),
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |_req, _ctx| {
        api::ok(&intervals(api::now_utc()))
    })
}
