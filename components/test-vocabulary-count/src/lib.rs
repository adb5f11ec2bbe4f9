//! `GET /v3/api/test-vocabulary-count?test_type=ALL[&language=en]`: the size of each
//! requested test bundle with its study plans (10, 30, 60 and 90 days; words per day
//! rounded up: `domain::study_plans`), `{"counts":{"<TEST_TYPE>":{"total_words",
//! "study_plans":[{"days","words_per_day"}]}}}`. `test_type` may repeat, hold a
//! comma-separated list, be `ALL` or be absent (all nine); legacy names (`TOEFL`,
//! `IELTS`, `TIANZ`) are accepted and answered under the current name. With exactly one
//! type, `total_words` and `study_plans` are repeated at the top level. One statement.

use domain::{FieldError, InvalidValue, LanguageCode, TestPrep};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Counts {
    totals: Vec<i64>,
}

/// The requested types, in `TestPrep::ALL` order, without repeats.
fn requested(raw_query: &str) -> Result<Vec<TestPrep>, FieldError> {
    let mut wanted = Vec::new();
    let mut all = true;
    for (key, value) in form_urlencoded::parse(raw_query.as_bytes()) {
        if key != "test_type" {
            continue;
        }
        if value.contains('\0') {
            return Err(FieldError::new("test_type", InvalidValue::NulCharacter));
        }
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.eq_ignore_ascii_case("ALL") {
                wanted.extend(TestPrep::ALL);
            } else {
                all = false;
                wanted.push(TestPrep::parse(name).map_err(|e| FieldError::new("test_type", e))?);
            }
        }
    }
    if wanted.is_empty() && all {
        wanted.extend(TestPrep::ALL);
    }
    Ok(TestPrep::ALL
        .into_iter()
        .filter(|t| wanted.contains(t))
        .collect())
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let types = requested(api::request_query(req))?;
        let language = api::Query::of(req)
            .optional("language", LanguageCode::parse)?
            .unwrap_or(LanguageCode::ENGLISH);
        let no_user: Option<uuid::Uuid> = None;
        let counts: Counts = ctx
            .db()?
            .fetch_one(queries::BUNDLE_COUNTS, &[&no_user, &language.code()])?;
        let mut map = Map::new();
        for test in &types {
            let total = TestPrep::ALL
                .iter()
                .position(|t| t == test)
                .and_then(|i| counts.totals.get(i))
                .copied()
                .unwrap_or_default();
            map.insert(
                test.as_str().to_owned(),
                json!({"total_words": total, "study_plans": domain::study_plans(total)}),
            );
        }
        let mut body = Map::new();
        if let [single] = types.as_slice()
            && let Some(Value::Object(one)) = map.get(single.as_str())
        {
            body.extend(one.clone());
        }
        body.insert("counts".to_owned(), Value::Object(map));
        api::ok(&body)
    })
}
