//! [`ApiError`]: every error a handler returns, one variant per status code.

use std::fmt;

use db::DbError;
use domain::FieldError;
use spin_sdk::http::{IntoResponse, Method, Response};

use crate::response::error_response;

/// The result type of handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// An error answered as `{"error": "<message>"}` with the variant's status.
///
/// Client errors (4xx) carry the message sent to the client. Server errors (5xx) carry
/// the cause, which is logged with its whole chain and never sent.
#[derive(thiserror::Error)]
pub enum ApiError {
    /// 400 Bad Request: invalid input; the message names the field.
    #[error("{0}")]
    BadRequest(String),
    /// 401 Unauthorized, with `WWW-Authenticate: Bearer`: an operator route without the
    /// right token.
    #[error("{0}")]
    Unauthorized(String),
    /// 404 Not Found.
    #[error("{0}")]
    NotFound(String),
    /// 405 Method Not Allowed; holds the `Allow` header value (`GET, POST`).
    #[error("Method not allowed")]
    MethodNotAllowed(String),
    /// 409 Conflict.
    #[error("{0}")]
    Conflict(String),
    /// 413 Payload Too Large: the request body exceeds the limit.
    #[error("Request body too large")]
    PayloadTooLarge,
    /// 503 Service Unavailable, with `Retry-After: 1`: the database cannot be reached.
    #[error("Service temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 504 Gateway Timeout: a statement ran past its time limit.
    #[error("Request timed out")]
    Timeout(#[source] anyhow::Error),
    /// 500 Internal Server Error: anything else.
    #[error("Internal server error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::Conflict(_) => 409,
            ApiError::PayloadTooLarge => 413,
            ApiError::Unavailable(_) => 503,
            ApiError::Timeout(_) => 504,
            ApiError::Internal(_) => 500,
        }
    }

    /// A 405 for a handler serving `allowed`.
    pub fn method_not_allowed(allowed: &[Method]) -> Self {
        let allow: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        ApiError::MethodNotAllowed(allow.join(", "))
    }

    /// A 500 with this cause.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(cause.into())
    }

    /// The response; server errors are logged first, with `context` (such as
    /// `GET /v3/saved_words`) in front.
    pub fn to_response(&self, context: &str) -> Response {
        if self.status() >= 500 {
            eprintln!("{context}: {} {self:?}", self.status());
        }
        let mut response = error_response(self.status(), &self.to_string());
        match self {
            ApiError::MethodNotAllowed(allow) => response.set_header("allow", allow.as_str()),
            ApiError::Unauthorized(_) => response.set_header("www-authenticate", "Bearer"),
            ApiError::Unavailable(_) => response.set_header("retry-after", "1"),
            _ => {}
        }
        response
    }
}

/// Prints the variant and the whole cause chain, for logs.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.to_response("request failed")
    }
}

/// `Unavailable` → 503, `Timeout` → 504, `NotFound` → 404, anything else → 500.
impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Unavailable { .. } => ApiError::Unavailable(error.into()),
            DbError::Timeout { .. } => ApiError::Timeout(error.into()),
            DbError::NotFound => ApiError::NotFound("Not found".to_owned()),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// A rejected field is a 400 whose message names it.
impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

/// Turns chosen database errors into client errors at the call site.
pub trait ResultExt<T> {
    /// Maps a violation of the constraint `name` with `f`; other errors convert as usual.
    ///
    /// ```no_run
    /// use api::{ApiError, ResultExt};
    ///
    /// # fn f(db: &db::Db, user: uuid::Uuid) -> api::Result<()> {
    /// db.execute("INSERT INTO user_badges (user_id, badge_id, badge_type) VALUES ($1, 'first', 'score_milestone')", &[&user])
    ///     .on_constraint("user_badges_user_id_badge_id_key", |_| {
    ///         ApiError::Conflict("Badge already earned".into())
    ///     })?;
    /// # Ok(())
    /// # }
    /// ```
    fn on_constraint(self, name: &str, f: impl FnOnce(&DbError) -> ApiError)
    -> Result<T, ApiError>;
}

impl<T> ResultExt<T> for std::result::Result<T, DbError> {
    fn on_constraint(
        self,
        name: &str,
        f: impl FnOnce(&DbError) -> ApiError,
    ) -> Result<T, ApiError> {
        self.map_err(|error| {
            if error.constraint() == Some(name) {
                f(&error)
            } else {
                error.into()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::InvalidValue;

    fn body(response: &Response) -> serde_json::Value {
        serde_json::from_slice(response.body()).unwrap_or_default()
    }

    #[test]
    fn every_variant_answers_its_status_with_an_error_body() {
        let cases = [
            (
                ApiError::BadRequest("Missing required field: word".into()),
                400,
                "Missing required field: word",
            ),
            (
                ApiError::NotFound("Word with ID 3 not found in saved words".into()),
                404,
                "Word with ID 3 not found in saved words",
            ),
            (
                ApiError::method_not_allowed(&[Method::Get, Method::Post]),
                405,
                "Method not allowed",
            ),
            (
                ApiError::Conflict("Already exists".into()),
                409,
                "Already exists",
            ),
            (ApiError::PayloadTooLarge, 413, "Request body too large"),
            (
                ApiError::Unavailable(anyhow::anyhow!("pool exhausted")),
                503,
                "Service temporarily unavailable",
            ),
            (
                ApiError::Timeout(anyhow::anyhow!("57014")),
                504,
                "Request timed out",
            ),
            (
                ApiError::internal(anyhow::anyhow!("secret")),
                500,
                "Internal server error",
            ),
        ];
        for (error, status, message) in cases {
            let response = error.to_response("test");
            assert_eq!(*response.status(), status, "{message}");
            assert_eq!(body(&response), serde_json::json!({ "error": message }));
            assert_eq!(
                response.header("content-type").and_then(|v| v.as_str()),
                Some("application/json")
            );
        }
    }

    #[test]
    fn a_405_lists_the_allowed_methods_and_a_503_asks_to_retry() {
        let response = ApiError::method_not_allowed(&[Method::Get, Method::Post]).to_response("t");
        assert_eq!(
            response.header("allow").and_then(|v| v.as_str()),
            Some("GET, POST")
        );
        let response = ApiError::Unavailable(anyhow::anyhow!("down")).to_response("t");
        assert_eq!(
            response.header("retry-after").and_then(|v| v.as_str()),
            Some("1")
        );
    }

    #[test]
    fn server_error_causes_are_logged_but_never_sent() {
        let error = ApiError::internal(
            anyhow::anyhow!("password authentication failed").context("opening the database"),
        );
        let debug = format!("{error:?}");
        assert!(debug.contains("password authentication failed"), "{debug}");
        let response = error.to_response("t");
        let text = String::from_utf8_lossy(response.body()).into_owned();
        assert!(!text.contains("password"), "{text}");
    }

    #[test]
    fn a_field_error_is_a_400_naming_the_field() {
        let error = ApiError::from(FieldError::new("user_id", InvalidValue::NotUuid));
        assert_eq!(error.status(), 400);
        assert_eq!(error.to_string(), "Invalid user_id: must be a UUID");
    }
}
