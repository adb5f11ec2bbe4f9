//! [`serve`]: the entry point every component calls.

use std::time::Instant;

use db::Db;
use spin_sdk::http::{Method, Request, Response};

use crate::parse::request_path;
use crate::usage::UsageRecord;
use crate::{ApiError, Result};

/// Every HTTP method, for handlers that answer whatever the method (`/...`, operator
/// routes that check their token before the method).
pub const EVERY_METHOD: [Method; 9] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Options,
    Method::Connect,
    Method::Trace,
];

/// What a handler gets besides the request: the request's database handle, opened on
/// first use.
#[derive(Debug, Default)]
pub struct Ctx {
    db: Option<Db>,
    db_failed: bool,
}

impl Ctx {
    /// The request's one database handle, opened on the first call. A connection failure
    /// is a 503.
    pub fn db(&mut self) -> Result<&mut Db> {
        if self.db.is_none() {
            match Db::open() {
                Ok(db) => self.db = Some(db),
                Err(e) => {
                    self.db_failed = true;
                    return Err(e.into());
                }
            }
        }
        self.db
            .as_mut()
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("database handle missing")))
    }
}

/// Serves one request: answers 405 (with `Allow`) for a method not in `allowed`, runs
/// `handler` otherwise, turns its error into a JSON error response (logging 5xx causes),
/// then records the request in `api_usage_logs`.
///
/// ```no_run
/// use spin_sdk::http::{Method, Request, Response};
///
/// #[spin_sdk::http_component]
/// fn handle(req: Request) -> Response {
///     api::serve(req, &[Method::Get], |_req, ctx| {
///         let one: i32 = ctx.db()?.fetch_scalar("SELECT 1", &[])?;
///         api::ok(&serde_json::json!({ "one": one }))
///     })
/// }
/// # fn main() {}
/// ```
pub fn serve<F>(req: Request, allowed: &[Method], handler: F) -> Response
where
    F: FnOnce(&Request, &mut Ctx) -> Result<Response>,
{
    let started = Instant::now();
    let mut ctx = Ctx::default();
    let outcome = if allowed.contains(req.method()) {
        handler(&req, &mut ctx)
    } else {
        Err(ApiError::method_not_allowed(allowed))
    };
    let response = outcome.unwrap_or_else(|error| {
        error.to_response(&format!("{} {}", req.method(), request_path(&req)))
    });
    record_usage(&req, &response, started, &mut ctx);
    response
}

/// Writes the usage row; never fails the request.
fn record_usage(req: &Request, response: &Response, started: Instant, ctx: &mut Ctx) {
    let Some(record) = UsageRecord::of(req, response, started.elapsed()) else {
        return;
    };
    if ctx.db_failed {
        // The handler could not connect; a second attempt would only wait again.
        eprintln!(
            "usage: not recorded for {} {}: database unavailable",
            record.method, record.endpoint
        );
        return;
    }
    let result = ctx
        .db()
        .map_err(|e| format!("{e:?}"))
        .and_then(|db| record.insert(db).map_err(|e| format!("{e:?}")));
    if let Err(e) = result {
        eprintln!(
            "usage: not recorded for {} {}: {e}",
            record.method, record.endpoint
        );
    }
}
