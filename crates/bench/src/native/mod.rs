//! The native baseline: the benchmarked endpoints as an axum server, doing what the components
//! do without the sandbox. Same SQL (the `queries` crate), same statement sequence (including
//! `BEGIN`/`COMMIT` and the usage row, one pooled connection per request), same pool settings
//! and connection reset, same JSON. Only what the benchmark needs is here.

mod endpoints;
pub mod pool;

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use deadpool_postgres::Pool;
use serde::Serialize;
use tokio_postgres::Client;

use self::pool::Conn;

/// The server's routes on `pool`.
pub fn router(pool: Pool) -> Router {
    Router::new()
        .route("/health", get(endpoints::health))
        .route("/v3/saved_words", get(endpoints::saved_words))
        .route("/v3/due_counts", get(endpoints::due_counts))
        .route("/v3/reviews/submit", post(endpoints::submit_review))
        .route("/probe/spin", get(endpoints::noop))
        .with_state(pool)
}

/// An error answered as `{"error": message}`, as the api crate's `ApiError`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: &'static str,
    detail: String,
}

impl ApiError {
    fn bad_request(detail: String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: "",
            detail,
        }
    }

    fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "Internal server error",
            detail: cause.to_string(),
        }
    }

    fn unavailable(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "Service temporarily unavailable",
            detail: cause.to_string(),
        }
    }

    fn into_response(self) -> Response {
        let message = if self.status == StatusCode::BAD_REQUEST {
            self.detail.as_str()
        } else {
            eprintln!("{}: {}", self.status, self.detail);
            self.message
        };
        let mut response = json(self.status, &serde_json::json!({ "error": message }));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// As `api::ApiError::from(DbError)`: unavailable → 503, statement timeout → 504, else 500.
impl From<tokio_postgres::Error> for ApiError {
    fn from(error: tokio_postgres::Error) -> Self {
        let code = error
            .code()
            .map(|c| c.code().to_owned())
            .unwrap_or_default();
        let unavailable = error.is_closed()
            || code.starts_with("08")
            || code.starts_with("53")
            || matches!(code.as_str(), "57P01" | "57P02" | "57P03");
        if unavailable {
            Self::unavailable(error)
        } else if code == "57014" {
            Self {
                status: StatusCode::GATEWAY_TIMEOUT,
                message: "Request timed out",
                detail: error.to_string(),
            }
        } else {
            Self::internal(error)
        }
    }
}

impl From<domain::FieldError> for ApiError {
    fn from(error: domain::FieldError) -> Self {
        Self::bad_request(error.to_string())
    }
}

fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    let mut response = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The request's database connection, checked out on first use, as `api::Ctx`.
struct Ctx<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
    failed: bool,
}

impl Ctx<'_> {
    async fn db(&mut self) -> Result<&Client, ApiError> {
        if self.conn.is_none() {
            match Conn::checkout(self.pool).await {
                Ok(conn) => self.conn = Some(conn),
                Err(e) => {
                    self.failed = true;
                    return Err(ApiError::unavailable(e));
                }
            }
        }
        Ok(self
            .conn
            .as_ref()
            .map(Conn::client)
            .expect("checked out above"))
    }
}

/// The request as the handler and the usage record see it.
struct Request {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Request {
    /// The query as `api::Query`: form-urlencoded, first occurrence wins.
    fn query(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.uri.query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// As `api::serve`: runs the handler, turns its error into a JSON response and writes the
/// usage row on the request's connection (opening one if the handler did not). The row is
/// written before the response here, as the original did; components write it after.
async fn serve(
    pool: &Pool,
    req: Request,
    handler: impl AsyncFnOnce(&Request, &mut Ctx<'_>) -> Result<Response, ApiError>,
) -> Response {
    let started = Instant::now();
    let mut ctx = Ctx {
        pool,
        conn: None,
        failed: false,
    };
    let response = handler(&req, &mut ctx)
        .await
        .unwrap_or_else(ApiError::into_response);
    let path = req.uri.path();
    let tracked = !["/health", "/favicon.ico", "/static/"]
        .iter()
        .any(|skipped| path.contains(skipped));
    if tracked && !ctx.failed {
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let user_id = req
            .query("user_id")
            .or_else(|| {
                let body: serde_json::Value = serde_json::from_slice(&req.body).ok()?;
                body.get("user_id")?.as_str().map(str::to_owned)
            })
            .and_then(|raw| uuid::Uuid::try_parse(raw.trim()).ok());
        let endpoint: String = path.chars().take(255).collect();
        let method = req.method.to_string();
        let status = i32::from(response.status().as_u16());
        let agent = req
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let version = api_version(path);
        if let Ok(db) = ctx.db().await {
            let inserted = db
                .execute(
                    queries::INSERT_API_USAGE,
                    &[
                        &endpoint,
                        &method,
                        &user_id,
                        &status,
                        &elapsed_ms,
                        &agent,
                        &version,
                    ],
                )
                .await;
            if let Err(e) = inserted {
                eprintln!("usage: not recorded for {method} {endpoint}: {e}");
            }
        }
    }
    response
}

/// The first `/v<digits>/` segment of a path, as `api::api_version`.
fn api_version(path: &str) -> Option<String> {
    path.split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .windows(2)
        .find_map(|w| {
            let digits = w[0].strip_prefix('v')?;
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| w[0].to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::api_version;

    #[test]
    fn the_api_version_is_the_first_v_digits_segment_followed_by_more_path() {
        let cases = [
            ("/v3/saved_words", Some("v3")),
            ("/api/v12/x", Some("v12")),
            ("/languages", None),
            ("/v3", None),
            ("/vx/3/", None),
        ];
        for (path, version) in cases {
            assert_eq!(api_version(path).as_deref(), version, "path {path}");
        }
    }
}
