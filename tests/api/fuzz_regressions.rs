//! Inputs the fuzzer (`scripts/fuzz`) found breaking the API, kept as ordinary tests.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_body, json_body, new_user_id, spawn_app};

/// `jsonb` gives 1.7976931348623157e308 back as a 309-digit integer that no JSON reader
/// accepts: once stored, every read of the user's saved words failed with a 500. Such a
/// number is refused on the way in; the largest accepted one reads back.
#[tokio::test]
async fn a_number_jsonb_cannot_give_back_is_refused_and_reads_keep_working() {
    let app = spawn_app().await;
    let user = new_user_id();
    let huge = json!({"x": -1.797_693_134_862_315_7e308});

    let message = error_body(
        app.post_save(&json!({"user_id": user, "word": "huge", "metadata": huge}))
            .await,
        StatusCode::BAD_REQUEST,
        "save",
    )
    .await;
    assert!(message.contains("metadata"), "{message}");
    let message = error_body(
        app.post_json(
            "/v3/analytics/track",
            &json!({"user_id": user, "action": "nav_x", "metadata": {"deep": [huge]}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "analytics",
    )
    .await;
    assert!(message.contains("metadata"), "{message}");
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM user_actions").await, 0);

    let limit = json!({"big": -1e300, "small": 1.5e-300, "list": [1e300]});
    let saved = json_body(
        app.post_save(&json!({"user_id": user, "word": "limit", "metadata": limit}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let word_id = saved["word_id"].as_i64().expect("word_id");

    let words = json_body(
        app.get_saved_words(&format!("user_id={user}")).await,
        StatusCode::OK,
    )
    .await;
    assert_same_numbers(&words["saved_words"][0]["metadata"], &limit);
    let details = json_body(
        app.get(&format!("/v3/words/{word_id}/details?user_id={user}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_same_numbers(&details["metadata"], &limit);
}

/// Compares two JSON trees, numbers by value (`jsonb` rewrites their notation).
fn assert_same_numbers(got: &Value, want: &Value) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() <= w.abs() * 1e-12, "{g} != {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{got} != {want}");
            g.iter().zip(w).for_each(|(g, w)| assert_same_numbers(g, w));
        }
        (Value::Object(g), Value::Object(w)) => {
            assert_eq!(g.len(), w.len(), "{got} != {want}");
            for (key, w) in w {
                assert_same_numbers(&g[key], w);
            }
        }
        _ => panic!("{got} != {want}"),
    }
}
