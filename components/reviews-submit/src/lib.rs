//! `POST /v3/reviews/submit`: records a review and schedules the next one. The word is
//! trimmed and lower-cased as on save (and saved if it was not); `response` is a boolean
//! (0/1 tolerated). One transaction of two statements: find or save the word (creating the
//! user) with its history, then store the review dated by `domain::next_review_date`.

use chrono::NaiveDateTime;
use domain::{LanguageCode, QuestionType, Review, Word};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Prepared {
    word_id: i32,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
    history: Vec<Review>,
}

#[derive(Deserialize)]
struct Stored {
    review_count: i64,
    new_score: i64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let word = body.required("word", Word::parse)?;
        let learning = body.required("learning_language", LanguageCode::parse)?;
        let native = body.required("native_language", LanguageCode::parse)?;
        let correct = body.lenient_bool("response")?;
        let question = body.optional("question_type", QuestionType::parse)?;
        let (name, motto) = user.default_profile();
        let (word_id, reviewed_at, next, stored) = ctx.db()?.transaction(|tx| {
            let word_params: [&dyn api::ToParam; 6] = [
                user.as_uuid(),
                &word.as_str(),
                &learning.code(),
                &native.code(),
                &name,
                &motto,
            ];
            let mut p: Prepared = tx.fetch_one(queries::REVIEW_PREPARE, &word_params)?;
            p.history.push(Review::new(p.now, correct));
            let next = domain::next_review_date(p.created_at, &p.history);
            let review_params: [&dyn api::ToParam; 6] = [
                user.as_uuid(),
                &p.word_id,
                &correct,
                &question.as_ref().map(QuestionType::as_str),
                &p.now,
                &next,
            ];
            let stored: Stored = tx.fetch_one(queries::REVIEW_INSERT, &review_params)?;
            Ok::<_, api::ApiError>((p.word_id, p.now, next, stored))
        })?;
        api::ok(&serde_json::json!({
            "success": true,
            "word": word,
            "word_id": word_id,
            "response": correct,
            "review_count": stored.review_count,
            "interval_days": domain::whole_days(reviewed_at, next),
            "next_review_date": domain::format_utc(&next),
            "new_score": stored.new_score,
            "new_badges": null,
        }))
    })
}
