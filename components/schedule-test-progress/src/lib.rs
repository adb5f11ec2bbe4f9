//! `GET /v3/schedule/test-progress?user_id=`: how far the user is through their test's
//! word list, `{"has_schedule","test_type","total_words","saved_words","progress" (0–1,
//! 4 decimals),"streak_days"}`. `has_schedule`: a test whose target end date is after
//! the user's today (in their time zone); the streak is counted as
//! `GET /v3/get-streak-days` counts it. Without a test the counts are 0. One statement;
//! 404 for an unknown user.

use chrono::NaiveDate;
use domain::TestPrep;
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Progress {
    test_prep: Option<String>,
    target_end_date: Option<NaiveDate>,
    today: NaiveDate,
    totals: Vec<i64>,
    saved: Vec<i64>,
    streak_dates: Vec<NaiveDate>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let p: Progress = ctx
            .db()?
            .fetch_optional(queries::USER_TEST_PREP, &[user.as_uuid()])?
            .ok_or_else(|| api::ApiError::NotFound("User not found".to_owned()))?;
        let test = p.test_prep.as_deref().and_then(|t| TestPrep::parse(t).ok());
        let index = test.and_then(|t| TestPrep::ALL.iter().position(|x| *x == t));
        let total = index
            .and_then(|i| p.totals.get(i))
            .copied()
            .unwrap_or_default();
        let saved = index
            .and_then(|i| p.saved.get(i))
            .copied()
            .unwrap_or_default();
        let progress = if total > 0 {
            (saved as f64 / total as f64 * 10_000.0).round() / 10_000.0
        } else {
            0.0
        };
        let has_schedule = test.is_some() && p.target_end_date.is_some_and(|end| end > p.today);
        api::ok(&serde_json::json!({
            "has_schedule": has_schedule,
            "test_type": p.test_prep,
            "total_words": total,
            "saved_words": saved,
            "progress": progress,
            "streak_days": domain::streak_length(p.today, &p.streak_dates),
        }))
    })
}
