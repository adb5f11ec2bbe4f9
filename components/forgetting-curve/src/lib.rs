//! `GET /v3/words/{word_id}/forgetting-curve?user_id=`: one of the user's saved words'
//! retention, one point per UTC day from the day it was saved to the day it is next due,
//! with creation, review and next-review markers (`domain::word_curve`), in one
//! statement. 404 when the user has no such word.

use chrono::NaiveDateTime;
use domain::Review;
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Saved {
    id: i32,
    word: String,
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
        api::ok(&domain::word_curve(
            saved.id,
            &saved.word,
            saved.created_at,
            &saved.history,
        ))
    })
}
