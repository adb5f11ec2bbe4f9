//! The per-request API-usage record (`api_usage_logs`).
//!
//! Every request except health checks, `/favicon.ico` and `/static/` files leaves one row:
//! the concrete path, method, status, duration, user agent, API version (`v3` from
//! `/v3/...`) and user. The user comes from the `user_id` query parameter, else the JSON
//! body's `user_id`, else the `user_id` route parameter; one that is not a UUID is
//! recorded as `NULL` (the row is kept).
//!
//! The row is written once the response has been handed to the host, on the connection the
//! handler used (one is opened only if the handler opened none), and a failure is logged,
//! never answered.

use std::time::Duration;

use db::{Db, ToParam};
use spin_sdk::http::{Request, Response};
use uuid::Uuid;

use crate::parse::{Query, path_param, request_path};

/// One `api_usage_logs` row.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRecord {
    /// The concrete request path, at most 255 characters.
    pub endpoint: String,
    /// The HTTP method.
    pub method: String,
    /// The user, when the request named a valid one.
    pub user_id: Option<Uuid>,
    /// The response status.
    pub response_status: i32,
    /// Milliseconds from the start of the request to the end of the handler.
    pub duration_ms: f64,
    /// The `User-Agent` header, `""` when absent.
    pub user_agent: String,
    /// `v3` for `/v3/...`, `None` for unversioned paths.
    pub api_version: Option<String>,
}

impl UsageRecord {
    /// The record of a request, or `None` for a path that is not tracked.
    pub fn of(req: &Request, response: &Response, elapsed: Duration) -> Option<UsageRecord> {
        let path = request_path(req);
        if !is_tracked(path) {
            return None;
        }
        Some(UsageRecord {
            endpoint: path.chars().take(255).collect(),
            method: req.method().to_string().chars().take(10).collect(),
            user_id: user_id(req),
            response_status: i32::from(*response.status()),
            duration_ms: elapsed.as_secs_f64() * 1000.0,
            user_agent: req
                .header("user-agent")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned(),
            api_version: api_version(path),
        })
    }

    /// Inserts the row.
    pub fn insert(&self, db: &Db) -> db::Result<u64> {
        let params: [&dyn ToParam; 7] = [
            &self.endpoint,
            &self.method,
            &self.user_id,
            &self.response_status,
            &self.duration_ms,
            &self.user_agent,
            &self.api_version,
        ];
        db.execute(queries::INSERT_API_USAGE, &params)
    }
}

/// Whether requests to `path` are recorded: not health checks, the favicon or static files.
pub fn is_tracked(path: &str) -> bool {
    !["/health", "/favicon.ico", "/static/"]
        .iter()
        .any(|skipped| path.contains(skipped))
}

/// The version segment of a path: the first `/v<digits>/`, as `v<digits>`.
pub fn api_version(path: &str) -> Option<String> {
    let mut rest = path;
    while let Some(i) = rest.find("/v") {
        let after = rest.get(i + 2..).unwrap_or_default();
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after.as_bytes().get(digits) == Some(&b'/') {
            return after.get(..digits).map(|d| format!("v{d}"));
        }
        rest = after;
    }
    None
}

/// The request's user: query, then JSON body, then route parameter.
fn user_id(req: &Request) -> Option<Uuid> {
    let raw = Query::of(req)
        .get("user_id")
        .map(str::to_owned)
        .or_else(|| body_user_id(req.body()))
        .or_else(|| path_param(req, "user_id"))?;
    Uuid::try_parse(raw.trim()).ok()
}

