//! `GET /v3/is-word-saved?user_id=&word=&learning_lang=&native_lang=`:
//! `{"is_saved","saved_word_id"}` in one statement. The word is trimmed and lower-cased
//! as on save. With both languages, only that language pair counts; with neither, any
//! pair does (the original's behaviour); one without the other is a 400 naming the
//! missing one (the original silently ignored a lone language). An unknown user has
//! saved nothing.

use domain::{FieldError, InvalidValue, LanguageCode, Word};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Found {
    saved_word_id: Option<i32>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let query = api::Query::of(req);
        let user = query.user_id()?;
        let word = query.required("word", Word::parse)?;
        let learning = query.optional("learning_lang", LanguageCode::parse)?;
        let native = query.optional("native_lang", LanguageCode::parse)?;
        match (learning, native) {
            (Some(_), None) => Err(FieldError::new(
                "native_lang",
                InvalidValue::RequiredWith("learning_lang"),
            ))?,
            (None, Some(_)) => Err(FieldError::new(
                "learning_lang",
                InvalidValue::RequiredWith("native_lang"),
            ))?,
            _ => {}
        }
        let params: [&dyn api::ToParam; 4] = [
            user.as_uuid(),
            &word.as_str(),
            &learning.map(LanguageCode::code),
            &native.map(LanguageCode::code),
        ];
        let found: Found = ctx.db()?.fetch_one(queries::IS_WORD_SAVED, &params)?;
        api::ok(&serde_json::json!({
            "is_saved": found.saved_word_id.is_some(),
            "saved_word_id": found.saved_word_id,
        }))
    })
}
