//! `POST /v3/content/report` `{user_id, word, learning_language, native_language,
//! question_type, report_type, video_id?, comment?}`: stores a user's report about a
//! question or video, creating the user if unknown, in one statement that commits (the
//! original never committed, so every report was lost).
//!
//! `report_type` is one of `Inappropriate`, `Incorrect`, `Copyright`, `Other` (any case,
//! stored capitalized). Reporting the same question again for the same reason updates the
//! report (`reported_at`, and `comment`/`video_id` when sent) and returns its id.
//! `word` is trimmed and lower-cased like a saved word; `comment` is at most 1000
//! characters, blank counts as absent.

use domain::{LanguageCode, QuestionType, ReportType, Word};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Stored {
    id: i32,
}

#[derive(Serialize)]
struct Answer {
    success: bool,
    message: &'static str,
    report_id: i32,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let word = body.required("word", Word::parse)?;
        let learning = body.required("learning_language", LanguageCode::parse)?;
        let native = body.required("native_language", LanguageCode::parse)?;
        let question_type = body.required("question_type", QuestionType::parse)?;
        let report_type = body.required("report_type", ReportType::parse)?;
        let video_id = match body.get("video_id") {
            None => None,
            Some(_) => Some(body.id("video_id")?),
        };
        let comment = body
            .optional("comment", |raw| {
                domain::optional_text(raw, domain::REPORT_COMMENT_MAX_CHARS)
            })?
            .flatten();
        let (name, motto) = user.default_profile();
        let params: [&dyn api::ToParam; 10] = [
            user.as_uuid(),
            &word.as_str(),
            &learning.code(),
            &native.code(),
            &question_type.as_str(),
            &report_type.as_str(),
            &video_id,
            &comment,
            &name,
            &motto,
        ];
        let stored: Stored = ctx.db()?.fetch_one(queries::REPORT_CONTENT, &params)?;
        api::ok(&Answer {
            success: true,
            message: "Thank you for your report. We'll review it soon.",
            report_id: stored.id,
        })
    })
}
