//! `GET /v3/get-streak-days?user_id=`: `{"user_id","streak_days"}` in one statement.
//! Every review records its day in the user's time zone (`streak_days`); the streak is
//! the run of consecutive days ending today or, not yet practised today, yesterday
//! (`domain::streak_length`). An unknown user has a streak of 0.

use chrono::NaiveDate;
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Days {
    today: NaiveDate,
    dates: Vec<NaiveDate>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let days: Days = ctx
            .db()?
            .fetch_one(queries::STREAK_DATES, &[user.as_uuid()])?;
        api::ok(&serde_json::json!({
            "user_id": user,
            "streak_days": domain::streak_length(days.today, &days.dates),
        }))
    })
}
