//! The handlers, each the native twin of its component (`components/<route>/src/lib.rs`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::NaiveDateTime;
use deadpool_postgres::Pool;
use domain::{FieldError, InvalidValue, LanguageCode, Review, UserId, WindowCounts, Word, iso8601};
use serde::Serialize;

use super::{ApiError, Ctx, Request, json, serve};

fn request(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Request {
    Request {
        method,
        uri,
        headers,
        body,
    }
}

/// `components/health`.
pub(super) async fn health(
    State(pool): State<Pool>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    #[derive(Serialize)]
    struct Health {
        status: &'static str,
        database: &'static str,
        timestamp: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'static str>,
    }
    let req = request(method, uri, headers, Bytes::new());
    serve(&pool, req, async |_req, ctx: &mut Ctx<'_>| {
        let timestamp = domain::format_utc(&chrono::Utc::now().naive_utc());
        let check = match ctx.db().await {
            Ok(db) => db
                .query_one(queries::HEALTH_CHECK, &[])
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        Ok(match check {
            Ok(_) => json(
                StatusCode::OK,
                &Health {
                    status: "healthy",
                    database: "ok",
                    timestamp,
                    error: None,
                },
            ),
            Err(_) => {
                let mut response = json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &Health {
                        status: "unhealthy",
                        database: "unavailable",
                        timestamp,
                        error: Some("Database unavailable"),
                    },
                );
                response
                    .headers_mut()
                    .insert("retry-after", axum::http::HeaderValue::from_static("1"));
                response
            }
        })
    })
    .await
}

/// `components/saved-words`.
pub(super) async fn saved_words(
    State(pool): State<Pool>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    #[derive(Serialize)]
    struct SavedWord {
        id: i32,
        word: String,
        learning_language: String,
        native_language: String,
        metadata: serde_json::Value,
        #[serde(serialize_with = "iso8601::serialize")]
        created_at: NaiveDateTime,
        review_count: i64,
        correct_reviews: i64,
        incorrect_reviews: i64,
        word_progress_level: u8,
        interval_days: i32,
        #[serde(serialize_with = "iso8601::serialize")]
        next_review_date: NaiveDateTime,
        #[serde(serialize_with = "iso8601::serialize_option")]
        last_reviewed_at: Option<NaiveDateTime>,
        is_toefl: Option<bool>,
        is_ielts: Option<bool>,
        is_demo: Option<bool>,
        is_known: bool,
    }
    let req = request(method, uri, headers, Bytes::new());
    serve(&pool, req, async |req: &Request, ctx: &mut Ctx<'_>| {
        let user = user_id(req.query("user_id"))?;
        let due_only = flag(req.query("due_only"), "due_only")?.unwrap_or(false);
        let rows = ctx
            .db()
            .await?
            .query(queries::SAVED_WORDS, &[user.as_uuid(), &due_only])
            .await?;
        let mut words = Vec::with_capacity(rows.len());
        for row in rows {
            let windows = WindowCounts {
                correct: window(row.try_get("correct_by_window")?),
                wrong: window(row.try_get("wrong_by_window")?),
            };
            let correct_reviews: i64 = row.try_get("correct_reviews")?;
            words.push(SavedWord {
                id: row.try_get("id")?,
                word: row.try_get("word")?,
                learning_language: row.try_get("learning_language")?,
                native_language: row.try_get("native_language")?,
                metadata: row.try_get("metadata")?,
                created_at: row.try_get("created_at")?,
                review_count: row.try_get("review_count")?,
                correct_reviews,
                incorrect_reviews: row.try_get("incorrect_reviews")?,
                word_progress_level: domain::progress_level(
                    u32::try_from(correct_reviews).unwrap_or(u32::MAX),
                    &windows,
                ),
                interval_days: row.try_get("interval_days")?,
                next_review_date: row.try_get("next_review_date")?,
                last_reviewed_at: row.try_get("last_reviewed_at")?,
                is_toefl: row.try_get("is_toefl")?,
                is_ielts: row.try_get("is_ielts")?,
                is_demo: row.try_get("is_demo")?,
                is_known: row.try_get("is_known")?,
            });
        }
        Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "user_id": user,
                "count": words.len(),
                "due_only": due_only,
                "saved_words": words,
            }),
        ))
    })
    .await
}

fn window(counts: Vec<i64>) -> [u32; 6] {
    let mut out = [0; 6];
    for (slot, n) in out.iter_mut().zip(counts) {
        *slot = u32::try_from(n).unwrap_or(u32::MAX);
    }
    out
}

