//! `POST /v3/admin/videos/batch-upload`, operator only: stores movie clips and the words
//! they illustrate. Body `{source_id?, videos: [{slug, name, format = "mp4",
//! video_data_base64, size_bytes?, transcript?, audio_transcript?,
//! audio_transcript_verified?, whisper_metadata?, metadata = {}, word_mappings: [{word,
//! learning_language = "en", relevance_score? (0..1), transcript_source = "metadata",
//! timestamp? (accepted, not stored)}]}]}`.
//!
//! Everything is validated first (each video decoded and measured against the
//! `max_video_bytes` variable), then stored in ONE transaction, one statement per video:
//! any failure stores nothing. A video is idempotent on (name, format) (`"existed"`);
//! mappings are inserted or updated (`mappings_skipped`).

use std::collections::HashSet;

use base64::Engine;
use domain::{InvalidValue, LanguageCode, Word};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

use api::ApiError;

/// The component variable limiting each decoded video, in bytes.
const MAX_VIDEO_BYTES_VARIABLE: &str = "max_video_bytes";
/// Its default: 10 MiB.
const DEFAULT_MAX_VIDEO_BYTES: usize = 10 * 1024 * 1024;
/// Videos per request.
const MAX_VIDEOS: usize = 100;
/// Word mappings per video.
const MAX_MAPPINGS: usize = 1000;

#[derive(Deserialize)]
struct Stored {
    video_id: i32,
    created: bool,
    mappings_created: i64,
    mappings_skipped: i64,
}

/// One validated video, borrowing from the request body.
struct Video<'a> {
    slug: &'a str,
    name: &'a str,
    format: &'a str,
    data_base64: &'a str,
    size_bytes: i32,
    transcript: Option<&'a str>,
    audio_transcript: Option<&'a str>,
    audio_transcript_verified: bool,
    whisper_metadata: Option<Value>,
    metadata: Value,
    mappings: Value,
    mapping_count: usize,
}

/// The fields of one JSON object of the body, reported as `<at>.<field>`.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    at: String,
}

impl<'a> Fields<'a> {
    fn of(value: &'a Value, at: String) -> Result<Self, ApiError> {
        match value {
            Value::Object(object) => Ok(Fields { object, at }),
            _ => Err(ApiError::BadRequest(format!(
                "Invalid {at}: must be an object"
            ))),
        }
    }

    fn invalid(&self, field: &str, problem: impl std::fmt::Display) -> ApiError {
        ApiError::BadRequest(format!("Invalid {}.{field}: {problem}", self.at))
    }

    fn get(&self, field: &str) -> Option<&'a Value> {
        self.object.get(field).filter(|v| !v.is_null())
    }

    /// A string field of at most `max` characters, without NUL; blank counts as absent.
    fn text(&self, field: &str, max: usize) -> Result<Option<&'a str>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) if s.contains('\0') => {
                Err(self.invalid(field, InvalidValue::NulCharacter))
            }
            Some(Value::String(s)) if s.chars().count() > max => {
                Err(self.invalid(field, InvalidValue::TooLong { max }))
            }
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(self.invalid(field, InvalidValue::WrongType("a string"))),
        }
    }

    fn required_text(&self, field: &str, max: usize) -> Result<&'a str, ApiError> {
        self.text(field, max)?.ok_or_else(|| {
            ApiError::BadRequest(format!("Missing required field: {}.{field}", self.at))
        })
    }

    fn flag(&self, field: &str) -> Result<Option<bool>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(field, InvalidValue::WrongType("a boolean"))),
        }
    }

    fn number(&self, field: &str) -> Result<Option<f64>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(self.invalid(field, InvalidValue::WrongType("a number"))),
        }
    }

    /// Any JSON value (for `jsonb`), checked by [`api::storable_json`].
    fn json(&self, field: &str, object_only: bool) -> Result<Option<Value>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) if object_only && !v.is_object() => {
                Err(self.invalid(field, InvalidValue::WrongType("an object")))
            }
            Some(v) => match api::storable_json(v) {
                Ok(()) => Ok(Some(v.clone())),
                Err(problem) => Err(self.invalid(field, problem)),
            },
        }
    }

    fn array(&self, field: &str, max: usize) -> Result<&'a [Value], ApiError> {
        match self.get(field) {
            None => Ok(&[]),
            Some(Value::Array(items)) if items.len() > max => {
                Err(self.invalid(field, format!("at most {max} entries")))
            }
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.invalid(field, InvalidValue::WrongType("an array"))),
        }
    }
}

fn max_video_bytes() -> usize {
    match spin_sdk::variables::get(MAX_VIDEO_BYTES_VARIABLE) {
        Ok(raw) => raw
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or_else(|| {
                eprintln!(
                    "{MAX_VIDEO_BYTES_VARIABLE} is not a positive integer; using the default"
                );
                DEFAULT_MAX_VIDEO_BYTES
            }),
        Err(_) => DEFAULT_MAX_VIDEO_BYTES,
    }
}

/// Room for one video of the largest size in base64 (4/3 of it) and the other fields.
fn body_limit(max_video: usize) -> usize {
    max_video.saturating_mul(2).saturating_add(1024 * 1024)
}

