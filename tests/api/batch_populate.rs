//! `POST /v3/test-prep/batch-populate`: adds words to a bundle (cumulative levels) and
//! reports what was new.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_body, json_body, spawn_admin_app};

const PATH: &str = "/v3/test-prep/batch-populate";

/// The flags of `word` (en), in column order.
async fn flags(app: &TestApp, word: &str) -> Vec<bool> {
    let row = app
        .db
        .query_one(
            "SELECT is_toefl_beginner, is_toefl_intermediate, is_toefl_advanced, \
             is_ielts_beginner, is_ielts_intermediate, is_ielts_advanced, is_demo, \
             business_english, everyday_english FROM bundle_vocabularies \
             WHERE word = $1 AND language = 'en'",
            &[&word],
        )
        .await
        .expect("bundle row");
    (0..9).map(|i| row.get(i)).collect()
}

#[tokio::test]
async fn words_join_the_bundle_and_its_higher_levels() {
    let app = spawn_admin_app().await;
    // Counted from an empty table, without the word lists migration V7 ships.
    app.clear_bundles().await;
    let body = json_body(
        app.admin_post(
            PATH,
            &json!({"bundle": "TOEFL_BEGINNER", "words": ["Apple", " banana ", "apple"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body,
        json!({"success": true, "bundle": "TOEFL_BEGINNER", "language": "en",
               "summary": {"total_words": 2, "added": 2, "already_present": 0,
                           "definitions_cached": 0, "definitions_missing": 2}})
    );
    let toefl_beginner = [true, true, true, false, false, false, false, false, false];
    assert_eq!(flags(&app, "apple").await, toefl_beginner);
    assert_eq!(flags(&app, "banana").await, toefl_beginner);

    // banana has a cached definition; it is already a TOEFL advanced word (cumulative).
    app.db
        .execute(
            "INSERT INTO definitions (word, learning_language, native_language, definition_data) \
             VALUES ('banana', 'en', 'zh', '{}')",
            &[],
        )
        .await
        .expect("definition");
    let body = json_body(
        app.admin_post(
            PATH,
            &json!({"bundle": "toefl_advanced", "words": ["banana", "cherry"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body["summary"],
        json!({"total_words": 2, "added": 1, "already_present": 1,
               "definitions_cached": 1, "definitions_missing": 1})
    );
    assert_eq!(
        flags(&app, "cherry").await,
        [false, false, true, false, false, false, false, false, false]
    );

    // Another bundle keeps the existing flags; the legacy name TIANZ is DEMO.
    let body = json_body(
        app.admin_post(
            PATH,
            &json!({"bundle": "TIANZ", "words": ["apple"], "language": "en"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["bundle"], "DEMO");
    assert_eq!(body["summary"]["added"], 1);
    assert_eq!(
        flags(&app, "apple").await,
        [true, true, true, false, false, false, true, false, false]
    );
    assert_eq!(
        app.count("SELECT count(*) FROM bundle_vocabularies").await,
        3
    );
}

#[tokio::test]
async fn bad_requests_name_the_field_and_store_nothing() {
    let app = spawn_admin_app().await;
    // Counted from an empty table, without the word lists migration V7 ships.
    app.clear_bundles().await;
    let too_many: Vec<String> = (0..1001).map(|i| format!("w{i}")).collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"words": ["a"]}), "bundle"),
        (json!({"bundle": "SAT", "words": ["a"]}), "bundle"),
        (json!({"bundle": 3, "words": ["a"]}), "bundle"),
        (json!({"bundle": "DEMO"}), "words"),
        (json!({"bundle": "DEMO", "words": "apple"}), "words"),
        (json!({"bundle": "DEMO", "words": []}), "words"),
        (json!({"bundle": "DEMO", "words": too_many}), "words"),
        (json!({"bundle": "DEMO", "words": ["ok", 3]}), "words[1]"),
        (json!({"bundle": "DEMO", "words": ["ok", "  "]}), "words[1]"),
        (
            json!({"bundle": "DEMO", "words": ["x".repeat(101)]}),
            "words[0]",
        ),
        (
            json!({"bundle": "DEMO", "words": ["a"], "language": "xx"}),
            "language",
        ),
    ];
    for (body, field) in cases {
        let message = error_body(
            app.admin_post(PATH, &body).await,
            StatusCode::BAD_REQUEST,
            &body.to_string(),
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    let response = app
        .client
        .post(app.url(PATH))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    error_body(response, StatusCode::BAD_REQUEST, "malformed JSON").await;
    assert_eq!(
        app.count("SELECT count(*) FROM bundle_vocabularies").await,
        0
    );
}
