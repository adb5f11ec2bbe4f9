//! `POST /v3/save` `{word, user_id, learning_language?, native_language?, metadata?}`:
//! saves a word (trimmed, lower-cased) in one statement that also creates an unknown
//! user and fills missing languages from the user's preferences. Saving an already saved
//! word replaces its metadata (kept when none is sent). Answers exactly 201.

use chrono::NaiveDateTime;
use domain::{LanguageCode, Word};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Saved {
    id: i32,
    created_at: NaiveDateTime,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let word = body.required("word", Word::parse)?;
        let learning = body.optional("learning_language", LanguageCode::parse)?;
        let native = body.optional("native_language", LanguageCode::parse)?;
        let metadata = body.optional_object("metadata")?;
        let (name, motto) = user.default_profile();
        let (learning, native) = (
            learning.map(LanguageCode::code),
            native.map(LanguageCode::code),
        );
        let params: [&dyn api::ToParam; 7] = [
            user.as_uuid(),
            &word.as_str(),
            &learning,
            &native,
            &metadata,
            &name,
            &motto,
        ];
        let db = ctx.db()?;
        // No row only if another request created this user meanwhile: it exists now.
        let saved: Saved = match db.fetch_optional(queries::SAVE_WORD, &params)? {
            Some(saved) => saved,
            None => db.fetch_one(queries::SAVE_WORD, &params)?,
        };
        api::created(&serde_json::json!({
            "success": true,
            "message": format!("Word '{word}' saved successfully"),
            "word_id": saved.id,
            "created_at": domain::format_utc(&saved.created_at),
        }))
    })
}
