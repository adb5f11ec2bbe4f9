//! `POST /v3/review/pronounce`: a review answered by reading `original_text` aloud.
//! Body `{user_id, word, original_text, audio_data (base64), learning_language,
//! native_language, evaluation_threshold? (0..1, default 0.7)}`.
//!
//! The recording is transcribed first (speech-to-text chain, `ai::Use::Transcription`'s
//! budget) and scored (`domain::evaluate`); only then, in one transaction, the review is
//! recorded as `POST /v3/reviews/submit` records one (`REVIEW_PREPARE` finds or saves
//! the word, creating the user, and reads its history; the review's right answer is
//! "passed", its question type `pronounce_sentence`, its next date from
//! `domain::next_review_date`), together with the attempt. Nothing is stored when the
//! provider fails.

use std::time::Instant;

use chrono::NaiveDateTime;
use domain::{AudioClip, FieldError, InvalidValue, LanguageCode, Review, Word};
use serde::Deserialize;
use serde_json::Value;
use spin_sdk::http::{Method, Request, ResponseOutparam};

const CONTEXT: &str = "POST /v3/review/pronounce";

/// See `pronunciation-practice`: a larger recording is a 400, a far larger body a 413.
const MAX_BODY_BYTES: usize = 2 * domain::MAX_AUDIO_BYTES + 64 * 1024;

#[derive(Deserialize)]
struct Prepared {
    word_id: i32,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
    history: Vec<Review>,
}

#[derive(Deserialize)]
struct Stored {
    review_id: i32,
}

/// `evaluation_threshold`: a number from 0 to 1, default 0.7.
fn threshold(body: &api::JsonBody) -> Result<f64, FieldError> {
    const FIELD: &str = "evaluation_threshold";
    match body.get(FIELD) {
        None => Ok(domain::DEFAULT_PASS_THRESHOLD),
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or(InvalidValue::WrongType("a number"))
            .and_then(domain::pass_threshold)
            .map_err(|e| FieldError::new(FIELD, e)),
        Some(_) => Err(FieldError::new(FIELD, InvalidValue::WrongType("a number"))),
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let started = Instant::now();
        let body = api::JsonBody::parse_limited(req.body(), MAX_BODY_BYTES)?;
        let user = body.user_id()?;
        let word = body.required("word", Word::parse)?;
        let text = body.required("original_text", |raw| {
            domain::required_text(raw, domain::PRONUNCIATION_TEXT_MAX_CHARS)
        })?;
        let clip = body.required("audio_data", AudioClip::from_base64)?;
        let learning = body.required("learning_language", LanguageCode::parse)?;
        let native = body.required("native_language", LanguageCode::parse)?;
        let threshold = threshold(&body)?;

        let mut ai = ai::Ai::from_variables(&[ai::Use::Transcription]);
        let file_name = clip.file_name();
        let recording = ai::Recording {
            bytes: clip.bytes(),
            file_name: &file_name,
            mime: clip.format().mime(),
            language: Some(learning.code()),
        };
        let heard = match ai.transcription(&recording, started + ai::Use::Transcription.budget()) {
            Ok(heard) => heard,
            Err(e) => return Ok(e.to_response(CONTEXT)),
        };
        let evaluation = domain::evaluate(&text, &heard, threshold);

        let (name, motto) = user.default_profile();
        let audio_bytes = i32::try_from(clip.bytes().len()).unwrap_or(i32::MAX);
        let (reviewed_at, next, stored) = ctx.db()?.transaction(|tx| {
            let word_params: [&dyn api::ToParam; 6] = [
                user.as_uuid(),
                &word.as_str(),
                &learning.code(),
                &native.code(),
                &name,
                &motto,
            ];
            let mut p: Prepared = tx.fetch_one(queries::REVIEW_PREPARE, &word_params)?;
            p.history.push(Review::new(p.now, evaluation.passed));
            let next = domain::next_review_date(p.created_at, &p.history);
            let review_params: [&dyn api::ToParam; 13] = [
                user.as_uuid(),
                &p.word_id,
                &evaluation.passed,
                &p.now,
                &next,
                &word.as_str(),
                &learning.code(),
                &text,
                &heard,
                &evaluation.similarity_score,
                &threshold,
                &clip.format().extension(),
                &audio_bytes,
            ];
            let stored: Stored = tx.fetch_one(queries::PRONOUNCE_REVIEW_INSERT, &review_params)?;
            Ok::<_, api::ApiError>((p.now, next, stored))
        })?;
        api::ok(&serde_json::json!({
            "success": true,
            "passed": evaluation.passed,
            "similarity_score": evaluation.similarity_score,
            "recognized_text": heard,
            "feedback": evaluation.feedback,
            "evaluation_threshold": threshold,
            "review_id": stored.review_id,
            "next_interval_days": domain::whole_days(reviewed_at, next),
        }))
    })
}
