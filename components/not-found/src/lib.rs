//! Every path no other route serves (`/...`): 404 `{"error":"Not found"}`, whatever the
//! method. The request is still recorded in the usage log.

use spin_sdk::http::{Request, ResponseOutparam};

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &api::EVERY_METHOD, |_req, _ctx| {
        Err(api::ApiError::NotFound("Not found".to_owned()))
    })
}