fn mapping(item: &Value, at: String) -> Result<(String, &'static str, Value), ApiError> {
    let m = Fields::of(item, at)?;
    let raw_word = m.required_text("word", Word::MAX_CHARS)?;
    let word = Word::parse(raw_word).map_err(|e| m.invalid("word", e))?;
    let language = match m.text("learning_language", 10)? {
        Some(raw) => LanguageCode::parse(raw).map_err(|e| m.invalid("learning_language", e))?,
        None => LanguageCode::ENGLISH,
    };
    let score = m.number("relevance_score")?;
    if let Some(score) = score
        && !(0.0..=1.0).contains(&score)
    {
        return Err(m.invalid("relevance_score", "must be between 0 and 1"));
    }
    let source = m.text("transcript_source", 20)?.unwrap_or("metadata");
    m.number("timestamp")?;
    let json = json!({
        "word": word.as_str(),
        "learning_language": language.code(),
        "relevance_score": score,
        "transcript_source": source,
    });
    Ok((word.as_str().to_owned(), language.code(), json))
}

fn video(item: &Value, i: usize, max_bytes: usize) -> Result<Video<'_>, ApiError> {
    let v = Fields::of(item, format!("videos[{i}]"))?;
    let slug = v.required_text("slug", 255)?;
    let name = v.required_text("name", 255)?;
    let format = v.text("format", 10)?.unwrap_or("mp4");
    let data_base64 = v.required_text("video_data_base64", usize::MAX)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data_base64)
        .map_err(|_| v.invalid("video_data_base64", "not valid base64"))?
        .len();
    if decoded > max_bytes {
        return Err(ApiError::BadRequest(format!(
            "videos[{i}] (slug '{slug}') is {decoded} bytes, more than the limit of {max_bytes} bytes"
        )));
    }
    let size_bytes =
        i32::try_from(decoded).map_err(|_| v.invalid("video_data_base64", "too large"))?;
    if let Some(declared) = v.number("size_bytes")?
        && declared != f64::from(size_bytes)
    {
        return Err(v.invalid(
            "size_bytes",
            format!("is {declared} but the decoded video is {size_bytes} bytes"),
        ));
    }
    let mut seen = HashSet::new();
    let mut mappings = Vec::new();
    for (j, item) in v.array("word_mappings", MAX_MAPPINGS)?.iter().enumerate() {
        let at = format!("videos[{i}].word_mappings[{j}]");
        let (word, language, json) = mapping(item, at.clone())?;
        if !seen.insert((word.clone(), language)) {
            return Err(ApiError::BadRequest(format!(
                "Invalid {at}.word: '{word}' ({language}) is mapped twice"
            )));
        }
        mappings.push(json);
    }
    Ok(Video {
        slug,
        name,
        format,
        data_base64,
        size_bytes,
        transcript: v.text("transcript", usize::MAX)?,
        audio_transcript: v.text("audio_transcript", usize::MAX)?,
        audio_transcript_verified: v.flag("audio_transcript_verified")?.unwrap_or(false),
        whisper_metadata: v.json("whisper_metadata", false)?,
        metadata: v.json("metadata", true)?.unwrap_or_else(|| json!({})),
        mapping_count: mappings.len(),
        mappings: Value::Array(mappings),
    })
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Post], |req, ctx| {
        let max_bytes = max_video_bytes();
        let body = api::JsonBody::parse_limited(req.body(), body_limit(max_bytes))?;
        let source_id = body.optional("source_id", |raw| {
            if raw.chars().count() > 100 {
                Err(InvalidValue::TooLong { max: 100 })
            } else {
                Ok(raw.to_owned())
            }
        })?;
        let items = match body.get("videos") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) => {
                return Err(ApiError::BadRequest(
                    "Invalid videos: must not be empty".into(),
                ));
            }
            Some(_) => {
                return Err(ApiError::BadRequest(
                    "Invalid videos: must be an array".into(),
                ));
            }
            None => {
                return Err(ApiError::BadRequest(
                    "Missing required field: videos".into(),
                ));
            }
        };
        if items.len() > MAX_VIDEOS {
            return Err(ApiError::BadRequest(format!(
                "Invalid videos: at most {MAX_VIDEOS} videos per request"
            )));
        }
        let videos = items
            .iter()
            .enumerate()
            .map(|(i, item)| video(item, i, max_bytes))
            .collect::<Result<Vec<_>, _>>()?;

        let results = ctx.db()?.transaction(|tx| {
            let mut results = Vec::with_capacity(videos.len());
            for (i, v) in videos.iter().enumerate() {
                let params: [&dyn api::ToParam; 11] = [
                    &v.name,
                    &v.format,
                    &v.data_base64,
                    &v.size_bytes,
                    &v.transcript,
                    &v.audio_transcript,
                    &v.audio_transcript_verified,
                    &v.whisper_metadata,
                    &v.metadata,
                    &source_id,
                    &v.mappings,
                ];
                let stored: Stored =
                    tx.fetch_optional(queries::UPLOAD_VIDEO, &params)?
                        .ok_or_else(|| {
                            ApiError::Conflict(format!(
                                "videos[{i}]: the same name and format is being uploaded concurrently; retry"
                            ))
                        })?;
                results.push((v, stored));
            }
            Ok::<_, ApiError>(results)
        })?;

        let total_mappings: usize = results.iter().map(|(v, _)| v.mapping_count).sum();
        let results: Vec<Value> = results
            .iter()
            .map(|(v, s)| {
                json!({
                    "slug": v.slug,
                    "video_id": s.video_id,
                    "status": if s.created { "created" } else { "existed" },
                    "mappings_created": s.mappings_created,
                    "mappings_skipped": s.mappings_skipped,
                })
            })
            .collect();
        api::ok(&json!({
            "success": true,
            "results": results,
            "total_videos": results.len(),
            "total_mappings": total_mappings,
        }))
    })
}
