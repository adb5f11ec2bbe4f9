//! `GET /v3/admin/bundles/{bundle_name}/words-needing-videos[?language=en]`, operator
//! only: the bundle's words that no video illustrates yet, alphabetical. Bundle names:
//! `toefl_beginner`, `toefl_intermediate`, `toefl_advanced`, the same for `ielts_`,
//! `demo`, `business_english`, `everyday_english`. One statement.

use domain::{LanguageCode, TestPrep};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Get], |req, ctx| {
        let raw = api::path_param(req, "bundle_name").unwrap_or_default();
        let test = TestPrep::from_bundle_name(&raw).ok_or_else(|| {
            let names: Vec<&str> = TestPrep::ALL.iter().map(|t| t.bundle_name()).collect();
            api::ApiError::BadRequest(format!(
                "Invalid bundle_name: expected one of {}",
                names.join(", ")
            ))
        })?;
        let language = api::Query::of(req)
            .optional("language", LanguageCode::parse)?
            .unwrap_or(LanguageCode::ENGLISH);
        let rows: Vec<(String,)> = ctx.db()?.fetch_all(
            queries::WORDS_NEEDING_VIDEOS,
            &[&test.as_str(), &language.code()],
        )?;
        let words: Vec<String> = rows.into_iter().map(|(word,)| word).collect();
        api::ok(&serde_json::json!({
            "bundle": test.bundle_name(),
            "total_count": words.len(),
            "words": words,
        }))
    })
}
