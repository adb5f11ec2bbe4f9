//! Request bodies and response checks of the OpenAI-compatible API (OpenAI, OpenRouter,
//! Groq, Ollama, llama.cpp): pure functions, natively tested.
//! Speech-to-text (`POST /audio/transcriptions`) is the one multipart request.

use base64::Engine;
use serde_json::{Value, json};

use crate::schema;

/// The chat completions route.
pub const CHAT_ROUTE: &str = "/chat/completions";
/// The text-to-speech route.
pub const SPEECH_ROUTE: &str = "/audio/speech";
/// The image generation route.
pub const IMAGE_ROUTE: &str = "/images/generations";
/// The speech-to-text route.
pub const TRANSCRIPTION_ROUTE: &str = "/audio/transcriptions";

/// The longest transcript accepted, in characters; a longer one is a failed attempt.
pub const MAX_TRANSCRIPT_CHARS: usize = 5000;

/// A recording to transcribe.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'a> {
    /// The audio file's bytes.
    pub bytes: &'a [u8],
    /// Its file name; the API infers the format from the extension (`recording.wav`).
    pub file_name: &'a str,
    /// Its MIME type (`audio/wav`).
    pub mime: &'a str,
    /// The spoken language as an ISO 639-1 code (`en`), a hint for the recogniser.
    pub language: Option<&'a str>,
}

/// A speech-to-text request: `multipart/form-data` with the fields `model`, `file`,
/// `response_format=json` and, when known, `language`. Returns the `content-type` header
/// (with its boundary) and the body. The boundary is derived from the audio's MD5, so it
/// is deterministic and practically never occurs inside the file.
pub fn transcription_request(model: &str, recording: &Recording<'_>) -> (String, Vec<u8>) {
    use md5::{Digest, Md5};
    let digest = Md5::digest(recording.bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let boundary = format!("dogetionary-{hex}");
    let mut body = Vec::with_capacity(recording.bytes.len() + 512);
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    field("model", model);
    field("response_format", "json");
    if let Some(language) = recording.language {
        field("language", language);
    }
    let file_name: String = recording
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
            recording.mime
        )
        .as_bytes(),
    );
    body.extend_from_slice(recording.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The text of a speech-to-text answer (`{"text": "..."}`), trimmed. An error status, a
/// body that is not a JSON object with a string `text`, or a text over
/// [`MAX_TRANSCRIPT_CHARS`] is a failed attempt. An empty text is an answer: nothing
/// was recognised.
pub fn transcription_answer(status: u16, body: &[u8]) -> Result<String, String> {
    check_status(status, body)?;
    let envelope: Value =
        serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
    let text = envelope
        .get("text")
        .and_then(Value::as_str)
        .ok_or("response has no string text")?
        .trim();
    if text.chars().count() > MAX_TRANSCRIPT_CHARS {
        return Err(format!(
            "transcript is longer than {MAX_TRANSCRIPT_CHARS} characters"
        ));
    }
    if text.contains('\0') {
        return Err("transcript contains a NUL character".to_owned());
    }
    Ok(text.to_owned())
}

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
    fn transcription_requests_are_multipart_with_the_file_last() {
        let recording = Recording {
            bytes: b"RIFF\x00\x00\x00\x00WAVEdata",
            file_name: "recording.wav",
            mime: "audio/wav",
            language: Some("en"),
        };
        let (content_type, body) = transcription_request("whisper-1", &recording);
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a multipart content type")
            .to_owned();
        let text = String::from_utf8_lossy(&body).into_owned();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\njson\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"recording.wav\"\r\n\
             Content-Type: audio/wav\r\n\r\nRIFF\u{0}\u{0}\u{0}\u{0}WAVEdata\r\n--{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
        let (again, _) = transcription_request("whisper-1", &recording);
        assert_eq!(again, content_type, "the boundary is deterministic");
        let no_language = Recording {
            language: None,
            ..recording
        };
        let (_, body) = transcription_request("m", &no_language);
        assert!(!String::from_utf8_lossy(&body).contains("name=\"language\""));
    }

    #[test]
    fn transcription_answers_need_a_string_text() {
        assert_eq!(
            transcription_answer(200, br#"{"text": " Hello world. "}"#),
            Ok("Hello world.".to_owned())
        );
        assert_eq!(
            transcription_answer(200, br#"{"text": ""}"#),
            Ok(String::new())
        );
        let long = json!({ "text": "a".repeat(MAX_TRANSCRIPT_CHARS + 1) }).to_string();
        let cases: [(u16, &[u8], &str); 5] = [
            (500, b"{}", "HTTP 500"),
            (200, b"Hello world", "response is not JSON"),
            (200, br#"{"oops": true}"#, "response has no string text"),
            (200, br#"{"text": 5}"#, "response has no string text"),
            (200, long.as_bytes(), "transcript is longer"),
        ];
        for (status, body, expected) in cases {
            let error = transcription_answer(status, body).expect_err(expected);
            assert!(error.starts_with(expected), "{expected}: got {error}");
        }
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
