//! `GET /health` and `GET /v3/health`: the service and its database, in one round trip.
//!
//! 200 `{"status":"healthy","database":"ok","timestamp":...}`, or 503
//! `{"status":"unhealthy","database":"unavailable","timestamp":...,"error":...}` with
//! `Retry-After: 1` when the database does not answer. Health checks leave no usage row.

use serde::Serialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |_req, ctx| {
        let timestamp = domain::format_utc(&api::now_utc());
        let check = ctx
            .db()
            .and_then(|db| Ok(db.fetch_scalar::<i32>(queries::HEALTH_CHECK, &[])?));
        match check {
            Ok(_) => api::ok(&Health {
                status: "healthy",
                database: "ok",
                timestamp,
                error: None,
            }),
            Err(error) => {
                eprintln!("health: database check failed: {error:?}");
                let body = Health {
                    status: "unhealthy",
                    database: "unavailable",
                    timestamp,
                    error: Some("Database unavailable"),
                };
                let mut response = api::json(503, &body)?;
                response.set_header("retry-after", "1");
                Ok(response)
            }
        }
    })
}
