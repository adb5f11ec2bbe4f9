//! A fake OpenAI-compatible provider on loopback: chat completions with deterministic,
//! schema-valid answers derived from the prompt, `/audio/speech` returning an MP3 frame,
//! `/images/generations` returning a PNG as `b64_json`, `/audio/transcriptions`
//! (multipart) returning the text "said" in the uploaded file (see [`audio_saying`]) or
//! a transcript set by the test. It counts calls per path and model, and can be made
//! slow, failing (500) or invalid for chosen models, or refuse a schema for a word.
//!
//! Also the offline provider for development: `cargo run -p api-tests --example
//! fake-provider` (see the README).

#![allow(dead_code)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A 1×1 transparent PNG.
pub const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// One MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) followed by silence.
pub fn mp3_bytes() -> Vec<u8> {
    let mut frame = vec![0xFF, 0xFB, 0x90, 0x64];
    frame.resize(417, 0);
    frame
}

/// A tiny WAV file whose "speech" is `text`: the fake transcribes it as `text` (the
/// bytes after the last `SAY:` marker of an uploaded file).
pub fn audio_saying(text: &str) -> Vec<u8> {
    let mut bytes = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00".to_vec();
    bytes.extend_from_slice(b"\x44\xac\x00\x00\x88\x58\x01\x00\x02\x00\x10\x00data");
    bytes.extend_from_slice(b"SAY:");
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// One request the provider received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The path, such as `/v1/chat/completions`.
    pub path: String,
    /// The `model` of the request body.
    pub model: String,
    /// The prompt: the last chat message, the image prompt, the text to speak, or for a
    /// transcription its `language` field.
    pub prompt: String,
    /// The name of the chat completion's JSON schema (`quote_question`...), else empty.
    pub schema: String,
}

#[derive(Debug, Default)]
struct Behaviour {
    delay: Option<Duration>,
    failing: HashSet<String>,
    invalid: HashSet<String>,
    /// (schema name, word) pairs answered with a refusal.
    refused: HashSet<(String, String)>,
    transcript: Option<String>,
}

#[derive(Debug, Default)]
struct Shared {
    calls: Mutex<Vec<Call>>,
    behaviour: Mutex<Behaviour>,
}

pub struct FakeProvider {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeProvider {
    /// Starts the provider on a free loopback port.
    pub async fn start() -> FakeProvider {
        FakeProvider::start_on("127.0.0.1:0".parse().expect("loopback address")).await
    }

    /// Starts the provider on `address`.
    pub async fn start_on(address: SocketAddr) -> FakeProvider {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("bind the fake provider");
        let address = listener.local_addr().expect("fake provider address");
        let app = Router::new()
            .fallback(answer)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeProvider {
            address,
            shared,
            server,
        }
    }

    /// `host:port`, for `ai_host`.
    pub fn host(&self) -> String {
        self.address.to_string()
    }

    /// The base URL, for `ai_base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.shared
            .calls
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// How many calls went to `path` (`/v1/chat/completions`...).
    pub fn calls_to(&self, path: &str) -> usize {
        self.calls().iter().filter(|c| c.path == path).count()
    }

    /// The models asked, in order.
    pub fn models(&self) -> Vec<String> {
        self.calls().into_iter().map(|c| c.model).collect()
    }

    /// The JSON schemas of the chat completions asked for, in order.
    pub fn schemas(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| !c.schema.is_empty())
            .map(|c| c.schema)
            .collect()
    }

    /// Every answer waits this long first.
    pub fn set_delay(&self, delay: Duration) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.delay = Some(delay);
        }
    }

    /// Requests for `model` get a 500.
    pub fn fail_model(&self, model: &str) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.failing.insert(model.to_owned());
        }
    }

    /// Requests for `model` get a 200 with unusable content: JSON that breaks the
    /// schema, audio that is not MP3, an image that is not a PNG.
    pub fn invalid_for_model(&self, model: &str) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.invalid.insert(model.to_owned());
        }
    }

    /// Chat completions with the JSON schema `schema` about `word` get a refusal: for
    /// `quote_question` a null quote (no famous quote known), for any other schema an
    /// answer that breaks it.
    pub fn refuse(&self, schema: &str, word: &str) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.refused.insert((schema.to_owned(), word.to_owned()));
        }
    }
}