/// `components/due-counts`.
pub(super) async fn due_counts(
    State(pool): State<Pool>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let req = request(method, uri, headers, Bytes::new());
    serve(&pool, req, async |req: &Request, ctx: &mut Ctx<'_>| {
        let user = user_id(req.query("user_id"))?;
        let row = ctx
            .db()
            .await?
            .query_one(queries::DUE_COUNTS, &[user.as_uuid()])
            .await?;
        let (overdue, total): (i64, i64) =
            (row.try_get("overdue_count")?, row.try_get("total_count")?);
        Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "user_id": user,
                "overdue_count": overdue,
                "total_count": total,
            }),
        ))
    })
    .await
}

/// `components/reviews-submit`: `BEGIN`, find or save the word and read its history, store
/// the review, `COMMIT` (or `ROLLBACK` on any error).
pub(super) async fn submit_review(
    State(pool): State<Pool>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = request(method, uri, headers, body);
    serve(&pool, req, async |req: &Request, ctx: &mut Ctx<'_>| {
        let body: serde_json::Map<String, serde_json::Value> =
            match serde_json::from_slice(&req.body) {
                Ok(serde_json::Value::Object(map)) => map,
                Ok(_) => {
                    return Err(ApiError::bad_request(
                        "Request body must be a JSON object".into(),
                    ));
                }
                Err(_) => return Err(ApiError::bad_request("Invalid JSON body".into())),
            };
        let text = |field: &'static str| -> Result<String, FieldError> {
            match body.get(field).filter(|v| !v.is_null()) {
                None => Err(FieldError::missing(field)),
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(FieldError::new(field, InvalidValue::WrongType("a string"))),
            }
        };
        let user = user_id(Some(text("user_id")?))?;
        let word = Word::parse(&text("word")?).map_err(|e| FieldError::new("word", e))?;
        let learning = LanguageCode::parse(&text("learning_language")?)
            .map_err(|e| FieldError::new("learning_language", e))?;
        let native = LanguageCode::parse(&text("native_language")?)
            .map_err(|e| FieldError::new("native_language", e))?;
        let correct = match body.get("response").filter(|v| !v.is_null()) {
            None => return Err(FieldError::missing("response").into()),
            Some(serde_json::Value::Bool(b)) => *b,
            Some(v) if v.as_u64() == Some(1) => true,
            Some(v) if v.as_u64() == Some(0) => false,
            Some(_) => {
                return Err(FieldError::new(
                    "response",
                    InvalidValue::WrongType("a boolean (or 0/1)"),
                )
                .into());
            }
        };
        let question: Option<String> = body
            .get("question_type")
            .and_then(|v| v.as_str())
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty());
        let (name, motto) = user.default_profile();
        let db = ctx.db().await?;
        db.execute("BEGIN", &[]).await?;
        let outcome = async {
            let row = db
                .query_one(
                    queries::REVIEW_PREPARE,
                    &[
                        user.as_uuid(),
                        &word.as_str(),
                        &learning.code(),
                        &native.code(),
                        &name,
                        &motto,
                    ],
                )
                .await?;
            let word_id: i32 = row.try_get("word_id")?;
            let created_at: NaiveDateTime = row.try_get("created_at")?;
            let now: NaiveDateTime = row.try_get("now")?;
            let mut history: Vec<Review> =
                serde_json::from_value(row.try_get("history")?).map_err(ApiError::internal)?;
            history.push(Review::new(now, correct));
            let next = domain::next_review_date(created_at, &history);
            let stored = db
                .query_one(
                    queries::REVIEW_INSERT,
                    &[user.as_uuid(), &word_id, &correct, &question, &now, &next],
                )
                .await?;
            let review_count: i64 = stored.try_get("review_count")?;
            let new_score: i64 = stored.try_get("new_score")?;
            Ok::<_, ApiError>((word_id, now, next, review_count, new_score))
        }
        .await;
        let (word_id, reviewed_at, next, review_count, new_score) = match outcome {
            Ok(values) => {
                db.execute("COMMIT", &[]).await?;
                values
            }
            Err(e) => {
                let _ = db.execute("ROLLBACK", &[]).await;
                return Err(e);
            }
        };
        Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "success": true,
                "word": word,
                "word_id": word_id,
                "response": correct,
                "review_count": review_count,
                "interval_days": domain::whole_days(reviewed_at, next),
                "next_review_date": domain::format_utc(&next),
                "new_score": new_score,
                "new_badges": null,
            }),
        ))
    })
    .await
}

/// The probe component's `/probe/spin?ms=0`: no I/O, `{"spun": 0}`.
pub(super) async fn noop() -> Response {
    json(StatusCode::OK, &serde_json::json!({ "spun": 0 }))
}

fn user_id(raw: Option<String>) -> Result<UserId, FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Err(FieldError::missing("user_id")),
        Some(raw) => UserId::parse(raw).map_err(|e| FieldError::new("user_id", e)),
    }
}

fn flag(raw: Option<String>, name: &'static str) -> Result<Option<bool>, FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(FieldError::new(
                name,
                InvalidValue::WrongType("true, false, 1 or 0"),
            )),
        },
    }
}
