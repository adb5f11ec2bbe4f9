//! `GET /api/usage`, operator only: API usage over the last 7 days from `api_usage_logs`,
//! as JSON. Three statements, each bounded to the last 7 days through
//! `api_usage_logs_timestamp_idx`: the summary, the per-version breakdown and the
//! [`MAX_ENDPOINTS`] most called endpoints (grouped by concrete path, method and version).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// Endpoints listed at most.
const MAX_ENDPOINTS: i64 = 200;

#[derive(Deserialize)]
struct SummaryRow {
    total_endpoints: i64,
    total_calls: i64,
    unique_users: i64,
    avg_duration_ms: Option<f64>,
}

#[derive(Deserialize, Serialize)]
struct Version {
    version: String,
    call_count: i64,
    endpoint_count: i64,
    #[serde(serialize_with = "domain::iso8601::serialize")]
    last_call: NaiveDateTime,
}

#[derive(Deserialize)]
struct EndpointRow {
    endpoint: String,
    method: String,
    api_version: Option<String>,
    count_1d: i64,
    last_call_1d: Option<NaiveDateTime>,
    count_3d: i64,
    last_call_3d: Option<NaiveDateTime>,
    count_7d: i64,
    last_call_7d: NaiveDateTime,
    avg_duration_ms: Option<f64>,
}

#[derive(Serialize)]
struct Window {
    count: i64,
    #[serde(serialize_with = "domain::iso8601::serialize_option")]
    last_call: Option<NaiveDateTime>,
}

#[derive(Serialize)]
struct Endpoint {
    endpoint: String,
    method: String,
    api_version: Option<String>,
    past_1_day: Window,
    past_3_days: Window,
    past_7_days: Window,
    avg_duration_ms: f64,
}

fn round2(ms: Option<f64>) -> f64 {
    (ms.unwrap_or_default() * 100.0).round() / 100.0
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Get], |_req, ctx| {
        let db = ctx.db()?;
        let summary: SummaryRow = db.fetch_one(queries::USAGE_SUMMARY, &[])?;
        let versions: Vec<Version> = db.fetch_all(queries::USAGE_VERSIONS, &[])?;
        let rows: Vec<EndpointRow> = db.fetch_all(queries::USAGE_ENDPOINTS, &[&MAX_ENDPOINTS])?;
        let endpoints: Vec<Endpoint> = rows
            .into_iter()
            .map(|r| Endpoint {
                endpoint: r.endpoint,
                method: r.method,
                api_version: r.api_version,
                past_1_day: Window {
                    count: r.count_1d,
                    last_call: r.last_call_1d,
                },
                past_3_days: Window {
                    count: r.count_3d,
                    last_call: r.last_call_3d,
                },
                past_7_days: Window {
                    count: r.count_7d,
                    last_call: Some(r.last_call_7d),
                },
                avg_duration_ms: round2(r.avg_duration_ms),
            })
            .collect();
        api::ok(&serde_json::json!({
            "summary": {
                "total_endpoints": summary.total_endpoints,
                "total_calls_7d": summary.total_calls,
                "unique_users_7d": summary.unique_users,
                "avg_duration_ms": round2(summary.avg_duration_ms),
            },
            "version_breakdown": versions,
            "endpoints": endpoints,
        }))
    })
}
