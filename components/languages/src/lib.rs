//! `GET /languages`: the 57 supported languages, sorted by code. No database access
//! (besides the usage row).

use serde::Serialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Serialize)]
struct Language {
    code: &'static str,
    name: &'static str,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |_req, _ctx| {
        let languages: Vec<Language> = domain::LanguageCode::all()
            .map(|language| Language {
                code: language.code(),
                name: language.name(),
            })
            .collect();
        api::ok(&serde_json::json!({ "count": languages.len(), "languages": languages }))
    })
}
