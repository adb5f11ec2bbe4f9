//! `GET /v3/word?w&user_id&learning_lang&native_lang`: a word's V4 definition.
//!
//! One statement creates an unknown user, fills missing languages from the user's
//! preferences, reads the cached definition and, on a hit, saves the word for the user
//! and finds which of the word and its examples have audio. On a miss the provider's
//! definition chain runs within `ai::Use::Definition`'s budget and a second statement
//! stores it, saves the word and finds the audio. Missing audio is not queued: the client
//! asks `/v3/audio/{text}/{lang}` for what it plays, which generates it on demand.

use std::collections::BTreeMap;
use std::time::Instant;

use domain::{LanguageCode, Word};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

#[derive(Deserialize)]
struct Lookup {
    learning_language: String,
    native_language: String,
    definition_data: Option<Value>,
    audio_texts: Vec<String>,
}

#[derive(Deserialize)]
struct Stored {
    definition_data: Value,
    audio_texts: Vec<String>,
}

#[derive(Serialize)]
struct Validation<'a> {
    confidence: f64,
    suggested: Option<&'a str>,
}

#[derive(Serialize)]
struct AudioReferences {
    example_audio: BTreeMap<String, bool>,
    word_audio: bool,
}

#[derive(Serialize)]
struct Definition<'a> {
    word: &'a str,
    learning_language: &'a str,
    native_language: &'a str,
    validation: Validation<'a>,
    valid_word_score: f64,
    suggestion: Option<&'a str>,
    definition_data: &'a Value,
    audio_references: AudioReferences,
    audio_generation_status: &'static str,
}

/// The English name of a stored language code, for the prompt.
fn language_name(code: &str) -> &str {
    match LanguageCode::parse(code) {
        Ok(language) => language.name(),
        Err(_) => code,
    }
}

fn respond(
    word: &Word,
    learning: &str,
    native: &str,
    data: &Value,
    audio: &[String],
) -> api::Result<Response> {
    let has_audio = |text: &str| audio.iter().any(|t| t == text);
    let example_audio: BTreeMap<String, bool> = data
        .pointer("/definitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|sense| sense.get("examples").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(|text| (text.to_owned(), has_audio(text)))
        .collect();
    let word_audio = has_audio(word.as_str());
    let complete = word_audio && example_audio.values().all(|present| *present);
    let score = data
        .get("valid_word_score")
        .and_then(Value::as_f64)
        .unwrap_or(1.0);
    let suggestion = data.get("suggestion").and_then(Value::as_str);
    let mut response = api::ok(&Definition {
        word: word.as_str(),
        learning_language: learning,
        native_language: native,
        validation: Validation {
            confidence: score,
            suggested: suggestion,
        },
        valid_word_score: score,
        suggestion,
        definition_data: data,
        audio_references: AudioReferences {
            example_audio,
            word_audio,
        },
        audio_generation_status: if complete { "complete" } else { "on_demand" },
    })?;
    for (name, value) in ai::immutable_headers(&ai::etag(&[word.as_str(), learning, native])) {
        response.set_header(name, value);
    }
    Ok(response)
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let started = Instant::now();
        let query = api::Query::of(req);
        let word = query.required("w", Word::parse)?;
        let user = query.user_id()?;
        let learning = query.optional("learning_lang", LanguageCode::parse)?;
        let native = query.optional("native_lang", LanguageCode::parse)?;
        let (name, motto) = user.default_profile();
        let params: [&dyn api::ToParam; 6] = [
            user.as_uuid(),
            &word.as_str(),
            &learning.map(LanguageCode::code),
            &native.map(LanguageCode::code),
            &name,
            &motto,
        ];
        let db = ctx.db()?;
        // No row only if another request created this user meanwhile: it exists now.
        let found: Lookup = match db.fetch_optional(queries::WORD_LOOKUP, &params)? {
            Some(found) => found,
            None => db.fetch_one(queries::WORD_LOOKUP, &params)?,
        };
        let (learning, native) = (&found.learning_language, &found.native_language);
        if let Some(data) = &found.definition_data {
            return respond(&word, learning, native, data, &found.audio_texts);
        }
        let mut ai = ai::Ai::from_variables(&[ai::Use::Definition]);
        let deadline = started + ai::Use::Definition.budget();
        let generated = match ai.definition(
            word.as_str(),
            language_name(learning),
            language_name(native),
            deadline,
        ) {
            Ok(generated) => generated,
            Err(e) => return Ok(e.to_response("GET /v3/word")),
        };
        let params: [&dyn api::ToParam; 5] =
            [user.as_uuid(), &word.as_str(), learning, native, &generated];
        let stored: Stored = db.fetch_one(queries::WORD_STORE, &params)?;
        respond(
            &word,
            learning,
            native,
            &stored.definition_data,
            &stored.audio_texts,
        )
    })
}
