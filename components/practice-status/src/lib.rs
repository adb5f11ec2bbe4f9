//! `GET /v3/practice-status?user_id=`: the newest client's practice counters
//! `{"user_id","due_word_count","new_word_count_past_24h","total_word_count","score",
//! "has_practice","reviews_past_24h","bundle_progress"}`, in one statement.
//!
//! A word is due when it is not marked known and its next review (the latest review's
//! date, or the day after it was saved when never reviewed: the rule of due counts and
//! saved words) falls on or before today, **today being the user's day in the time zone
//! of their preferences** (the original's first version used it; its newest one used the
//! database's `CURRENT_DATE`). `has_practice` is `due_word_count > 0`. With a
//! `test_prep`, `bundle_progress` counts the bundle's words in the learning language and
//! how many the user saved (`percentage` a whole number, as the client decodes an Int);
//! otherwise it is `null`. An unknown user gets zeros and is not created.

use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Status {
    due_word_count: i64,
    new_word_count_past_24h: i64,
    total_word_count: i64,
    score: i64,
    reviews_past_24h: i64,
    bundle_total: Option<i64>,
    bundle_saved: Option<i64>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let status: Status = ctx
            .db()?
            .fetch_one(queries::PRACTICE_STATUS, &[user.as_uuid()])?;
        let bundle_progress = status.bundle_total.map(|total| {
            let saved = status.bundle_saved.unwrap_or(0);
            serde_json::json!({
                "saved_words": saved,
                "total_words": total,
                "percentage": domain::whole_percent(saved, total),
            })
        });
        api::ok(&serde_json::json!({
            "user_id": user,
            "due_word_count": status.due_word_count,
            "new_word_count_past_24h": status.new_word_count_past_24h,
            "total_word_count": status.total_word_count,
            "score": status.score,
            "has_practice": status.due_word_count > 0,
            "reviews_past_24h": status.reviews_past_24h,
            "bundle_progress": bundle_progress,
        }))
    })
}
