//! `GET /v3/achievements/test-vocabulary-awards?user_id=`: for each of the nine test
//! bundles, `{"<TEST_TYPE>": {"saved_test_words","total_test_words"}}`: how many of its
//! words (in the user's learning language; `en` for an unknown user) the user saved. One
//! statement.

use domain::TestPrep;
use serde::Deserialize;
use serde_json::{Map, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Counts {
    totals: Vec<i64>,
    saved: Vec<i64>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let no_language: Option<&str> = None;
        let counts: Counts = ctx.db()?.fetch_one(
            queries::BUNDLE_COUNTS,
            &[&Some(*user.as_uuid()), &no_language],
        )?;
        let awards: Map<String, serde_json::Value> = TestPrep::ALL
            .iter()
            .zip(counts.totals.iter().zip(&counts.saved))
            .map(|(test, (total, saved))| {
                (
                    test.as_str().to_owned(),
                    json!({"saved_test_words": saved, "total_test_words": total}),
                )
            })
            .collect();
        api::ok(&awards)
    })
}
