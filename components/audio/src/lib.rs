//! `GET /v3/audio/{text}/{language}`: a text read aloud, as base64 MP3 in JSON.
//!
//! The route is the trailing wildcard `/v3/audio/...` because the iOS client does not
//! escape `/` inside the text: the last path segment is the language and everything
//! before it, percent-decoded, is the text. Cached audio is answered with
//! `"generated": false`; a miss runs the text-to-speech chain within
//! `ai::Use::Speech`'s budget, stores the MP3 and answers `"generated": true`.

use std::time::Instant;

use chrono::NaiveDateTime;
use domain::{FieldError, InvalidValue, LanguageCode};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// The longest text read aloud, in characters (an example sentence is far shorter).
const MAX_TEXT_CHARS: usize = 1000;

#[derive(Deserialize)]
struct Cached {
    audio_data: String,
    content_type: String,
    created_at: NaiveDateTime,
}

#[derive(Deserialize)]
struct Created {
    created_at: NaiveDateTime,
}

#[derive(Serialize)]
struct Audio {
    audio_data: String,
    content_type: String,
    created_at: String,
    generated: bool,
}

/// The text and language of a path below `/v3/audio`, such as `/hello%20world/en` or
/// `/and/or/en` (the text `and/or`).
fn text_and_language(path_info: &str) -> Result<(String, LanguageCode), FieldError> {
    let rest = path_info.trim_start_matches('/');
    let (raw_text, raw_language) = rest
        .rsplit_once('/')
        .ok_or(FieldError::missing("language"))?;
    let language = percent_encoding::percent_decode_str(raw_language).decode_utf8_lossy();
    if language.trim().is_empty() {
        return Err(FieldError::missing("language"));
    }
    let language = LanguageCode::parse(&language).map_err(|e| FieldError::new("language", e))?;
    let text = percent_encoding::percent_decode_str(raw_text)
        .decode_utf8()
        .map_err(|_| FieldError::new("text", InvalidValue::WrongType("UTF-8 text")))?;
    if text.trim().is_empty() {
        return Err(FieldError::missing("text"));
    }
    if text.contains('\0') {
        return Err(FieldError::new("text", InvalidValue::NulCharacter));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new(
            "text",
            InvalidValue::TooLong {
                max: MAX_TEXT_CHARS,
            },
        ));
    }
    Ok((text.into_owned(), language))
}

fn path_info(req: &Request) -> &str {
    match req.header("spin-path-info").and_then(|v| v.as_str()) {
        Some(info) => info,
        None => api::request_path(req)
            .strip_prefix("/v3/audio")
            .unwrap_or_default(),
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let started = Instant::now();
        let (text, language) = text_and_language(path_info(req))?;
        let db = ctx.db()?;
        let params: [&dyn api::ToParam; 2] = [&text, &language.code()];
        if let Some(cached) = db.fetch_optional::<Cached>(queries::AUDIO_LOOKUP, &params)? {
            return api::ok(&Audio {
                audio_data: cached.audio_data,
                content_type: cached.content_type,
                created_at: domain::format_utc(&cached.created_at),
                generated: false,
            });
        }
        let mut ai = ai::Ai::from_variables(&[ai::Use::Speech]);
        let mp3 = match ai.speech(&text, started + ai::Use::Speech.budget()) {
            Ok(mp3) => mp3,
            Err(e) => return Ok(e.to_response("GET /v3/audio")),
        };
        let encoded = ai::base64(&mp3);
        let params: [&dyn api::ToParam; 3] = [&text, &language.code(), &encoded];
        // No row when a concurrent request stored this text first; ours is as good.
        let created = db
            .fetch_optional::<Created>(queries::AUDIO_STORE, &params)?
            .map_or_else(api::now_utc, |c| c.created_at);
        api::ok(&Audio {
            audio_data: encoded,
            content_type: "audio/mpeg".to_owned(),
            created_at: domain::format_utc(&created),
            generated: true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_segment_is_the_language_and_the_rest_the_text() {
        let cases = [
            ("/hello/en", "hello", "en"),
            ("/hello%20world/en", "hello world", "en"),
            ("/and/or/en", "and/or", "en"),
            ("/caf%C3%A9%20au%20lait./FR", "café au lait.", "fr"),
            ("/It's%20a%20cat%3F/en", "It's a cat?", "en"),
        ];
        for (path, text, language) in cases {
            let parsed = text_and_language(path).map(|(t, l)| (t, l.code()));
            assert_eq!(parsed, Ok((text.to_owned(), language)), "{path}");
        }
    }

    #[test]
    fn missing_or_bad_parts_name_the_field() {
        let cases = [
            ("", "language"),
            ("/hello", "language"),
            ("/hello/", "language"),
            ("/hello/xx", "language"),
            ("//en", "text"),
            ("/%20/en", "text"),
            ("/%FF/en", "text"),
            ("/a%00b/en", "text"),
        ];
        for (path, field) in cases {
            assert_eq!(
                text_and_language(path).map_err(|e| e.field),
                Err(field),
                "{path}"
            );
        }
        let long = format!("/{}/en", "a".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(text_and_language(&long).map_err(|e| e.field), Err("text"));
    }
}
