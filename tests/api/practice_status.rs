//! `GET /v3/practice-status`: due, new and total words, reviews, score and bundle progress,
//! with "today" in the user's time zone.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_admin_app, spawn_app};

impl TestApp {
    pub async fn get_practice_status(&self, query: &str) -> reqwest::Response {
        self.get(&format!("/v3/practice-status?{query}")).await
    }

    async fn practice_status(&self, user_id: &str) -> Value {
        let response = self
            .get_practice_status(&format!("user_id={user_id}"))
            .await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/practice-status", &body);
        body
    }

    /// Makes a never-reviewed word fall due at `local_time_sql` (an SQL expression over
    /// `local_today`, the current day in `zone`), by moving when it was saved: a word
    /// never reviewed is due a day after it was saved.
    async fn make_due_at(&self, user_id: &str, word: &str, zone: &str, local_time_sql: &str) {
        let user: Uuid = user_id.parse().expect("a UUID");
        let sql = format!(
            "WITH z AS (SELECT date_trunc('day', now() AT TIME ZONE $3) AS local_today) \
             UPDATE saved_words SET created_at = \
                 (({local_time_sql}) AT TIME ZONE $3 AT TIME ZONE 'UTC') - interval '1 day' \
             FROM z WHERE user_id = $1 AND word = $2"
        );
        let updated = self
            .db
            .execute(&sql, &[&user, &word, &zone])
            .await
            .expect("move the save time");
        assert_eq!(updated, 1);
    }
}

#[tokio::test]
async fn the_counters_add_up_for_a_user_in_utc() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    for word in ["reviewed", "excluded", "due"] {
        app.save_word(&user_id, word).await;
    }
    app.travel_forward(&user_id, 2).await;
    app.review(&user_id, "reviewed", true).await;
    let toggled = app
        .post_toggle_exclude(&json!({"user_id": user_id, "word": "excluded", "excluded": true}))
        .await;
    assert_eq!(toggled.status(), StatusCode::OK);
    app.save_word(&user_id, "today").await;

    let body = app.practice_status(&user_id).await;

    // Saved two days ago: "reviewed" was just reviewed (next review in 3 days),
    // "excluded" is known, "due" fell due yesterday. "today" falls due tomorrow.
    assert_eq!(
        body,
        json!({
            "user_id": user_id,
            "due_word_count": 1,
            "new_word_count_past_24h": 1,
            "total_word_count": 4,
            "score": 2,
            "has_practice": true,
            "reviews_past_24h": 1,
            "bundle_progress": null,
        })
    );
}

#[tokio::test]
async fn today_is_the_users_day_in_their_time_zone() {
    let app = spawn_app().await;
    const ZONE: &str = "Pacific/Kiritimati"; // UTC+14 all year
    let in_zone = new_user_id();
    let in_utc = new_user_id();
    let preferences = json!({"learning_language": "en", "native_language": "zh", "timezone": ZONE});
    json_body(
        app.post_preferences(&in_zone, &preferences).await,
        StatusCode::OK,
    )
    .await;
    for user in [&in_zone, &in_utc] {
        app.save_word(user, "late-today").await;
        app.save_word(user, "early-tomorrow").await;
        // 23:58 of the zone's today and 00:01 of the zone's tomorrow.
        app.make_due_at(
            user,
            "late-today",
            ZONE,
            "local_today + interval '23 hours 58 minutes'",
        )
        .await;
        app.make_due_at(
            user,
            "early-tomorrow",
            ZONE,
            "local_today + interval '1 day 1 minute'",
        )
        .await;
    }

    let zone_body = app.practice_status(&in_zone).await;
    let utc_body = app.practice_status(&in_utc).await;

    // In the zone exactly one word is due today. In UTC the two instants (09:58 and
    // 10:01 UTC) fall on the same day: both due before 10:00 UTC, neither after.
    assert_eq!(zone_body["due_word_count"], 1);
    assert_eq!(zone_body["has_practice"], true);
    let utc_due = utc_body["due_word_count"].as_i64().expect("a count");
    assert!(utc_due == 0 || utc_due == 2, "UTC user: {utc_body}");
}

#[tokio::test]
async fn a_test_prep_user_sees_the_share_of_the_bundle_saved() {
    let app = spawn_admin_app().await;
    app.clear_bundles().await;
    let populated = app
        .admin_post(
            "/v3/test-prep/batch-populate",
            &json!({"bundle": "TOEFL_BEGINNER", "words": ["apple", "banana", "cherry"]}),
        )
        .await;
    assert_eq!(populated.status(), StatusCode::OK);
    let user_id = new_user_id();
    let preferences = json!({
        "learning_language": "en", "native_language": "zh",
        "test_prep": "TOEFL_INTERMEDIATE", "study_duration_days": 30,
    });
    json_body(
        app.post_preferences(&user_id, &preferences).await,
        StatusCode::OK,
    )
    .await;
    app.save_word(&user_id, "apple").await;
    app.save_word(&user_id, "durian").await;

    let body = app.practice_status(&user_id).await;

    // Levels are cumulative: the three beginner words are intermediate words too; one
    // of them is saved, 1/3 = 33%.
    assert_eq!(
        body["bundle_progress"],
        json!({"saved_words": 1, "total_words": 3, "percentage": 33})
    );
}

#[tokio::test]
async fn an_unknown_user_gets_zeros_and_is_not_created() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let body = app.practice_status(&user_id).await;

    assert_eq!(body["user_id"], user_id.as_str());
    for field in [
        "due_word_count",
        "new_word_count_past_24h",
        "total_word_count",
        "score",
        "reviews_past_24h",
    ] {
        assert_eq!(body[field], 0, "{field}");
    }
    assert_eq!(body["has_practice"], false);
    assert!(body["bundle_progress"].is_null());
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 0);
}

#[tokio::test]
async fn practice_status_rejects_a_missing_or_malformed_user_id() {
    let app = spawn_app().await;

    for (query, case) in [
        ("", "no user_id"),
        ("user_id=abc", "not a UUID"),
        ("user_id=", "empty"),
    ] {
        let message = error_body(
            app.get_practice_status(query).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
        assert!(message.contains("user_id"), "{case}: {message}");
    }
    let response = app
        .request(reqwest::Method::POST, "/v3/practice-status")
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}
