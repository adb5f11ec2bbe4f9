//! Request bodies and response checks of the OpenAI-compatible API (OpenAI, OpenRouter,
//! Groq, Ollama, llama.cpp): pure functions, natively tested.
//!
//! Speech-to-text (`POST /audio/transcriptions`, multipart) would be one more pair of
//! functions here and one more [`crate::Use`].

use base64::Engine;
use serde_json::{Value, json};

use crate::schema;

/// The chat completions route.
pub const CHAT_ROUTE: &str = "/chat/completions";
/// The text-to-speech route.
pub const SPEECH_ROUTE: &str = "/audio/speech";
/// The image generation route.
pub const IMAGE_ROUTE: &str = "/images/generations";

/// A chat completion whose answer must be one JSON object matching `schema`.
pub fn chat_request(model: &str, prompt: &str, schema_name: &str, schema: &Value) -> Value {
    json!({
        "model": model,
        "messages": [
            {
                "role": "system",
                "content": "Answer with exactly one JSON object that matches the requested JSON schema. No prose, no code fences."
            },
            {"role": "user", "content": prompt}
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "schema": schema, "strict": true}
        }
    })
}

/// The JSON object in a chat completion's answer, checked against `schema`. Anything
/// else (an error status, no message, text that is not JSON, a schema violation) is a
/// failed attempt, described by the error.
pub fn chat_answer(status: u16, body: &[u8], schema: &Value) -> Result<Value, String> {
    check_status(status, body)?;
    let envelope: Value =
        serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
    let content = envelope
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or("response has no choices[0].message.content")?;
    let answer: Value = serde_json::from_str(strip_code_fence(content))
        .map_err(|e| format!("answer is not JSON: {e}"))?;
    schema::validate(schema, &answer)
        .map_err(|e| format!("answer does not match the schema: {e}"))?;
    Ok(answer)
}

/// A text-to-speech request for MP3 audio.
pub fn speech_request(model: &str, text: &str, voice: &str) -> Value {
    json!({"model": model, "input": text, "voice": voice, "response_format": "mp3"})
}

/// The MP3 bytes of a text-to-speech answer: a success status and a body that starts
/// like an MP3 file (an ID3 tag or an MPEG audio frame header).
pub fn speech_answer(status: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_status(status, body)?;
    if is_mp3(body) {
        Ok(body.to_vec())
    } else {
        Err(format!("answer is not MP3 audio ({} bytes)", body.len()))
    }
}

/// Whether `bytes` start like an MP3 file.
pub fn is_mp3(bytes: &[u8]) -> bool {
    match bytes {
        [b'I', b'D', b'3', ..] => true,
        [0xFF, second, ..] => second & 0xE0 == 0xE0,
        _ => false,
    }
}

/// An image generation request answered as base64 (`b64_json`).
pub fn image_request(model: &str, prompt: &str, size: &str) -> Value {
    json!({"model": model, "prompt": prompt, "n": 1, "size": size, "response_format": "b64_json"})
}

/// A generated image: its bytes and their base64 (standard alphabet, padded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The PNG bytes.
    pub bytes: Vec<u8>,
    /// `bytes` as base64.
    pub base64: String,
}

/// The PNG in an image generation answer (`data[0].b64_json`).
pub fn image_answer(status: u16, body: &[u8]) -> Result<Image, String> {
    check_status(status, body)?;
    let envelope: Value =
        serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
    let encoded = envelope
        .pointer("/data/0/b64_json")
        .and_then(Value::as_str)
        .ok_or("response has no data[0].b64_json")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("b64_json is not base64: {e}"))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err("image is not a PNG".to_owned());
    }
    let base64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    Ok(Image { bytes, base64 })
}

/// `Ok` for a 2xx status; otherwise the status and the start of the body.
fn check_status(status: u16, body: &[u8]) -> Result<(), String> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
    Err(format!("HTTP {status}: {text}"))
}

/// Some models wrap JSON in a Markdown code fence despite the instructions.
fn strip_code_fence(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(inner) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["scene_description"],
            "properties": {"scene_description": {"type": "string"}}
        })
    }

    fn completion(content: &str) -> Vec<u8> {
        json!({"choices": [{"message": {"role": "assistant", "content": content}}]})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn chat_requests_ask_for_a_strict_json_schema() {
        let body = chat_request("m1", "Describe a cat", "scene", &schema());
        assert_eq!(body["model"], "m1");
        assert_eq!(body["messages"][1]["content"], "Describe a cat");
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["response_format"]["json_schema"]["name"], "scene");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(body["response_format"]["json_schema"]["schema"], schema());
    }

    #[test]
    fn a_valid_answer_is_returned_as_json() {
        let answer = chat_answer(
            200,
            &completion(r#"{"scene_description": "A cat."}"#),
            &schema(),
        );
        assert_eq!(answer, Ok(json!({"scene_description": "A cat."})));
        let fenced = completion("```json\n{\"scene_description\": \"A cat.\"}\n```");
        assert!(chat_answer(200, &fenced, &schema()).is_ok());
    }

    #[test]
    fn every_unusable_answer_is_a_failed_attempt() {
        let cases: [(u16, Vec<u8>, &str); 6] = [
            (500, b"{\"error\": \"overloaded\"}".to_vec(), "HTTP 500"),
            (200, b"<html>".to_vec(), "response is not JSON"),
            (
                200,
                b"{\"error\": {\"message\": \"x\"}}".to_vec(),
                "response has no choices",
            ),
            (
                200,
                completion("Sure! Here is the scene."),
                "answer is not JSON",
            ),
            (
                200,
                completion(r#"{"scene": "A cat."}"#),
                "answer does not match the schema",
            ),
            (
                200,
                completion(r#"{"scene_description": 5}"#),
                "answer does not match the schema",
            ),
        ];
        for (status, body, expected) in cases {
            let error = chat_answer(status, &body, &schema()).expect_err(expected);
            assert!(error.starts_with(expected), "{expected}: got {error}");
        }
    }

    #[test]
    fn speech_answers_must_be_mp3() {
        assert_eq!(
            speech_answer(200, b"ID3\x04rest"),
            Ok(b"ID3\x04rest".to_vec())
        );
        assert!(speech_answer(200, &[0xFF, 0xFB, 0x90, 0x00]).is_ok());
        assert!(speech_answer(200, b"{\"error\": 1}").is_err());
        assert!(speech_answer(200, b"").is_err());
        assert!(speech_answer(503, b"ID3").is_err());
        let body = speech_request("tts-1", "hello", "alloy");
        assert_eq!(
            body,
            json!({"model": "tts-1", "input": "hello", "voice": "alloy", "response_format": "mp3"})
        );
    }

    #[test]
    fn image_answers_must_be_base64_pngs() {
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&png);
        let body = json!({"data": [{"b64_json": encoded}]}).to_string();
        let image = image_answer(200, body.as_bytes()).expect("a PNG");
        assert_eq!(image.bytes, png);
        assert_eq!(image.base64, encoded);

        let not_png = base64::engine::general_purpose::STANDARD.encode(b"GIF89a");
        let cases = [
            json!({"data": [{"b64_json": not_png}]}),
            json!({"data": [{"b64_json": "%%%"}]}),
            json!({"data": [{"url": "https://x/y.png"}]}),
            json!({"data": []}),
        ];
        for case in cases {
            assert!(
                image_answer(200, case.to_string().as_bytes()).is_err(),
                "{case}"
            );
        }
        let request = image_request("dall-e-3", "a cat", "1024x1024");
        assert_eq!(request["response_format"], "b64_json");
        assert_eq!(request["n"], 1);
    }
}
