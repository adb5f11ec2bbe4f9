//! `POST /v3/unsave` `{user_id, word_id}`: deletes one of the user's saved words (its
//! reviews go with it, by foreign-key cascade). `word_id` is a positive integer; a
//! string of digits is accepted too. 404 when the user has no such word.

use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Deleted {
    id: i32,
    word: String,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let word_id = body.id("word_id")?;
        let deleted: Option<Deleted> = ctx
            .db()?
            .fetch_optional(queries::UNSAVE_WORD, &[&word_id, user.as_uuid()])?;
        let Some(deleted) = deleted else {
            return Err(api::ApiError::NotFound(format!(
                "Word with ID {word_id} not found in saved words"
            )));
        };
        api::ok(&serde_json::json!({
            "success": true,
            "message": format!("Word '{}' removed from saved words", deleted.word),
            "deleted_word_id": deleted.id,
        }))
    })
}