impl FakeProvider {
    /// Every transcription answers `text`, whatever the audio.
    pub fn set_transcript(&self, text: &str) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.transcript = Some(text.to_owned());
        }
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The parts of a `multipart/form-data` body: (name, bytes).
fn multipart_parts(headers: &HeaderMap, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_owned())
        .unwrap_or_default();
    if boundary.is_empty() {
        return Vec::new();
    }
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let Some(end) = find(rest, delimiter.as_bytes()) else {
            break;
        };
        let part = &rest[..end];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        if let Some(split) = find(part, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&part[..split]).into_owned();
            let name = head
                .split_once("name=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(n, _)| n.to_owned())
                .unwrap_or_default();
            parts.push((name, part[split + 4..].to_vec()));
        }
        rest = &rest[end..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Speech-to-text: the text after the last `SAY:` of the uploaded file, or the
/// transcript the test set.
async fn transcription(shared: Arc<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let parts = multipart_parts(&headers, &body);
    let field = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let model = String::from_utf8_lossy(&field("model")).into_owned();
    let language = String::from_utf8_lossy(&field("language")).into_owned();
    let file = field("file");
    if let Ok(mut calls) = shared.calls.lock() {
        calls.push(Call {
            path: "/v1/audio/transcriptions".to_owned(),
            model: model.clone(),
            prompt: language,
            schema: String::new(),
        });
    }
    let (delay, failing, invalid, fixed) = match shared.behaviour.lock() {
        Ok(b) => (
            b.delay,
            b.failing.contains(&model),
            b.invalid.contains(&model),
            b.transcript.clone(),
        ),
        Err(_) => (None, false, false, None),
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if failing {
        let error = json!({"error": {"message": format!("{model} is overloaded")}});
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response();
    }
    if invalid {
        return axum::Json(json!({"oops": true})).into_response();
    }
    if file.is_empty() {
        let error = json!({"error": {"message": "no file"}});
        return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
    }
    let said = fixed.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&file).into_owned();
        text.rsplit_once("SAY:")
            .map(|(_, said)| said.to_owned())
            .unwrap_or_default()
    });
    axum::Json(json!({ "text": said })).into_response()
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() == "/v1/audio/transcriptions" {
        return transcription(shared, headers, body).await;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    let path = uri.path().to_owned();
    let prompt = request["messages"]
        .as_array()
        .and_then(|m| m.last())
        .map_or(&Value::Null, |m| &m["content"])
        .as_str()
        .or_else(|| request["prompt"].as_str())
        .or_else(|| request["input"].as_str())
        .unwrap_or_default()
        .to_owned();
    let schema = request["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let word = quoted(&prompt, "Word");
    if let Ok(mut calls) = shared.calls.lock() {
        calls.push(Call {
            path: path.clone(),
            model: model.clone(),
            prompt,
            schema: schema.clone(),
        });
    }
    let (delay, failing, invalid, refused) = match shared.behaviour.lock() {
        Ok(b) => (
            b.delay,
            b.failing.contains(&model),
            b.invalid.contains(&model),
            b.refused.contains(&(schema, word)),
        ),
        Err(_) => (None, false, false, false),
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if failing {
        let error = json!({"error": {"message": format!("{model} is overloaded")}});
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response();
    }
    match path.as_str() {
        "/v1/chat/completions" => chat(&request, &model, invalid, refused),
        "/v1/audio/speech" if invalid => axum::Json(json!({"oops": true})).into_response(),
        "/v1/audio/speech" => ([(header::CONTENT_TYPE, "audio/mpeg")], mp3_bytes()).into_response(),
        "/v1/images/generations" => {
            let image = if invalid {
                "R0lGODlhAQABAAAAACw="
            } else {
                PNG_BASE64
            };
            axum::Json(json!({"created": 0, "data": [{"b64_json": image}]})).into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no such route"})),
        )
            .into_response(),
    }
}

/// The text between `Label: "` and the next `"` in the prompt.
fn quoted(prompt: &str, label: &str) -> String {
    let start = format!("{label}: \"");
    prompt
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value.to_owned())
        .unwrap_or_default()
}

fn chat(request: &Value, model: &str, invalid: bool, refused: bool) -> Response {
    let prompt = request["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default();
    let schema = request["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or_default();
    let word = quoted(prompt, "Word");
    let content = if schema == "quote_question" && refused && !invalid {
        json!({
            "question_text": "", "quote": null, "quote_source": "", "quote_translation": "",
            "options": [], "correct_answer": "A"
        })
        .to_string()
    } else if invalid || refused {
        json!({"unexpected": model}).to_string()
    } else {
        match schema {
            "word_definition" => definition(&word).to_string(),
            "user_profile" => {
                let seed = quoted(prompt, "Seed");
                json!({
                    "user_name": format!("Fake{}", seed.get(..4).unwrap_or(&seed)),
                    "user_motto": "Words every day.",
                })
                .to_string()
            }
            "quote_question" => quote_question(&word).to_string(),
            "def_native_question" => def_native_question(&word).to_string(),
            "video_question" => video_question(&word).to_string(),
            "illustration_scene" => {
                json!({"scene_description": format!("A friendly scene showing a {word}.")})
                    .to_string()
            }
            _ => "not json".to_owned(),
        }
    };
    axum::Json(json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }]
    }))
    .into_response()
}

