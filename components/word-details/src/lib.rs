//! `GET /v3/words/{word_id}/details?user_id=`: one of the user's saved words with its
//! schedule and review history (newest first), in one statement. The next review date is
//! recomputed from the whole history by the schedule (`domain::next_review_date`);
//! `interval_days` runs from the last review (or the save) to it. Timestamps are
//! `YYYY-MM-DDTHH:MM:SSZ` (the original's `YYYY-MM-DD HH:MM:SS` did not parse in the
//! client's ISO 8601 formatter). 404 when the user has no such word.

use chrono::NaiveDateTime;
use domain::{Review, format_utc};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Saved {
    id: i32,
    word: String,
    learning_language: String,
    native_language: String,
    metadata: serde_json::Value,
    created_at: NaiveDateTime,
    history: Vec<Review>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let word_id = api::path_id(req, "word_id")?;
        let user = api::Query::of(req).user_id()?;
        let saved: Option<Saved> = ctx
            .db()?
            .fetch_optional(queries::WORD_WITH_HISTORY, &[&word_id, user.as_uuid()])?;
        let Some(saved) = saved else {
            return Err(api::ApiError::NotFound("Word not found".to_owned()));
        };
        let next = domain::next_review_date(saved.created_at, &saved.history);
        let last = saved.history.iter().map(|r| r.reviewed_at).max();
        let history: Vec<serde_json::Value> = saved
            .history
            .iter()
            .rev()
            .map(|r| {
                serde_json::json!({
                    "response": r.correct,
                    "response_time_ms": null,
                    "reviewed_at": format_utc(&r.reviewed_at),
                })
            })
            .collect();
        api::ok(&serde_json::json!({
            "id": saved.id,
            "word": saved.word,
            "learning_language": saved.learning_language,
            "native_language": saved.native_language,
            "metadata": saved.metadata,
            "created_at": format_utc(&saved.created_at),
            "review_count": saved.history.len(),
            "interval_days": domain::whole_days(last.unwrap_or(saved.created_at), next),
            "next_review_date": format_utc(&next),
            "last_reviewed_at": last.as_ref().map(format_utc),
            "review_history": history,
        }))
    })
}
