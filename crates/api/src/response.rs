//! JSON responses.

use serde::Serialize;
use spin_sdk::http::Response;

use crate::{ApiError, Result};

/// A response with `status`, `content-type: application/json` and `body` serialized.
///
/// ```no_run
/// let response = api::json(200, &serde_json::json!({"status": "healthy"}))?;
/// # Ok::<(), api::ApiError>(())
/// ```
pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Result<Response> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(bytes)
        .build())
}

/// A 200 JSON response.
///
/// ```no_run
/// let response = api::ok(&serde_json::json!({"count": 0}))?;
/// # Ok::<(), api::ApiError>(())
/// ```
pub fn ok<T: Serialize + ?Sized>(body: &T) -> Result<Response> {
    json(200, body)
}

/// A 201 JSON response.
///
/// ```no_run
/// let response = api::created(&serde_json::json!({"success": true}))?;
/// # Ok::<(), api::ApiError>(())
/// ```
pub fn created<T: Serialize + ?Sized>(body: &T) -> Result<Response> {
    json(201, body)
}

/// `{"error": message}` with `status`. Cannot fail.
pub(crate) fn error_response(status: u16, message: &str) -> Response {
    let body = serde_json::json!({ "error": message });
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_responses_carry_status_content_type_and_body() {
        let response = created(&serde_json::json!({"success": true})).unwrap();
        assert_eq!(*response.status(), 201);
        assert_eq!(
            response.header("content-type").and_then(|v| v.as_str()),
            Some("application/json")
        );
        assert_eq!(response.body(), br#"{"success":true}"#);
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            super::html_escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(super::html_escape("plain"), "plain");
    }
}