/// The definition the fake answers for `word`: two senses with two examples each.
pub fn definition(word: &str) -> Value {
    json!({
        "valid_word_score": 0.95,
        "suggestion": null,
        "word": word.to_uppercase(),
        "phonetic": format!("/{word}/"),
        "translations": [format!("{word}-zh")],
        "definitions": [
            {
                "part_of_speech": "noun",
                "definition": format!("A {word} as a thing."),
                "definition_native": format!("{word} (zh)"),
                "examples": [format!("The {word} is here."), format!("I see a {word}.")],
                "cultural_notes": null
            },
            {
                "part_of_speech": "verb",
                "definition": format!("To {word} something."),
                "definition_native": format!("{word} (zh, verb)"),
                "examples": [format!("They {word} every day."), format!("We {word} together.")],
                "cultural_notes": "Common in speech."
            }
        ],
        "collocations": [format!("big {word}")],
        "synonyms": null,
        "antonyms": [],
        "comment": null,
        "source": null,
        "word_family": [{"word": format!("{word}s"), "part_of_speech": "noun"}],
        "cognates": null,
        "famous_quote": {"quote": format!("To {word} or not to {word}."), "source": "Nobody"}
    })
}

/// The `mc_quote` question the fake answers for `word`: the definition's famous quote,
/// two options, `A` right.
pub fn quote_question(word: &str) -> Value {
    json!({
        "question_text": format!("What does \"{word}\" mean in this quote?"),
        "quote": format!("To {word} or not to {word}."),
        "quote_source": "Nobody, The Fake Play",
        "quote_translation": format!("{word} (zh quote)"),
        "options": [
            {"id": "A", "text": format!("the meaning of {word}")},
            {"id": "B", "text": "a kind of boat"}
        ],
        "correct_answer": "A",
    })
}

/// The `mc_def_native` question the fake answers for `word`: two meanings in the native
/// language, `A` right.
pub fn def_native_question(word: &str) -> Value {
    json!({
        "question_text": format!("\"{word}\" 是什么意思？"),
        "options": [
            {"id": "A", "text": format!("{word} 的意思")},
            {"id": "B", "text": "一种船"}
        ],
        "correct_answer": "A",
        "explanation": format!("{word} 就是这个意思。"),
    })
}

/// The `video_mc` question the fake answers for `word`: four options, `B` right.
pub fn video_question(word: &str) -> Value {
    json!({
        "question_text": format!("What does \"{word}\" mean in the clip?"),
        "options": [
            {"id": "A", "text": "a kind of boat"},
            {"id": "B", "text": format!("{word} as in the clip")},
            {"id": "C", "text": "to run quickly"},
            {"id": "D", "text": "very cold"}
        ],
        "correct_answer": "B",
        "explanation": "The clip shows it.",
    })
}
