//! `GET /openapi.yaml`: the repository's `openapi.yaml`, compiled into the component, so
//! the description served is always the one the component was built with.

use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

const DESCRIPTION: &str = include_str!("../../../openapi.yaml");

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |_req, _ctx| {
        Ok(Response::builder()
            .status(200)
            .header("content-type", "application/yaml")
            .header("cache-control", "no-cache")
            .body(DESCRIPTION)
            .build())
    })
}
