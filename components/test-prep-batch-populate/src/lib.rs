//! `POST /v3/test-prep/batch-populate`, operator only: adds words to a vocabulary bundle.
//! Body `{"bundle": test type or bundle name, "words": [...], "language": "en"}`. Words
//! are trimmed and lower-cased; levels are cumulative (a `TOEFL_BEGINNER` word is also
//! flagged intermediate and advanced). One statement.
//!
//! This is the database part of the original endpoint only: generating definitions and
//! questions with an AI provider is not done here; the summary reports how many of the
//! words already have a cached definition.

use domain::{FieldError, InvalidValue, LanguageCode, TestPrep, Word};
use serde::Deserialize;
use serde_json::Value;
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// Most words per request.
const MAX_WORDS: usize = 1000;
/// `bundle_vocabularies.word` is `VARCHAR(100)`.
const MAX_WORD_CHARS: usize = 100;

#[derive(Deserialize)]
struct Counts {
    total_words: i64,
    added: i64,
    already_present: i64,
    definitions_cached: i64,
}

fn bundle(raw: &str) -> Result<TestPrep, InvalidValue> {
    TestPrep::from_bundle_name(raw.trim()).map_or_else(|| TestPrep::parse(raw), Ok)
}

fn words(body: &api::JsonBody) -> api::Result<Vec<String>> {
    let items = match body.get("words") {
        None => return Err(FieldError::missing("words").into()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(
                FieldError::new("words", InvalidValue::WrongType("an array of strings")).into(),
            );
        }
    };
    if items.is_empty() {
        return Err(FieldError::new("words", InvalidValue::Empty).into());
    }
    if items.len() > MAX_WORDS {
        return Err(api::ApiError::BadRequest(format!(
            "Invalid words: at most {MAX_WORDS} words per request"
        )));
    }
    let mut words = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let problem = match item {
            Value::String(raw) if raw.contains('\0') => {
                Some(InvalidValue::NulCharacter.to_string())
            }
            Value::String(raw) => match Word::parse(raw) {
                Ok(word) if word.as_str().chars().count() > MAX_WORD_CHARS => Some(
                    InvalidValue::TooLong {
                        max: MAX_WORD_CHARS,
                    }
                    .to_string(),
                ),
                Ok(word) => {
                    words.push(word.as_str().to_owned());
                    None
                }
                Err(e) => Some(e.to_string()),
            },
            _ => Some(InvalidValue::WrongType("a string").to_string()),
        };
        if let Some(problem) = problem {
            return Err(api::ApiError::BadRequest(format!(
                "Invalid words[{i}]: {problem}"
            )));
        }
    }
    words.sort_unstable();
    words.dedup();
    Ok(words)
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let test = body.required("bundle", bundle)?;
        let language = body
            .optional("language", LanguageCode::parse)?
            .unwrap_or(LanguageCode::ENGLISH);
        let words = words(&body)?;
        let flags = test.bundle_flags();
        let words_json = Value::from(words);
        let (code, name) = (language.code(), test.as_str());
        let mut params: Vec<&dyn api::ToParam> = vec![&words_json, &code, &name];
        params.extend(flags.iter().map(|f| f as &dyn api::ToParam));
        let counts: Counts = ctx
            .db()?
            .fetch_one(queries::BATCH_POPULATE_BUNDLE, &params)?;
        api::ok(&serde_json::json!({
            "success": true,
            "bundle": test.as_str(),
            "language": language.code(),
            "summary": {
                "total_words": counts.total_words,
                "added": counts.added,
                "already_present": counts.already_present,
                "definitions_cached": counts.definitions_cached,
                "definitions_missing": counts.total_words - counts.definitions_cached,
            },
        }))
    })
}
