//! `GET /v3/reviews/progress_stats`: the last 24 hours of reviews.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    pub async fn get_progress_stats(&self, query: &str) -> reqwest::Response {
        self.get(&format!("/v3/reviews/progress_stats?{query}"))
            .await
    }

    async fn progress_stats(&self, user_id: &str) -> Value {
        let response = self.get_progress_stats(&format!("user_id={user_id}")).await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/reviews/progress_stats", &body);
        body
    }
}

#[tokio::test]
async fn words_are_classified_by_their_reviews_of_the_last_day() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.review(&user_id, "old", true).await;
    app.travel_forward(&user_id, 2).await;
    let reviews: [(&str, &[bool]); 4] = [
        ("once", &[true]),
        ("twice", &[true, true]),
        ("mixed", &[true, false]),
        ("often", &[true, true, true, true, true]),
    ];
    for (word, answers) in reviews {
        for correct in answers {
            app.review(&user_id, word, *correct).await;
        }
    }
    // One text in two language pairs is two words.
    app.review(&user_id, "pair", true).await;
    let french = app
        .post_review(&json!({
            "user_id": user_id, "word": "pair", "learning_language": "fr",
            "native_language": "en", "response": true,
        }))
        .await;
    assert_eq!(french.status(), StatusCode::OK);

    let body = app.progress_stats(&user_id).await;

    // 12 reviews in the last day, 11 right: 91.7%. "once" and both "pair" words went
    // from acquainted to familiar, "twice" to remembered, "often" to unforgettable;
    // "mixed" had a wrong answer. The review of two days ago counts only in the total.
    assert_eq!(
        body,
        json!({
            "reviews_today": 12,
            "success_rate_today": 91.7,
            "acquainted_to_familiar": 3,
            "familiar_to_remembered": 1,
            "remembered_to_unforgettable": 1,
            "total_reviews": 13,
        })
    );
}

#[tokio::test]
async fn a_user_without_reviews_has_zeros() {
    let app = spawn_app().await;

    let body = app.progress_stats(&new_user_id()).await;

    assert_eq!(
        body,
        json!({
            "reviews_today": 0,
            "success_rate_today": 0.0,
            "acquainted_to_familiar": 0,
            "familiar_to_remembered": 0,
            "remembered_to_unforgettable": 0,
            "total_reviews": 0,
        })
    );
}

#[tokio::test]
async fn progress_stats_rejects_a_missing_or_malformed_user_id() {
    let app = spawn_app().await;

    for (query, case) in [("", "no user_id"), ("user_id=12-34", "not a UUID")] {
        let message = error_body(
            app.get_progress_stats(query).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
        assert!(message.contains("user_id"), "{case}: {message}");
    }
    let response = app
        .request(reqwest::Method::PUT, "/v3/reviews/progress_stats")
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "PUT").await;
}
