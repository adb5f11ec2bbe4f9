//! `GET /usage` and `/v3/usage`, operator only: an HTML page of the last 7 days — API
//! calls per day, the [`MAX_ROWS`] most called endpoints, and the app's tracked actions.
//! Four statements, each bounded to the last 7 days by an index on the time column
//! (`api_usage_logs_timestamp_idx`, `user_actions_created_at_idx`). Every value taken
//! from the database is HTML-escaped.

use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

/// Rows per table at most.
const MAX_ROWS: i64 = 200;

#[derive(Deserialize)]
struct Summary {
    total_endpoints: i64,
    total_calls: i64,
    unique_users: i64,
    avg_duration_ms: Option<f64>,
}

#[derive(Deserialize)]
struct Day {
    day: NaiveDate,
    calls: i64,
    users: i64,
}

#[derive(Deserialize)]
struct Endpoint {
    endpoint: String,
    method: String,
    count_1d: i64,
    count_3d: i64,
    count_7d: i64,
    last_call_7d: NaiveDateTime,
    avg_duration_ms: Option<f64>,
}

#[derive(Deserialize)]
struct Action {
    action: String,
    category: String,
    count: i64,
    users: i64,
    last_at: NaiveDateTime,
}

/// A table whose cells are escaped.
fn table(out: &mut String, headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", api::html_escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    let mut empty = true;
    for row in rows {
        empty = false;
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", api::html_escape(&cell));
        }
        out.push_str("</tr>");
    }
    if empty {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">No data in the last 7 days</td></tr>",
            headers.len()
        );
    }
    out.push_str("</tbody></table>");
}

fn ms(value: Option<f64>) -> String {
    format!("{:.1}", value.unwrap_or_default())
}

fn page(summary: &Summary, days: &[Day], endpoints: &[Endpoint], actions: &[Action]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>dogetionary usage</title><style>\
         body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
         table{border-collapse:collapse;margin-bottom:2em}\
         th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}\
         th{background:#f4f4f4}td.n{text-align:right}\
         </style></head><body><h1>dogetionary usage (last 7 days, UTC)</h1>",
    );
    out.push_str("<h2>Summary</h2>");
    table(
        &mut out,
        &["endpoints", "calls", "users", "average duration (ms)"],
        std::iter::once(vec![
            summary.total_endpoints.to_string(),
            summary.total_calls.to_string(),
            summary.unique_users.to_string(),
            ms(summary.avg_duration_ms),
        ]),
    );
    out.push_str("<h2>Calls per day</h2>");
    table(
        &mut out,
        &["day", "calls", "users"],
        days.iter().map(|d| {
            vec![
                domain::format_date(&d.day),
                d.calls.to_string(),
                d.users.to_string(),
            ]
        }),
    );
    out.push_str("<h2>Endpoints</h2>");
    table(
        &mut out,
        &[
            "endpoint",
            "method",
            "1 day",
            "3 days",
            "7 days",
            "last call",
            "average duration (ms)",
        ],
        endpoints.iter().map(|e| {
            vec![
                e.endpoint.clone(),
                e.method.clone(),
                e.count_1d.to_string(),
                e.count_3d.to_string(),
                e.count_7d.to_string(),
                domain::format_utc(&e.last_call_7d),
                ms(e.avg_duration_ms),
            ]
        }),
    );
    out.push_str("<h2>App actions</h2>");
    table(
        &mut out,
        &["action", "category", "count", "users", "last"],
        actions.iter().map(|a| {
            vec![
                a.action.clone(),
                a.category.clone(),
                a.count.to_string(),
                a.users.to_string(),
                domain::format_utc(&a.last_at),
            ]
        }),
    );
    out.push_str("</body></html>");
    out
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Get], |_req, ctx| {
        let db = ctx.db()?;
        let summary: Summary = db.fetch_one(queries::USAGE_SUMMARY, &[])?;
        let days: Vec<Day> = db.fetch_all(queries::USAGE_DAILY, &[])?;
        let endpoints: Vec<Endpoint> = db.fetch_all(queries::USAGE_ENDPOINTS, &[&MAX_ROWS])?;
        let actions: Vec<Action> = db.fetch_all(queries::USAGE_ACTIONS, &[&MAX_ROWS])?;
        Ok(Response::builder()
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .header("cache-control", "no-store")
            .body(page(&summary, &days, &endpoints, &actions))
            .build())
    })
}
