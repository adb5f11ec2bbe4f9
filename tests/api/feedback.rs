use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::contract::assert_client_decodes;
use crate::helpers::{assert_iso_instant, error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn feedback_answers_exactly_201_and_is_stored() {
    // Arrange
    let app = spawn_app().await;
    let user_id = new_user_id();

    // Act
    let response = app
        .post_feedback(&json!({"user_id": user_id, "feedback": "  Love the reviews!  "}))
        .await;

    // Assert
    let body = json_body(response, StatusCode::CREATED).await;
    assert_client_decodes("POST", "/v3/feedback", &body);
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "Thank you for your feedback!");
    let id = body["feedback_id"]
        .as_i64()
        .expect("feedback_id is an integer");
    assert_iso_instant(&body["created_at"], "created_at");
    let row = app
        .db
        .query_one("SELECT id, user_id, feedback FROM user_feedback", &[])
        .await
        .expect("one feedback row");
    assert_eq!(i64::from(row.get::<_, i32>(0)), id);
    assert_eq!(
        row.get::<_, Uuid>(1),
        user_id.parse::<Uuid>().expect("a UUID")
    );
    assert_eq!(row.get::<_, String>(2), "Love the reviews!");
}

#[tokio::test]
async fn feedback_of_500_characters_is_accepted_and_501_is_rejected() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    // 500 two-byte characters: the limit counts characters, not bytes.
    let at_limit = "é".repeat(500);
    let response = app
        .post_feedback(&json!({"user_id": user_id, "feedback": at_limit}))
        .await;
    json_body(response, StatusCode::CREATED).await;

    let over = "a".repeat(501);
    let response = app
        .post_feedback(&json!({"user_id": user_id, "feedback": over}))
        .await;
    let message = error_body(response, StatusCode::BAD_REQUEST, "501 characters").await;
    assert!(message.contains("feedback"), "{message}");

    assert_eq!(app.count("SELECT count(*) FROM user_feedback").await, 1);
}

#[tokio::test]
async fn feedback_returns_a_400_naming_the_field_for_invalid_input() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let cases = [
        (json!({"feedback": "hi"}), "user_id", "missing user_id"),
        (
            json!({"user_id": "not-a-uuid", "feedback": "hi"}),
            "user_id",
            "malformed user_id",
        ),
        (json!({"user_id": user_id}), "feedback", "missing feedback"),
        (
            json!({"user_id": user_id, "feedback": null}),
            "feedback",
            "null feedback",
        ),
        (
            json!({"user_id": user_id, "feedback": "   \n"}),
            "feedback",
            "blank feedback",
        ),
        (
            json!({"user_id": user_id, "feedback": 42}),
            "feedback",
            "feedback not a string",
        ),
    ];
    for (body, field, description) in cases {
        let response = app.post_feedback(&body).await;
        let message = error_body(response, StatusCode::BAD_REQUEST, description).await;
        assert!(message.contains(field), "{description}: {message}");
    }
    for raw in ["{not json", "[1, 2]", ""] {
        let response = app.post_raw("/v3/feedback", raw).await;
        error_body(response, StatusCode::BAD_REQUEST, raw).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM user_feedback").await, 0);
}

#[tokio::test]
async fn feedback_only_accepts_post() {
    let app = spawn_app().await;

    let response = app.request(Method::GET, "/v3/feedback").await;

    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "GET").await;
}
