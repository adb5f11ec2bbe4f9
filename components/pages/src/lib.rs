//! `GET /privacy`, `/v3/privacy`, `/support`, `/v3/support`: the privacy policy and the
//! support page, as `text/html; charset=utf-8`.
//!
//! Both pages are static documents with the same headers, no input and no database work
//! besides the usage row, so one component serves the four routes and picks the page by
//! path (`/v3` is an alias): two components would be two copies of the same code. The
//! contact address comes from the `support_email` variable.

use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

const PRIVACY: &str = include_str!("privacy.html");
const SUPPORT: &str = include_str!("support.html");
/// When the texts last changed; shown at the top of both pages.
const LAST_UPDATED: &str = "December 5, 2026";
/// Used when the `support_email` variable cannot be read.
const DEFAULT_SUPPORT_EMAIL: &str = "support@kwafy.com";

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, _ctx| {
        let path = api::request_path(req);
        let page = match path.strip_prefix("/v3").unwrap_or(path) {
            "/privacy" => PRIVACY,
            "/support" => SUPPORT,
            _ => return Err(api::ApiError::NotFound("Not found".to_owned())),
        };
        let email = spin_sdk::variables::get("support_email")
            .ok()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SUPPORT_EMAIL.to_owned());
        let html = page
            .replace("{last_updated}", LAST_UPDATED)
            .replace("{support_email}", &api::html_escape(email.trim()));
        Ok(Response::builder()
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .header("cache-control", "public, max-age=3600")
            .body(html)
            .build())
    })
}
