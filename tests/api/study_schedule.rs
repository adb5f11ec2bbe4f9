//! `GET /v3/schedule/today`, `GET /v3/schedule/range` and
//! `GET /v3/schedule/test-progress`: the study plan computed from the saved words, their
//! reviews and the test settings. The demo bundle (migration V7) is, alphabetically:
//! anchor, bridge, curious, delight, eager, fragile, gather, harvest, journey, kindle,
//! lantern, meadow, nimble, orbit, puzzle.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    /// Creates `user` preparing for `test` over `days` days.
    async fn prepare_test(&self, user: &str, test: &str, days: i64) {
        json_body(self.get_preferences(user).await, StatusCode::OK).await;
        json_body(
            self.put_test_settings(
                &json!({"user_id": user, "test_type": test, "target_days": days}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }

    async fn schedule_today(&self, user: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/schedule/today?user_id={user}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/schedule/today", &body);
        body
    }

    async fn schedule_range(&self, query: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/schedule/range?{query}")).await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/schedule/range", &body);
        body
    }

    async fn test_progress(&self, user: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/schedule/test-progress?user_id={user}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/schedule/test-progress", &body);
        body
    }
}

fn practice(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .expect("a practice list")
        .iter()
        .map(|p| {
            (
                p["word"].as_str().expect("word").to_owned(),
                p["review_number"].as_i64().expect("review_number"),
            )
        })
        .collect()
}

fn firsts(words: &[&str]) -> Vec<(String, i64)> {
    words.iter().map(|w| ((*w).to_owned(), 1)).collect()
}

#[tokio::test]
async fn without_a_test_there_is_no_schedule() {
    let app = spawn_app().await;
    let user = new_user_id();
    json_body(app.get_preferences(&user).await, StatusCode::OK).await;
    app.save_word(&user, "anchor").await;

    let today = app.schedule_today(&user).await;
    assert_eq!(today["has_schedule"], false);
    assert_eq!(today["user_has_schedule"], false);
    assert!(today["message"].is_string());
    assert_eq!(
        today["date"].as_str().map(str::len),
        Some(10),
        "YYYY-MM-DD: {today}"
    );

    let range = app.schedule_range(&format!("user_id={user}")).await;
    assert_eq!(range["schedules"], json!([]));

    let progress = app.test_progress(&user).await;
    assert_eq!(
        progress,
        json!({"has_schedule": false, "test_type": null, "total_words": 0,
               "saved_words": 0, "progress": 0.0, "streak_days": 0})
    );
}

#[tokio::test]
async fn new_words_are_spread_over_the_days_left() {
    let app = spawn_app().await;
    let user = new_user_id();
    // 15 demo words over 3 days: ceil(15 / 3) = 5 a day.
    app.prepare_test(&user, "DEMO", 3).await;
    app.save_word(&user, "anchor").await;

    let today = app.schedule_today(&user).await;
    assert_eq!(today["has_schedule"], true);
    assert_eq!(today["test_type"], "DEMO");
    assert_eq!(
        today["new_words"],
        json!(["bridge", "curious", "delight", "eager"])
    );
    assert_eq!(today["new_words_completed"], json!(["anchor"]));
    assert_eq!(today["test_practice_words"], json!([]));
    assert_eq!(today["summary"]["total_new"], 5);
    assert_eq!(today["summary"]["total_new_remaining"], 4);
    assert_eq!(today["summary"]["total_completed"], 1);

    // The plan ends the day before the target date: 3 days even when 7 are asked for.
    let range = app.schedule_range(&format!("user_id={user}&days=7")).await;
    let days = range["schedules"].as_array().expect("schedules");
    assert_eq!(days.len(), 3);
    assert_eq!(days[0], today);
    assert_eq!(
        days[1]["new_words"],
        json!(["fragile", "gather", "harvest", "journey", "kindle"])
    );
    assert_eq!(
        days[2]["new_words"],
        json!(["lantern", "meadow", "nimble", "orbit", "puzzle"])
    );
    // A new word is first reviewed the day after it is saved (anchor, saved today) or
    // introduced (today's other four); tomorrow's words come back the day after. The
    // second reviews fall 3 days later, past the plan.
    assert_eq!(
        practice(&days[1]["test_practice_words"]),
        firsts(&["anchor", "bridge", "curious", "delight", "eager"])
    );
    assert_eq!(
        practice(&days[2]["test_practice_words"]),
        firsts(&["fragile", "gather", "harvest", "journey", "kindle"])
    );
    assert_eq!(days[1]["summary"]["total_words"], 10);
    assert_eq!(range["test_type"], "DEMO");

    let one = app.schedule_range(&format!("user_id={user}&days=1")).await;
    assert_eq!(one["schedules"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn only_new_words_keeps_the_days_that_introduce_words() {
    let app = spawn_app().await;
    let user = new_user_id();
    // 15 words over 20 days: one a day for 15 days, then 5 days of reviews only.
    app.prepare_test(&user, "DEMO", 20).await;
    let all = app
        .schedule_range(&format!("user_id={user}&days=60&only_new_words=false"))
        .await;
    assert_eq!(all["schedules"].as_array().map(Vec::len), Some(20));
    let new_only = app
        .schedule_range(&format!("user_id={user}&days=60&only_new_words=true"))
        .await;
    let days = new_only["schedules"].as_array().expect("schedules");
    assert_eq!(days.len(), 15);
    assert_eq!(days[14]["new_words"], json!(["puzzle"]));
}

#[tokio::test]
async fn due_words_are_practised_and_completed_today() {
    let app = spawn_app().await;
    let user = new_user_id();
    app.prepare_test(&user, "DEMO", 10).await;
    // A demo word and a word of no bundle, saved two days ago: both overdue.
    app.save_word(&user, "anchor").await;
    app.save_word(&user, "zeppelin").await;
    app.travel_forward(&user, 2).await;

    let today = app.schedule_today(&user).await;
    assert_eq!(practice(&today["test_practice_words"]), firsts(&["anchor"]));
    assert_eq!(
        practice(&today["non_test_practice_words"]),
        firsts(&["zeppelin"])
    );
    assert!(today["non_test_practice_words"][0]["word_id"].is_i64());
    // anchor was saved before today, so it left the pool: 14 words over 10 days, 2 a day.
    assert_eq!(today["new_words"], json!(["bridge", "curious"]));

    app.review(&user, "zeppelin", true).await;
    let today = app.schedule_today(&user).await;
    assert_eq!(today["non_test_practice_words"], json!([]));
    assert_eq!(
        practice(&today["non_test_practice_words_completed"]),
        firsts(&["zeppelin"])
    );
    assert_eq!(today["summary"]["total_non_test_practice_completed"], 1);
    assert_eq!(today["summary"]["total_remaining"], 3);
}

#[tokio::test]
async fn test_progress_counts_the_saved_test_words_and_the_streak() {
    let app = spawn_app().await;
    let user = new_user_id();
    app.prepare_test(&user, "DEMO", 30).await;
    app.review(&user, "anchor", true).await;
    app.save_word(&user, "bridge").await;
    app.save_word(&user, "zeppelin").await;

    // 2 of 15 demo words: 0.1333.
    let body = app.test_progress(&user).await;
    assert_eq!(
        body,
        json!({"has_schedule": true, "test_type": "DEMO", "total_words": 15,
               "saved_words": 2, "progress": 0.1333, "streak_days": 1})
    );
}

#[tokio::test]
async fn schedule_requests_with_bad_input_are_rejected() {
    let app = spawn_app().await;
    let user = new_user_id();
    app.prepare_test(&user, "DEMO", 5).await;
    for path in [
        "/v3/schedule/today",
        "/v3/schedule/range",
        "/v3/schedule/test-progress",
    ] {
        for (query, case) in [
            ("".to_owned(), "no user_id"),
            ("user_id=abc".to_owned(), "not a UUID"),
            ("user_id=%00".to_owned(), "NUL"),
        ] {
            let message = error_body(
                app.get(&format!("{path}?{query}")).await,
                StatusCode::BAD_REQUEST,
                case,
            )
            .await;
            assert!(message.contains("user_id"), "{path} {case}: {message}");
        }
        let unknown = new_user_id();
        error_body(
            app.get(&format!("{path}?user_id={unknown}")).await,
            StatusCode::NOT_FOUND,
            "unknown user",
        )
        .await;
        error_body(
            app.request(Method::POST, path).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "POST",
        )
        .await;
    }
    for (query, field, case) in [
        ("days=0", "days", "0 days"),
        ("days=61", "days", "61 days"),
        ("days=seven", "days", "not a number"),
        ("days=7%00", "days", "NUL"),
        ("only_new_words=maybe", "only_new_words", "not a boolean"),
    ] {
        let message = error_body(
            app.get(&format!("/v3/schedule/range?user_id={user}&{query}"))
                .await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
        assert!(message.contains(field), "{case}: {message}");
    }
}
