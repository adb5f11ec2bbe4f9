//! `POST /v3/pronunciation/practice`: `{user_id, original_text, audio_data (base64),
//! metadata?}`. The recording is transcribed by the speech-to-text chain (in the user's
//! learning language, `en` for an unknown user) within `ai::Use::Transcription`'s
//! budget, scored against the text (`domain::evaluate`, pass at 0.7) and stored in
//! `pronunciation_practice` (the user is created if unknown). Two statements: the
//! user's language, then the attempt. Nothing is stored when the provider fails.

use std::time::Instant;

use domain::AudioClip;
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

const CONTEXT: &str = "POST /v3/pronunciation/practice";

/// The body may hold base64 of up to `MAX_AUDIO_BYTES` of audio, and some slack: a
/// larger recording gets a 400 naming `audio_data`, a far larger body a 413.
const MAX_BODY_BYTES: usize = 2 * domain::MAX_AUDIO_BYTES + 64 * 1024;

#[derive(Deserialize)]
struct Language {
    learning_language: String,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let started = Instant::now();
        let body = api::JsonBody::parse_limited(req.body(), MAX_BODY_BYTES)?;
        let user = body.user_id()?;
        let text = body.required("original_text", |raw| {
            domain::required_text(raw, domain::PRONUNCIATION_TEXT_MAX_CHARS)
        })?;
        let clip = body.required("audio_data", AudioClip::from_base64)?;
        let metadata = body
            .optional_object("metadata")?
            .cloned()
            .unwrap_or_else(|| serde_json::json!({}));

        let mut ai = ai::Ai::from_variables(&[ai::Use::Transcription]);
        if !ai.is_configured(ai::Use::Transcription) {
            return Ok(ai::AiError::NotConfigured(ai::Use::Transcription).to_response(CONTEXT));
        }
        let db = ctx.db()?;
        let language = db
            .fetch_optional::<Language>(queries::USER_LEARNING_LANGUAGE, &[user.as_uuid()])?
            .map_or_else(|| "en".to_owned(), |l| l.learning_language);
        let file_name = clip.file_name();
        let recording = ai::Recording {
            bytes: clip.bytes(),
            file_name: &file_name,
            mime: clip.format().mime(),
            language: Some(&language),
        };
        let heard = match ai.transcription(&recording, started + ai::Use::Transcription.budget()) {
            Ok(heard) => heard,
            Err(e) => return Ok(e.to_response(CONTEXT)),
        };
        let evaluation = domain::evaluate(&text, &heard, domain::DEFAULT_PASS_THRESHOLD);

        let (name, motto) = user.default_profile();
        let audio_bytes = i32::try_from(clip.bytes().len()).unwrap_or(i32::MAX);
        let params: [&dyn api::ToParam; 12] = [
            user.as_uuid(),
            &name,
            &motto,
            &language,
            &text,
            &heard,
            &evaluation.similarity_score,
            &evaluation.passed,
            &domain::DEFAULT_PASS_THRESHOLD,
            &clip.format().extension(),
            &audio_bytes,
            &metadata,
        ];
        let _attempt_id: i32 = db.fetch_scalar(queries::PRONUNCIATION_PRACTICE_INSERT, &params)?;
        api::ok(&serde_json::json!({
            "success": true,
            "result": evaluation.passed,
            "similarity_score": evaluation.similarity_score,
            "recognized_text": heard,
            "feedback": evaluation.feedback,
        }))
    })
}
