//! `GET /v3/api/test-prep/stats?language=en`: how many words the test bundles hold in a
//! language, `{"language","statistics":{"total_unique_words","toefl_words","ielts_words",
//! "tianz_words","demo_words","business_english_words","everyday_english_words"}}`. Levels
//! are cumulative, so the TOEFL and IELTS counts are their advanced levels; `tianz_words`
//! (the old name of the demo bundle) repeats `demo_words` for the older app. One statement.

use domain::{LanguageCode, TestPrep};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Counts {
    language: String,
    totals: Vec<i64>,
    total_unique: i64,
}

impl Counts {
    fn of(&self, test: TestPrep) -> i64 {
        TestPrep::ALL
            .iter()
            .position(|t| *t == test)
            .and_then(|i| self.totals.get(i))
            .copied()
            .unwrap_or_default()
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let language = api::Query::of(req)
            .optional("language", LanguageCode::parse)?
            .unwrap_or(LanguageCode::ENGLISH);
        let no_user: Option<uuid::Uuid> = None;
        let c: Counts = ctx
            .db()?
            .fetch_one(queries::BUNDLE_COUNTS, &[&no_user, &language.code()])?;
        api::ok(&serde_json::json!({
            "language": c.language,
            "statistics": {
                "total_unique_words": c.total_unique,
                "toefl_words": c.of(TestPrep::ToeflAdvanced),
                "ielts_words": c.of(TestPrep::IeltsAdvanced),
                "tianz_words": c.of(TestPrep::Demo),
                "demo_words": c.of(TestPrep::Demo),
                "business_english_words": c.of(TestPrep::BusinessEnglish),
                "everyday_english_words": c.of(TestPrep::EverydayEnglish),
            },
        }))
    })
}
