//! A NUL character in any string field of the saved-word read endpoints is a 400 that
//! names the field (PostgreSQL cannot store or compare text holding one).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_body, new_user_id, spawn_app};

#[tokio::test]
async fn a_nul_in_a_query_or_path_field_is_a_400_naming_it() {
    let app = spawn_app().await;
    let user = new_user_id();
    let nul_user = format!("{user}%00");
    let cases = [
        (
            format!("/v3/is-word-saved?user_id={nul_user}&word=a"),
            "user_id",
        ),
        (
            format!("/v3/is-word-saved?user_id={user}&word=a%00b"),
            "word",
        ),
        (
            format!("/v3/is-word-saved?user_id={user}&word=a&learning_lang=e%00n&native_lang=zh"),
            "learning_lang",
        ),
        (
            format!("/v3/is-word-saved?user_id={user}&word=a&learning_lang=en&native_lang=z%00h"),
            "native_lang",
        ),
        (format!("/v3/words/1/details?user_id={nul_user}"), "user_id"),
        (format!("/v3/words/1%00/details?user_id={user}"), "word_id"),
        (
            format!("/v3/words/1/forgetting-curve?user_id={nul_user}"),
            "user_id",
        ),
        (
            format!("/v3/words/%001/forgetting-curve?user_id={user}"),
            "word_id",
        ),
        (format!("/v3/practice-status?user_id={nul_user}"), "user_id"),
        (
            format!("/v3/reviews/progress_stats?user_id={nul_user}"),
            "user_id",
        ),
    ];

    for (path, field) in cases {
        let message = error_body(app.get(&path).await, StatusCode::BAD_REQUEST, &path).await;
        assert!(
            message.contains(field) && message.contains("NUL"),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn a_nul_in_a_body_field_is_a_400_naming_it() {
    let app = spawn_app().await;
    let user = new_user_id();
    let nul_user = format!("{user}\u{0}");
    let toggle = "/v3/words/toggle-exclude";
    let batch = "/v3/words/batch/forgetting-curves";
    let cases: [(&str, Value, &str); 7] = [
        (
            toggle,
            json!({"user_id": nul_user, "word": "a", "excluded": true}),
            "user_id",
        ),
        (
            toggle,
            json!({"user_id": user, "word": "a\u{0}", "excluded": true}),
            "word",
        ),
        (
            toggle,
            json!({"user_id": user, "word": "a", "excluded": true, "learning_language": "e\u{0}n"}),
            "learning_language",
        ),
        (
            toggle,
            json!({"user_id": user, "word": "a", "excluded": true, "native_language": "\u{0}"}),
            "native_language",
        ),
        (
            batch,
            json!({"user_id": nul_user, "word_ids": [1]}),
            "user_id",
        ),
        (
            batch,
            json!({"user_id": user, "word_ids": [1, "2\u{0}"]}),
            "word_ids[1]",
        ),
        (
            toggle,
            json!({"user_id": user, "word_id": "1\u{0}", "excluded": true}),
            "word_id",
        ),
    ];

    for (path, body, field) in cases {
        let message = error_body(
            app.post_json(path, &body).await,
            StatusCode::BAD_REQUEST,
            &format!("{path} {body}"),
        )
        .await;
        assert!(message.contains(field), "{path} {body}: {message}");
        if field != "word_id" {
            assert!(message.contains("NUL"), "{path} {body}: {message}");
        }
    }
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
}
