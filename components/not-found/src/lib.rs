//! Every path no other route serves (`/...`): 404 `{"error":"Not found"}`, whatever the
//! method. The request is still recorded in the usage log.

use spin_sdk::http::{Method, Request, Response};

const EVERY_METHOD: [Method; 9] = [
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

#[spin_sdk::http_component]
fn handle(req: Request) -> Response {
    api::serve(req, &EVERY_METHOD, |_req, _ctx| {
        Err(api::ApiError::NotFound("Not found".to_owned()))
    })
}
