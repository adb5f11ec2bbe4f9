//! `GET /v3/words/{word_id}/details`: a saved word with its schedule and review history.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, assert_iso_instant, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    pub async fn get_word_details(&self, word_id: &str, query: &str) -> reqwest::Response {
        self.get(&format!("/v3/words/{word_id}/details?{query}"))
            .await
    }

    async fn word_details(&self, word_id: i64, user_id: &str) -> Value {
        let response = self
            .get_word_details(&word_id.to_string(), &format!("user_id={user_id}"))
            .await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/words/{word_id}/details", &body);
        body
    }
}

#[tokio::test]
async fn a_word_never_reviewed_is_due_three_days_after_it_was_saved() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "fresh").await;

    let body = app.word_details(word_id, &user_id).await;

    assert_eq!(body["id"], word_id);
    assert_eq!(body["word"], "fresh");
    assert_eq!(body["learning_language"], "en");
    assert_eq!(body["review_count"], 0);
    assert_eq!(body["interval_days"], 3);
    assert!(body["last_reviewed_at"].is_null(), "{body}");
    assert_eq!(body["review_history"], serde_json::json!([]));
    let created = assert_iso_instant(&body["created_at"], "created_at");
    let next = assert_iso_instant(&body["next_review_date"], "next_review_date");
    assert_eq!(next - created, Duration::days(3));
}

#[tokio::test]
async fn the_history_is_newest_first_and_a_failure_brings_the_next_review_within_three_days() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "tenacious").await;
    app.travel_forward(&user_id, 3).await;
    app.review(&user_id, "tenacious", true).await;
    app.travel_forward(&user_id, 3).await;
    let last = app.review(&user_id, "tenacious", false).await;

    let body = app.word_details(word_id, &user_id).await;

    // Saved day 0, right on day 3, wrong on day 6: the failure restarts the week-one
    // decay (0.45/day), so retention falls to e^-1.35 = 0.26 three days later.
    assert_eq!(body["review_count"], 2);
    assert_eq!(body["interval_days"], 3);
    let history = body["review_history"].as_array().expect("an array");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["response"], false);
    assert_eq!(history[1]["response"], true);
    assert!(history[0]["response_time_ms"].is_null());
    let newest = assert_iso_instant(&history[0]["reviewed_at"], "reviewed_at");
    let oldest = assert_iso_instant(&history[1]["reviewed_at"], "reviewed_at");
    let gap = newest - oldest;
    assert!(
        gap >= Duration::days(3) && gap < Duration::days(3) + Duration::minutes(1),
        "{gap}"
    );
    assert_eq!(body["last_reviewed_at"], history[0]["reviewed_at"]);
    let next = assert_iso_instant(&body["next_review_date"], "next_review_date");
    assert_eq!(next - newest, Duration::days(3));
    // The same date review submit stored.
    assert_eq!(body["next_review_date"], last["next_review_date"]);
}

#[tokio::test]
async fn another_users_word_or_an_unknown_id_is_a_404() {
    let app = spawn_app().await;
    let owner = new_user_id();
    let word_id = app.save_word(&owner, "secret").await;

    let other = app
        .get_word_details(&word_id.to_string(), &format!("user_id={}", new_user_id()))
        .await;
    let unknown = app
        .get_word_details("987654", &format!("user_id={owner}"))
        .await;

    assert_eq!(
        error_body(other, StatusCode::NOT_FOUND, "another user's word").await,
        "Word not found"
    );
    error_body(unknown, StatusCode::NOT_FOUND, "unknown id").await;
}

#[tokio::test]
async fn word_details_rejects_bad_ids_naming_the_field() {
    let app = spawn_app().await;
    let user = new_user_id();
    let word_id = app.save_word(&user, "valid").await.to_string();
    let cases = [
        (word_id.as_str(), String::new(), "user_id"),
        (word_id.as_str(), "user_id=abc".to_owned(), "user_id"),
        ("abc", format!("user_id={user}"), "word_id"),
        ("0", format!("user_id={user}"), "word_id"),
        ("-4", format!("user_id={user}"), "word_id"),
        ("1.5", format!("user_id={user}"), "word_id"),
        ("2147483648", format!("user_id={user}"), "word_id"),
    ];

    for (id, query, field) in cases {
        let case = format!("{id}?{query}");
        let message = error_body(
            app.get_word_details(id, &query).await,
            StatusCode::BAD_REQUEST,
            &case,
        )
        .await;
        assert!(message.contains(field), "{case}: {message}");
    }
    let response = app
        .request(
            reqwest::Method::POST,
            &format!("/v3/words/{word_id}/details?user_id={user}"),
        )
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}
