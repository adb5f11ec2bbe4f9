//! `POST /v3/words/toggle-exclude` `{user_id, word, excluded, learning_language?,
//! native_language?, word_id?}`: marks a word as excluded from practice (`is_known`) or
//! includes it again, in one statement, and answers `{"success":true,"word_id":"<id>",
//! "word","is_excluded","previous_status","message"}` (`word_id` is a string: the iOS
//! client decodes it as one).
//!
//! As on the original's newest branch: the user's word is found by text (in the given
//! languages; a language not given matches any) and, when not saved yet, saved with the
//! flag, a missing language coming from the user's preferences. A client may name the
//! word by `word_id` instead (or as well): it must then be one of the user's words,
//! otherwise 404, and it is never created. An unknown user is a 404 (the original
//! answered 400 "User preferences not found").

use domain::{FieldError, InvalidValue, LanguageCode, Word};
use serde::Deserialize;
use serde_json::Value;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Toggled {
    id: i32,
    word: String,
    previous_status: bool,
    created: bool,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let word_id = match body.get("word_id") {
            Some(_) => Some(body.id("word_id")?),
            None => None,
        };
        let word = match word_id {
            Some(_) => body.optional("word", Word::parse)?,
            None => Some(body.required("word", Word::parse)?),
        };
        let excluded = match body.get("excluded") {
            None => Err(FieldError::missing("excluded"))?,
            Some(Value::Bool(excluded)) => *excluded,
            Some(_) => Err(FieldError::new(
                "excluded",
                InvalidValue::WrongType("a boolean"),
            ))?,
        };
        let learning = body.optional("learning_language", LanguageCode::parse)?;
        let native = body.optional("native_language", LanguageCode::parse)?;
        let params: [&dyn api::ToParam; 6] = [
            user.as_uuid(),
            &word.as_ref().map(Word::as_str),
            &learning.map(LanguageCode::code),
            &native.map(LanguageCode::code),
            &excluded,
            &word_id,
        ];
        let toggled: Option<Toggled> =
            ctx.db()?.fetch_optional(queries::TOGGLE_EXCLUDE, &params)?;
        let Some(toggled) = toggled else {
            return Err(api::ApiError::NotFound(match word_id {
                Some(id) => format!("Word with ID {id} not found in saved words"),
                None => "User not found".to_owned(),
            }));
        };
        let message = match (toggled.created, excluded) {
            (true, true) => "Word saved and excluded from practice",
            (true, false) => "Word saved and included in practice",
            (false, true) => "Word excluded from practice",
            (false, false) => "Word included in practice",
        };
        api::ok(&serde_json::json!({
            "success": true,
            "word_id": toggled.id.to_string(),
            "word": toggled.word,
            "is_excluded": excluded,
            "previous_status": toggled.previous_status,
            "message": message,
        }))
    })
}
