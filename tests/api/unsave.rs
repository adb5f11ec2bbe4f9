use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn unsave_deletes_the_word_and_its_reviews() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "ephemeral").await;
    app.review(&user_id, "ephemeral", true).await;

    let body = json_body(
        app.post_unsave(&json!({"user_id": user_id, "word_id": word_id}))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["success"], true);
    assert_eq!(body["deleted_word_id"], word_id);
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM reviews").await, 0);
}

#[tokio::test]
async fn unsave_of_an_unknown_word_is_a_404() {
    let app = spawn_app().await;

    let message = error_body(
        app.post_unsave(&json!({"user_id": new_user_id(), "word_id": 987654}))
            .await,
        StatusCode::NOT_FOUND,
        "unknown id",
    )
    .await;

    assert_eq!(message, "Word with ID 987654 not found in saved words");
}

#[tokio::test]
async fn a_user_cannot_unsave_another_users_word() {
    let app = spawn_app().await;
    let owner = new_user_id();
    let word_id = app.save_word(&owner, "mine").await;

    let response = app
        .post_unsave(&json!({"user_id": new_user_id(), "word_id": word_id}))
        .await;

    error_body(response, StatusCode::NOT_FOUND, "other user's word").await;
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 1);
}

#[tokio::test]
async fn unsave_rejects_invalid_input_with_400() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let cases = [
        (json!({"user_id": user_id}), "missing word_id"),
        (json!({"word_id": 1}), "missing user_id"),
        (json!({"user_id": "nope", "word_id": 1}), "bad user_id"),
        (
            json!({"user_id": user_id, "word_id": "abc"}),
            "word_id not a number",
        ),
        (
            json!({"user_id": user_id, "word_id": 1.5}),
            "fractional word_id",
        ),
    ];

    for (body, case) in cases {
        error_body(app.post_unsave(&body).await, StatusCode::BAD_REQUEST, case).await;
    }
}