fn body_user_id(body: &[u8]) -> Option<String> {
    if body.is_empty() || body.len() > crate::JsonBody::MAX_BYTES {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("user_id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spin_sdk::http::Method;

    const ID: &str = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

    fn request(method: Method, uri: &str, body: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder();
        builder
            .method(method)
            .uri(uri)
            .body(body.as_bytes().to_vec());
        for (name, value) in headers {
            builder.header(*name, *value);
        }
        builder.build()
    }

    fn ok() -> Response {
        Response::new(200, "")
    }

    #[test]
    fn health_favicon_and_static_paths_are_not_tracked() {
        let cases = [
            ("/health", false),
            ("/v3/health", false),
            ("/favicon.ico", false),
            ("/static/app.css", false),
            ("/v3/saved_words", true),
            ("/languages", true),
            ("/v3/users/X/preferences", true),
            ("/healthy", false),
        ];
        for (path, tracked) in cases {
            assert_eq!(is_tracked(path), tracked, "path {path}");
        }
    }

    #[test]
    fn the_api_version_is_the_first_v_digits_segment() {
        let cases = [
            ("/v3/saved_words", Some("v3")),
            ("/v2/unsave", Some("v2")),
            ("/api/v12/x", Some("v12")),
            ("/languages", None),
            ("/v3", None),
            ("/vx/3/", None),
            ("/video/v3/", Some("v3")),
        ];
        for (path, version) in cases {
            assert_eq!(api_version(path).as_deref(), version, "path {path}");
        }
    }

    #[test]
    fn the_user_comes_from_query_then_body_then_path() {
        let id: Uuid = ID.parse().unwrap();
        let other = "11111111-2222-3333-4444-555555555555";
        let cases = [
            (
                request(
                    Method::Get,
                    &format!("/v3/saved_words?user_id={ID}"),
                    "",
                    &[],
                ),
                Some(id),
                "query",
            ),
            (
                request(
                    Method::Post,
                    "/v3/save",
                    &format!(r#"{{"user_id":"{}"}}"#, ID.to_lowercase()),
                    &[],
                ),
                Some(id),
                "body",
            ),
            (
                request(
                    Method::Get,
                    &format!("/v3/users/{ID}/preferences"),
                    "",
                    &[("spin-path-match-user-id", ID)],
                ),
                Some(id),
                "path",
            ),
            (
                request(
                    Method::Post,
                    &format!("/v3/x?user_id={ID}"),
                    &format!(r#"{{"user_id":"{other}"}}"#),
                    &[],
                ),
                Some(id),
                "query wins over body",
            ),
            (
                request(Method::Get, "/v3/due_counts?user_id=not-a-uuid", "", &[]),
                None,
                "invalid id",
            ),
            (
                request(Method::Post, "/v3/save", "{not json", &[]),
                None,
                "malformed body",
            ),
            (request(Method::Get, "/languages", "", &[]), None, "no user"),
        ];
        for (req, expected, description) in cases {
            let record = UsageRecord::of(&req, &ok(), Duration::from_millis(3)).unwrap();
            assert_eq!(record.user_id, expected, "{description}");
        }
    }

    #[test]
    fn a_record_carries_the_request_and_its_outcome() {
        let req = request(
            Method::Get,
            &format!("http://127.0.0.1:3000/v3/saved_words?user_id={ID}"),
            "",
            &[("user-agent", "dogetionary/2.7 CFNetwork")],
        );
        let record =
            UsageRecord::of(&req, &Response::new(404, ""), Duration::from_micros(2500)).unwrap();
        assert_eq!(record.endpoint, "/v3/saved_words");
        assert_eq!(record.method, "GET");
        assert_eq!(record.response_status, 404);
        assert!((record.duration_ms - 2.5).abs() < 1e-9);
        assert_eq!(record.user_agent, "dogetionary/2.7 CFNetwork");
        assert_eq!(record.api_version.as_deref(), Some("v3"));

        let untracked = request(Method::Get, "/v3/health", "", &[]);
        assert_eq!(UsageRecord::of(&untracked, &ok(), Duration::ZERO), None);
    }

    #[test]
    fn long_paths_are_cut_to_the_column_size() {
        let long = format!("/v3/{}", "a".repeat(400));
        let record =
            UsageRecord::of(&request(Method::Get, &long, "", &[]), &ok(), Duration::ZERO).unwrap();
        assert_eq!(record.endpoint.chars().count(), 255);
    }
}
