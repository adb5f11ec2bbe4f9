//! `GET /v3/due_counts?user_id=`: `{"user_id","overdue_count","total_count"}` in one
//! statement. Known words are not counted; a word is overdue when its next review date
//! (or, never reviewed, the day after it was saved) is today (UTC) or earlier.

use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Counts {
    overdue_count: i64,
    total_count: i64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let counts: Counts = ctx
            .db()?
            .fetch_one(queries::DUE_COUNTS, &[user.as_uuid()])?;
        api::ok(&serde_json::json!({
            "user_id": user,
            "overdue_count": counts.overdue_count,
            "total_count": counts.total_count,
        }))
    })
}
