//! `GET /v3/api/video-questions-for-word?word&user_id&lang=en&limit=5`: a `video_mc`
//! question for each of up to `limit` movie clips of a word (at most 5 MiB, with a
//! transcript), most relevant first.
//!
//! One statement reads the clips with their cached question and the user's native
//! language. A clip without a question gets one from the provider's question chain (the
//! clip's transcript in the prompt), for at most [`MAX_GENERATIONS`] clips per request,
//! all within `ai::Use::Question`'s budget (5 s); a second statement stores them, one
//! per (clip, word, language). Clips still without a question are left out; when that
//! leaves none although clips exist, the answer is the provider's error (503 `Question
//! generation is not configured` / `... failed`, 504 `... timed out`).

use std::collections::BTreeMap;
use std::time::Instant;

use domain::{InvalidValue, LanguageCode, Word};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// At most this many questions are generated in one request.
const MAX_GENERATIONS: usize = 2;
/// `limit` bounds and default.
const LIMIT: (i64, i64, i64) = (1, 20, 5);
/// Clips larger than this are not offered (the client downloads them whole).
const MAX_VIDEO_BYTES: i32 = 5 * 1024 * 1024;

#[derive(Deserialize)]
struct Clip {
    video_id: i32,
    transcript: String,
    metadata: Value,
    question_data: Option<Value>,
    native_language: String,
}

#[derive(Deserialize)]
struct Stored {
    video_id: i32,
    question_data: Value,
}

fn parse_limit(raw: &str) -> Result<i64, InvalidValue> {
    let (min, max, _) = LIMIT;
    let limit: i64 = raw
        .parse()
        .map_err(|_| InvalidValue::WrongType("an integer"))?;
    if (min..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(InvalidValue::OutOfRange { min, max })
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let started = Instant::now();
        let query = api::Query::of(req);
        let word = query.required("word", Word::parse)?;
        let user = query.user_id()?;
        let lang = query
            .optional("lang", LanguageCode::parse)?
            .map_or("en", LanguageCode::code);
        let limit = query.optional("limit", parse_limit)?.unwrap_or(LIMIT.2);
        let db = ctx.db()?;
        let clips: Vec<Clip> = db.fetch_all(
            queries::VIDEO_QUESTIONS,
            &[
                &word.as_str(),
                &lang,
                user.as_uuid(),
                &limit,
                &MAX_VIDEO_BYTES,
            ],
        )?;

        let mut questions: BTreeMap<i32, Value> = clips
            .iter()
            .filter_map(|c| Some((c.video_id, c.question_data.clone()?)))
            .collect();
        let mut ai = ai::Ai::from_variables(&[ai::Use::Question]);
        let deadline = started + ai::Use::Question.budget();
        let mut generated = Vec::new();
        let mut last_error = None;
        let misses = clips.iter().filter(|c| c.question_data.is_none());
        for clip in misses.take(MAX_GENERATIONS) {
            if Instant::now() >= deadline {
                break;
            }
            let name = LanguageCode::parse(lang).map_or(lang, LanguageCode::name);
            let answer = ai.video_question(
                word.as_str(),
                name,
                clip.video_id,
                &clip.transcript,
                deadline,
            );
            match answer {
                Ok(question) => generated.push(json!({
                    "video_id": clip.video_id,
                    "word": word,
                    "learning_language": lang,
                    "question_data": question,
                })),
                Err(e) => {
                    let stop = !matches!(e, ai::AiError::Failed(..));
                    last_error = Some(e);
                    if stop {
                        break;
                    }
                }
            }
        }
        if !generated.is_empty() {
            let stored: Vec<Stored> =
                db.fetch_all(queries::STORE_VIDEO_QUESTIONS, &[&Value::Array(generated)])?;
            questions.extend(stored.into_iter().map(|s| (s.video_id, s.question_data)));
        }

        let seed = ai::shuffle_seed();
        let items: Vec<Value> = clips
            .iter()
            .filter_map(|clip| {
                let stored = questions.get(&clip.video_id)?;
                let seed = seed.wrapping_add(clip.video_id as u64);
                let question = ai::serve_video_question(stored, &clip.metadata, seed)?;
                Some((clip, question))
            })
            .enumerate()
            .map(|(position, (clip, question))| {
                json!({
                    "word": word,
                    "saved_word_id": null,
                    "source": "VIDEO",
                    "position": position,
                    "learning_language": lang,
                    "native_language": clip.native_language,
                    "question": question,
                    "definition": null,
                })
            })
            .collect();
        if items.is_empty() && !clips.is_empty() {
            let error = last_error.unwrap_or(ai::AiError::NotConfigured(ai::Use::Question));
            return Ok(error.to_response("GET /v3/api/video-questions-for-word"));
        }
        api::ok(&json!({"word": word, "questions": items, "count": items.len()}))
    })
}
