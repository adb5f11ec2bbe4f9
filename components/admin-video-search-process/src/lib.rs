//! `POST /v3/admin/video-search/process[?limit=10]` (operator; a scheduler calls it every
//! few minutes): hands up to `limit` (1–50) queued words of `video_search_requests` to
//! the video search service (`ai::video_search`), one `POST {base}/search` each, all
//! within [`BUDGET`] (each call at most [`CALL_TIMEOUT`]). A word the service accepted
//! is `done`; a failed call puts it back in the queue until [`MAX_ATTEMPTS`], then
//! `failed`; words not tried before the deadline go back untouched. Two statements: the
//! claim, then every outcome at once.
//!
//! With no service configured (`video_search_base_url` empty) it answers 503 and leaves
//! the queue alone.

use std::time::{Duration, Instant};

use ai::video_search::{self, VideoSearch};
use ai::{Transport, TransportError, WasiHttp};
use domain::InvalidValue;
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

/// The time the calls of one run may take, so the run answers within ~8 s.
const BUDGET: Duration = Duration::from_millis(7000);
/// The longest one call may take: the service accepts a word, it does not search in
/// the request.
const CALL_TIMEOUT: Duration = Duration::from_millis(2500);
/// Below this much time left, no new call starts.
const MIN_CALL: Duration = Duration::from_millis(200);
/// Attempts per word before it is marked `failed` (a new trigger resets it).
const MAX_ATTEMPTS: i32 = 5;
/// Words per run when `limit` is absent.
const DEFAULT_LIMIT: i64 = 10;

#[derive(Deserialize)]
struct Claimed {
    id: i32,
    word: String,
    learning_language: String,
}

#[derive(Deserialize, Default)]
struct Summary {
    done: i64,
    retrying: i64,
    failed: i64,
    released: i64,
}

fn limit(raw: &str) -> Result<i64, InvalidValue> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=50).contains(n))
        .ok_or(InvalidValue::OutOfRange { min: 1, max: 50 })
}

fn unavailable(message: &str) -> api::Result<Response> {
    let mut response = api::json(503, &json!({ "error": message }))?;
    response.set_header("retry-after", "60");
    Ok(response)
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Post], |req, ctx| {
        let started = Instant::now();
        let limit = api::Query::of(req)
            .optional("limit", limit)?
            .unwrap_or(DEFAULT_LIMIT);
        let service = VideoSearch::from_variables();
        if !service.is_configured() {
            return unavailable("Video search is not configured");
        }
        let db = ctx.db()?;
        let claimed: Vec<Claimed> = db.fetch_all(queries::VIDEO_SEARCH_CLAIM, &[&limit])?;
        let deadline = started + BUDGET;
        let mut outcomes = Vec::with_capacity(claimed.len());
        let mut denied = false;
        for item in &claimed {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let request = service.request(&item.word, &item.learning_language);
            let (Some(request), false) = (request, denied || remaining < MIN_CALL) else {
                outcomes.push(json!({"id": item.id, "outcome": "release"}));
                continue;
            };
            let outcome = match WasiHttp.send(&request, remaining.min(CALL_TIMEOUT)) {
                Ok(answer) => match video_search::search_answer(answer.status, &answer.body) {
                    Ok(found) => json!({"id": item.id, "outcome": "done", "videos_found": found}),
                    Err(why) => json!({"id": item.id, "outcome": "retry", "error": why}),
                },
                Err(TransportError::NotAllowed) => {
                    denied = true;
                    json!({"id": item.id, "outcome": "release"})
                }
                Err(e) => json!({"id": item.id, "outcome": "retry", "error": e.to_string()}),
            };
            outcomes.push(outcome);
        }
        let summary: Summary = if outcomes.is_empty() {
            Summary::default()
        } else {
            db.fetch_one(
                queries::VIDEO_SEARCH_FINISH,
                &[&Value::Array(outcomes), &MAX_ATTEMPTS],
            )?
        };
        if denied {
            return unavailable(
                "Video search is unavailable: the service's host is not in \
                 allowed_outbound_hosts (set video_search_host)",
            );
        }
        api::ok(&json!({
            "success": true,
            "claimed": claimed.len(),
            "done": summary.done,
            "retrying": summary.retrying,
            "failed": summary.failed,
            "released": summary.released,
        }))
    })
}
