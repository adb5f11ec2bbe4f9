//! The API-usage row every request (but health checks) leaves behind.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{json_body, new_user_id, spawn_app};

#[tokio::test]
async fn each_request_records_one_usage_row_with_its_outcome() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.client
        .get(app.url(&format!("/v3/saved_words?user_id={user_id}")))
        .header("user-agent", "dogetionary/2.7 CFNetwork")
        .send()
        .await
        .expect("send");
    app.save_word(&user_id, "logged").await;
    app.get_languages().await;

    let rows = app.usage_rows("/v3/saved_words", 1).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.get::<_, String>("method"), "GET");
    assert_eq!(
        row.get::<_, Option<Uuid>>("user_id"),
        Some(user_id.parse().expect("uuid"))
    );
    assert_eq!(row.get::<_, Option<i32>>("response_status"), Some(200));
    assert!(
        row.get::<_, Option<f64>>("duration_ms")
            .is_some_and(|ms| ms >= 0.0)
    );
    assert_eq!(
        row.get::<_, Option<String>>("user_agent").as_deref(),
        Some("dogetionary/2.7 CFNetwork")
    );
    assert_eq!(
        row.get::<_, Option<String>>("api_version").as_deref(),
        Some("v3")
    );

    let save = app.usage_rows("/v3/save", 1).await;
    assert_eq!(save.len(), 1);
    assert_eq!(save[0].get::<_, Option<i32>>("response_status"), Some(201));
    assert_eq!(
        save[0].get::<_, Option<Uuid>>("user_id"),
        Some(user_id.parse().expect("uuid"))
    );

    let languages = app.usage_rows("/languages", 1).await;
    assert_eq!(languages.len(), 1);
    assert_eq!(languages[0].get::<_, Option<String>>("api_version"), None);
}

#[tokio::test]
async fn a_rejected_request_is_recorded_too_with_no_user_when_the_id_is_bad() {
    let app = spawn_app().await;

    let response = app.get_due_counts("user_id=not-a-uuid").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let rows = app.usage_rows("/v3/due_counts", 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, Option<i32>>("response_status"), Some(400));
    assert_eq!(rows[0].get::<_, Option<Uuid>>("user_id"), None);
}

#[tokio::test]
async fn the_user_id_of_a_path_is_recorded() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    json_body(
        app.post_preferences(
            &user_id,
            &json!({"learning_language": "en", "native_language": "fr"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let rows = app
        .usage_rows(&format!("/v3/users/{user_id}/preferences"), 1)
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>("method"), "POST");
    assert_eq!(
        rows[0].get::<_, Option<Uuid>>("user_id"),
        Some(user_id.parse().expect("uuid"))
    );
}

/// The row is written after the response is sent, whatever the response: every failed
/// request leaves one with its status.
#[tokio::test]
async fn every_failed_request_is_recorded_after_its_response() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let too_large = format!(
        r#"{{"user_id":"{user_id}","word":"x","pad":"{}"}}"#,
        "a".repeat(70 * 1024)
    );

    let cases = [
        (app.get("/v3/no-such-route").await, "/v3/no-such-route", 404),
        (
            app.request(reqwest::Method::DELETE, "/v3/saved_words")
                .await,
            "/v3/saved_words",
            405,
        ),
        (
            app.send(
                app.client
                    .post(app.url("/v3/save"))
                    .header("content-type", "application/json")
                    .body(too_large),
            )
            .await,
            "/v3/save",
            413,
        ),
        (
            app.post_review(&json!({"user_id": user_id, "word": "never-saved"}))
                .await,
            "/v3/reviews/submit",
            400,
        ),
    ];
    for (response, _, status) in &cases {
        assert_eq!(response.status().as_u16(), *status);
    }

    for (_, endpoint, status) in cases {
        let rows = app.usage_rows(endpoint, 1).await;
        assert_eq!(rows.len(), 1, "{endpoint}");
        assert_eq!(
            rows[0].get::<_, Option<i32>>("response_status"),
            Some(i32::from(status)),
            "{endpoint}"
        );
    }
}
