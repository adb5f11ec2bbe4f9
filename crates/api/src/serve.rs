//! [`serve`]: the entry point every component calls.

use std::time::Instant;

use db::Db;
use spin_sdk::http::{Method, OutgoingBody, OutgoingResponse, Request, Response, ResponseOutparam};

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
/// sends the response through `out`, then records the request in `api_usage_logs`.
///
/// The usage row is written after the response has been handed to the host, so the
/// client does not wait for it; the instance lives until the row is written (or its
/// failure logged), whatever the response was.
///
/// ```no_run
/// use spin_sdk::http::{Method, Request, ResponseOutparam};
///
/// #[spin_sdk::http_component]
/// fn handle(req: Request, out: ResponseOutparam) {
///     api::serve(req, out, &[Method::Get], |_req, ctx| {
///         let one: i32 = ctx.db()?.fetch_scalar("SELECT 1", &[])?;
///         api::ok(&serde_json::json!({ "one": one }))
///     })
/// }
/// # fn main() {}
/// ```
pub fn serve<F>(req: Request, out: ResponseOutparam, allowed: &[Method], handler: F)
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
    let record = UsageRecord::of(&req, &response, started.elapsed());
    send(out, response);
    if let Some(record) = record {
        record_usage(&record, &mut ctx);
    }
}

/// Hands `response` to the host and writes its body. The host may start sending it to
/// the client as soon as the outparam is set; the body is complete once finished.
fn send(out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    let outgoing: OutgoingResponse = match response.try_into() {
        Ok(outgoing) => outgoing,
        Err(e) => {
            eprintln!("response: cannot convert the response: {e}");
            return;
        }
    };
    let Ok(outgoing_body) = outgoing.body() else {
        eprintln!("response: the body was already taken");
        return;
    };
    out.set(outgoing);
    if let Err(e) = write_body(&outgoing_body, &body) {
        eprintln!("response: the body could not be written: {e}");
        return;
    }
    if let Err(e) = OutgoingBody::finish(outgoing_body, None) {
        eprintln!("response: the body could not be finished: {e:?}");
    }
}

/// Writes `bytes` to the body stream as fast as the host accepts them, then flushes.
fn write_body(body: &OutgoingBody, mut bytes: &[u8]) -> std::result::Result<(), String> {
    let stream = body.write().map_err(|()| "no body stream".to_owned())?;
    while !bytes.is_empty() {
        let permitted = stream.check_write().map_err(|e| e.to_string())?;
        if permitted == 0 {
            stream.subscribe().block();
            continue;
        }
        let len = bytes
            .len()
            .min(usize::try_from(permitted).unwrap_or(usize::MAX));
        let (now, rest) = bytes.split_at(len);
        stream.write(now).map_err(|e| e.to_string())?;
        bytes = rest;
    }
    stream.blocking_flush().map_err(|e| e.to_string())
}

/// Writes the usage row; never fails the request.
fn record_usage(record: &UsageRecord, ctx: &mut Ctx) {
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
