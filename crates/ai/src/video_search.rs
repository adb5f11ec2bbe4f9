//! The video search service: a second HTTP service, separate from the AI provider, that
//! finds clips for a word and uploads them through `POST /v3/admin/videos/batch-upload`
//! (the original ran that pipeline in a thread: clip search, scoring, speech-to-text,
//! upload). The backend only hands it words, one request each:
//!
//! `POST {video_search_base_url}/search` with `{"word", "learning_language"}` and
//! `Authorization: Bearer {video_search_api_key}` (when set). A 2xx answer with a JSON
//! object accepts the word; `videos_found` (a non-negative integer) is recorded when
//! present. Anything else is a failed attempt.

use serde_json::{Value, json};

use crate::config::BaseUrl;
use crate::transport::HttpRequest;

/// The route under the service's base URL.
pub const SEARCH_ROUTE: &str = "/search";

/// The service's configuration, from the component's Spin variables.
#[derive(Debug, Clone, Default)]
pub struct VideoSearch {
    /// `None` when `video_search_base_url` is empty or malformed.
    pub base: Option<BaseUrl>,
    /// Sent as a bearer token when not empty.
    pub api_key: String,
}

impl VideoSearch {
    /// Reads `video_search_base_url` and `video_search_api_key`; an undeclared variable
    /// counts as empty, and a base URL that does not parse is logged and left unset.
    pub fn from_variables() -> VideoSearch {
        let get = |name: &str| spin_sdk::variables::get(name).unwrap_or_default();
        let raw = get("video_search_base_url");
        let base = if raw.trim().is_empty() {
            None
        } else {
            BaseUrl::parse(&raw)
                .map_err(|e| eprintln!("video_search_base_url: {e}"))
                .ok()
        };
        VideoSearch {
            base,
            api_key: get("video_search_api_key").trim().to_owned(),
        }
    }

    /// Whether a service is configured.
    pub fn is_configured(&self) -> bool {
        self.base.is_some()
    }

    /// The request asking the service to search videos for `word`; `None` when no
    /// service is configured.
    pub fn request(&self, word: &str, learning_language: &str) -> Option<HttpRequest> {
        let base = self.base.clone()?;
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if !self.api_key.is_empty() {
            headers.push((
                "authorization".to_owned(),
                format!("Bearer {}", self.api_key),
            ));
        }
        Some(HttpRequest {
            base,
            route: SEARCH_ROUTE.to_owned(),
            headers,
            body: json!({"word": word, "learning_language": learning_language})
                .to_string()
                .into_bytes(),
        })
    }
}

/// Checks the service's answer: `Ok(videos_found)` for a 2xx JSON object (with
/// `videos_found` when it holds a non-negative integer), otherwise the reason.
pub fn search_answer(status: u16, body: &[u8]) -> Result<Option<i64>, String> {
    if !(200..300).contains(&status) {
        let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
        return Err(format!("HTTP {status}: {text}"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(answer)) => match answer.get("videos_found") {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_i64()
                .filter(|n| *n >= 0)
                .map(Some)
                .ok_or_else(|| "videos_found is not a non-negative integer".to_owned()),
        },
        Ok(_) => Err("answer is not a JSON object".to_owned()),
        Err(e) => Err(format!("answer is not JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_the_word_and_the_key() {
        let service = VideoSearch {
            base: BaseUrl::parse("http://127.0.0.1:9/api").ok(),
            api_key: "secret".into(),
        };
        let request = service.request("cat", "en").expect("configured");
        assert_eq!(request.base.path_of(&request.route), "/api/search");
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        assert_eq!(body, json!({"word": "cat", "learning_language": "en"}));
        assert!(
            request
                .headers
                .contains(&("authorization".to_owned(), "Bearer secret".to_owned()))
        );
        assert!(VideoSearch::default().request("cat", "en").is_none());
    }

    #[test]
    fn only_a_2xx_json_object_is_accepted() {
        assert_eq!(search_answer(202, br#"{"status": "accepted"}"#), Ok(None));
        assert_eq!(search_answer(200, br#"{"videos_found": 3}"#), Ok(Some(3)));
        let cases: [(u16, &[u8], &str); 5] = [
            (500, b"{}", "HTTP 500"),
            (200, b"ok", "answer is not JSON"),
            (200, b"[1]", "answer is not a JSON object"),
            (200, br#"{"videos_found": -1}"#, "videos_found"),
            (200, br#"{"videos_found": "3"}"#, "videos_found"),
        ];
        for (status, body, expected) in cases {
            let error = search_answer(status, body).expect_err(expected);
            assert!(error.starts_with(expected), "{expected}: got {error}");
        }
    }
}
