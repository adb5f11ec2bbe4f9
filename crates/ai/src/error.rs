//! [`AiError`]: why nothing was generated, and the response a component answers with.

use spin_sdk::http::Response;

use crate::Use;

/// Why a generation failed. Nothing is stored after any of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiError {
    /// 503: no provider (`ai_base_url` empty) or no model for this use.
    #[error("{} is not configured", .0.label())]
    NotConfigured(Use),
    /// 503: the provider's host is not in the component's `allowed_outbound_hosts`.
    #[error("{} is unavailable: the AI provider's host is not in allowed_outbound_hosts (set ai_host)", .0.label())]
    NotAllowed(Use),
    /// 504: the budget ran out before any model answered. Holds each attempt's failure.
    #[error("{} timed out", .0.label())]
    Timeout(Use, Vec<String>),
    /// 503: every model of the chain failed. Holds each attempt's failure.
    #[error("{} failed", .0.label())]
    Failed(Use, Vec<String>),
}

impl AiError {
    /// The HTTP status: 504 for a timeout, 503 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            AiError::Timeout(..) => 504,
            _ => 503,
        }
    }

    /// The attempts' failures, for logs.
    pub fn attempts(&self) -> &[String] {
        match self {
            AiError::Timeout(_, attempts) | AiError::Failed(_, attempts) => attempts,
            _ => &[],
        }
    }

    /// `{"error": "<message>"}` with [`AiError::status`], and `Retry-After` on a 503.
    /// The attempts are logged with `context` (such as `GET /v3/word`), never sent.
    pub fn to_response(&self, context: &str) -> Response {
        eprintln!(
            "{context}: {} {self}; attempts: {:?}",
            self.status(),
            self.attempts()
        );
        let body = serde_json::json!({ "error": self.to_string() });
        let mut builder = Response::builder();
        builder
            .status(self.status())
            .header("content-type", "application/json");
        if self.status() == 503 {
            builder.header("retry-after", "5");
        }
        builder.body(body.to_string()).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status_and_message() {
        let cases = [
            (
                AiError::NotConfigured(Use::Definition),
                503,
                "Definition generation is not configured",
            ),
            (
                AiError::Timeout(Use::Speech, vec![]),
                504,
                "Audio generation timed out",
            ),
            (
                AiError::Failed(Use::Image, vec!["m: HTTP 500".into()]),
                503,
                "Illustration generation failed",
            ),
        ];
        for (error, status, message) in cases {
            assert_eq!(error.status(), status, "{message}");
            assert_eq!(error.to_string(), message);
            let response = error.to_response("test");
            assert_eq!(*response.status(), status);
            let body: serde_json::Value =
                serde_json::from_slice(response.body()).unwrap_or_default();
            assert_eq!(body, serde_json::json!({ "error": message }));
        }
        let denied = AiError::NotAllowed(Use::Definition).to_string();
        assert!(denied.contains("allowed_outbound_hosts"), "{denied}");
    }

    #[test]
    fn attempt_details_are_never_sent() {
        let error = AiError::Failed(
            Use::Definition,
            vec!["m: HTTP 401: invalid key sk-123".into()],
        );
        let response = error.to_response("test");
        let text = String::from_utf8_lossy(response.body()).into_owned();
        assert!(!text.contains("sk-123"), "{text}");
    }
}
