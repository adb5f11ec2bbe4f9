//! `GET /v3/test-prep/config`: the tests offered for each learning language the app
//! supports, `{"config":{"en":{"tests":[{"code","name","description","testing_only",
//! "levels"}]},"fr":{"tests":[]},...}}`. Static: only English has word lists. No
//! statement besides the usage row.

use domain::TestPrep;
use serde_json::{Map, Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// The learning languages the app offers a test-prep choice for.
const LANGUAGES: [&str; 9] = ["en", "fr", "es", "de", "it", "pt", "ja", "ko", "zh"];

fn english_tests() -> Value {
    use TestPrep::*;
    let test =
        |code: &str, name: &str, description: &str, testing_only: bool, levels: &[TestPrep]| {
            json!({
                "code": code,
                "name": name,
                "description": description,
                "testing_only": testing_only,
                "levels": levels.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            })
        };
    json!([
        test(
            "TOEFL",
            "TOEFL",
            "Academic vocabulary for the TOEFL iBT test",
            false,
            &[ToeflBeginner, ToeflIntermediate, ToeflAdvanced]
        ),
        test(
            "IELTS",
            "IELTS",
            "Vocabulary for the IELTS Academic and General tests",
            false,
            &[IeltsBeginner, IeltsIntermediate, IeltsAdvanced]
        ),
        test(
            "BUSINESS_ENGLISH",
            "Business English",
            "Words of the office, finance and trade",
            false,
            &[BusinessEnglish]
        ),
        test(
            "EVERYDAY_ENGLISH",
            "Everyday English",
            "Words of daily life at home and in town",
            false,
            &[EverydayEnglish]
        ),
        test(
            "DEMO",
            "Demo",
            "A short list to try the study plan",
            true,
            &[Demo]
        ),
    ])
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |_req, _ctx| {
        let config: Map<String, Value> = LANGUAGES
            .iter()
            .map(|&code| {
                let tests = if code == "en" {
                    english_tests()
                } else {
                    json!([])
                };
                (code.to_owned(), json!({ "tests": tests }))
            })
            .collect();
        api::ok(&json!({ "config": config }))
    })
}
