//! `GET /v3/api/test-prep/stats`, `GET /v3/api/test-vocabulary-count`,
//! `GET /v3/test-prep/config` and `GET|PUT /v3/test-prep/settings`, against the word
//! lists migration V7 ships (TOEFL and IELTS 20 words a level, cumulative; demo 15;
//! business and everyday English 25 each; 184 distinct words).

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    /// Empties `bundle_vocabularies`, for tests that build their own bundles.
    pub async fn clear_bundles(&self) {
        self.db
            .execute("DELETE FROM bundle_vocabularies", &[])
            .await
            .expect("clear bundle_vocabularies");
    }

    pub async fn put_test_settings(&self, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url("/v3/test-prep/settings"))
            .json(body)
            .send()
            .await
            .expect("send request")
    }

    pub async fn put_test_settings_raw(&self, body: &'static str) -> reqwest::Response {
        self.client
            .put(self.url("/v3/test-prep/settings"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send request")
    }

    pub async fn vocabulary_count(&self, query: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/api/test-vocabulary-count{query}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/api/test-vocabulary-count", &body);
        body
    }
}

async fn bad_request(response: reqwest::Response, field: &str, case: &str) {
    let message = error_body(response, StatusCode::BAD_REQUEST, case).await;
    assert!(message.contains(field), "{case}: {message}");
}

#[tokio::test]
async fn stats_count_the_shipped_word_lists() {
    let app = spawn_app().await;
    for query in ["", "?language=en"] {
        let body = json_body(
            app.get(&format!("/v3/api/test-prep/stats{query}")).await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/api/test-prep/stats", &body);
        assert_eq!(
            body,
            json!({"language": "en", "statistics": {
                "total_unique_words": 184, "toefl_words": 60, "ielts_words": 60,
                "tianz_words": 15, "demo_words": 15, "business_english_words": 25,
                "everyday_english_words": 25}}),
            "{query}"
        );
    }
    let body = json_body(
        app.get("/v3/api/test-prep/stats?language=fr").await,
        StatusCode::OK,
    )
    .await;
    assert_client_decodes("GET", "/v3/api/test-prep/stats", &body);
    assert_eq!(body["statistics"]["total_unique_words"], 0);

    for (query, case) in [("language=xx", "unsupported"), ("language=e%00n", "NUL")] {
        let response = app.get(&format!("/v3/api/test-prep/stats?{query}")).await;
        bad_request(response, "language", case).await;
    }
    let response = app.request(Method::POST, "/v3/api/test-prep/stats").await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}

#[tokio::test]
async fn vocabulary_counts_come_with_study_plans() {
    let app = spawn_app().await;
    let plans = |per_day: [i64; 4]| {
        json!([
            {"days": 10, "words_per_day": per_day[0]},
            {"days": 30, "words_per_day": per_day[1]},
            {"days": 60, "words_per_day": per_day[2]},
            {"days": 90, "words_per_day": per_day[3]},
        ])
    };

    // ALL, and no test_type at all: the nine bundles, no top-level totals.
    for query in ["?test_type=ALL", ""] {
        let body = app.vocabulary_count(query).await;
        let counts = body["counts"].as_object().expect("counts");
        assert_eq!(counts.len(), 9, "{query}");
        // 20 words: ceil(20/10) = 2, then 1, 1, 1.
        assert_eq!(
            counts["TOEFL_BEGINNER"],
            json!({"total_words": 20, "study_plans": plans([2, 1, 1, 1])})
        );
        // 60 words: 6, 2, 1, 1.
        assert_eq!(counts["IELTS_ADVANCED"]["study_plans"], plans([6, 2, 1, 1]));
        assert!(body.get("total_words").is_none());
    }

    // One type (legacy name accepted): repeated at the top level.
    let body = app.vocabulary_count("?test_type=IELTS_INTERMEDIATE").await;
    assert_eq!(body["total_words"], 40);
    assert_eq!(body["study_plans"], plans([4, 2, 1, 1]));
    let body = app
        .vocabulary_count("?test_type=TIANZ&test_type=demo")
        .await;
    assert_eq!(body["counts"].as_object().map(|c| c.len()), Some(1));
    assert_eq!(body["total_words"], 15);

    // A list.
    let body = app
        .vocabulary_count("?test_type=DEMO,BUSINESS_ENGLISH")
        .await;
    let keys: Vec<&String> = body["counts"].as_object().expect("counts").keys().collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(body["counts"]["BUSINESS_ENGLISH"]["total_words"], 25);

    for (query, field, case) in [
        ("test_type=SAT", "test_type", "unknown type"),
        ("test_type=DEMO,SAT", "test_type", "one unknown in a list"),
        ("test_type=DE%00MO", "test_type", "NUL"),
        ("language=xx", "language", "unsupported language"),
    ] {
        let response = app
            .get(&format!("/v3/api/test-vocabulary-count?{query}"))
            .await;
        bad_request(response, field, case).await;
    }
    let response = app
        .request(Method::PUT, "/v3/api/test-vocabulary-count")
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "PUT").await;
}

#[tokio::test]
async fn the_config_lists_the_english_tests() {
    // Not called by the iOS client (absent from its contract).
    let app = spawn_app().await;
    let body = json_body(app.get("/v3/test-prep/config").await, StatusCode::OK).await;
    let config = body["config"].as_object().expect("config");
    assert_eq!(config.len(), 9);
    let codes: Vec<&str> = body["config"]["en"]["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "TOEFL",
            "IELTS",
            "BUSINESS_ENGLISH",
            "EVERYDAY_ENGLISH",
            "DEMO"
        ]
    );
    assert_eq!(
        body["config"]["en"]["tests"][0]["levels"],
        json!(["TOEFL_BEGINNER", "TOEFL_INTERMEDIATE", "TOEFL_ADVANCED"])
    );
    assert_eq!(body["config"]["fr"], json!({"tests": []}));
    let response = app.request(Method::POST, "/v3/test-prep/config").await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}

#[tokio::test]
async fn settings_set_report_and_clear_the_test() {
    // Not called by the iOS client (absent from its contract).
    let app = spawn_app().await;
    let user = new_user_id();
    json_body(app.get_preferences(&user).await, StatusCode::OK).await;

    let body = json_body(
        app.put_test_settings(&json!({"user_id": user, "test_type": "demo", "target_days": 20}))
            .await,
        StatusCode::OK,
    )
    .await;
    let end = (Utc::now().date_naive() + Duration::days(20)).to_string();
    assert_eq!(
        body,
        json!({"success": true, "settings": {"active_test": "DEMO", "target_days": 20,
               "target_end_date": end, "last_test_words_added": null}})
    );

    app.save_word(&user, "anchor").await;
    let body = json_body(
        app.get(&format!("/v3/test-prep/settings?user_id={user}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["settings"]["active_test"], "DEMO");
    assert_eq!(body["settings"]["demo_enabled"], true);
    assert_eq!(body["settings"]["toefl_enabled"], false);
    assert_eq!(body["settings"]["target_end_date"], end.as_str());
    // 1 of 15 demo words: 6.7 %.
    assert_eq!(
        body["progress"]["active"],
        json!({"saved": 1, "total": 15, "percentage": 6.7})
    );
    assert_eq!(
        body["progress"]["toefl"],
        json!({"saved": 0, "total": 60, "percentage": 0.0})
    );

    // The preferences see the same test.
    let prefs = json_body(app.get_preferences(&user).await, StatusCode::OK).await;
    assert_eq!(prefs["test_prep"], "DEMO");
    assert_eq!(prefs["study_duration_days"], 20);

    // No test_type (absent or null) clears it; target_days defaults to 30.
    for body in [
        json!({"user_id": user, "test_type": null}),
        json!({"user_id": user}),
    ] {
        let cleared = json_body(app.put_test_settings(&body).await, StatusCode::OK).await;
        assert_eq!(
            cleared["settings"],
            json!({"active_test": null, "target_days": null, "target_end_date": null,
                   "last_test_words_added": null})
        );
    }
    let body = json_body(
        app.put_test_settings(&json!({"user_id": user, "test_type": "TOEFL"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["settings"]["active_test"], "TOEFL_ADVANCED");
    assert_eq!(body["settings"]["target_days"], 30);
}

#[tokio::test]
async fn settings_reject_bad_input_and_unknown_users() {
    let app = spawn_app().await;
    let user = new_user_id();

    let unknown = new_user_id();
    error_body(
        app.get(&format!("/v3/test-prep/settings?user_id={unknown}"))
            .await,
        StatusCode::NOT_FOUND,
        "GET for an unknown user",
    )
    .await;
    error_body(
        app.put_test_settings(&json!({"user_id": unknown, "test_type": "DEMO"}))
            .await,
        StatusCode::NOT_FOUND,
        "PUT for an unknown user",
    )
    .await;

    json_body(app.get_preferences(&user).await, StatusCode::OK).await;
    let cases = [
        (json!({"test_type": "DEMO"}), "user_id", "no user_id"),
        (json!({"user_id": "abc"}), "user_id", "bad user_id"),
        (
            json!({"user_id": user, "test_type": "SAT"}),
            "test_type",
            "unknown test",
        ),
        (
            json!({"user_id": user, "test_type": 3}),
            "test_type",
            "not a string",
        ),
        (
            json!({"user_id": user, "test_type": "DE\u{0}MO"}),
            "test_type",
            "NUL",
        ),
        (
            json!({"user_id": user, "test_type": "DEMO", "target_days": 0}),
            "target_days",
            "0 days",
        ),
        (
            json!({"user_id": user, "test_type": "DEMO", "target_days": 366}),
            "target_days",
            "366 days",
        ),
        (
            json!({"user_id": user, "test_type": "DEMO", "target_days": "ten"}),
            "target_days",
            "text",
        ),
        (
            json!({"user_id": user, "test_type": "DEMO", "target_days": 2.5}),
            "target_days",
            "fraction",
        ),
    ];
    for (body, field, case) in cases {
        bad_request(app.put_test_settings(&body).await, field, case).await;
    }
    error_body(
        app.put_test_settings_raw("{\"user_id\": ").await,
        StatusCode::BAD_REQUEST,
        "bad JSON",
    )
    .await;
    for (query, case) in [
        ("", "no user_id"),
        ("user_id=abc", "bad"),
        ("user_id=%00", "NUL"),
    ] {
        let response = app.get(&format!("/v3/test-prep/settings?{query}")).await;
        bad_request(response, "user_id", case).await;
    }
    let response = app.request(Method::DELETE, "/v3/test-prep/settings").await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "DELETE").await;
    let response = app.request(Method::POST, "/v3/test-prep/settings").await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}

#[tokio::test]
async fn the_daily_job_serves_the_shipped_word_lists() {
    let app = crate::helpers::spawn_admin_app().await;
    let user = new_user_id();
    json_body(app.get_preferences(&user).await, StatusCode::OK).await;
    json_body(
        app.put_test_settings(&json!({"user_id": user, "test_type": "DEMO", "target_days": 10}))
            .await,
        StatusCode::OK,
    )
    .await;

    let body = json_body(
        app.admin_post("/v3/test-prep/run-daily-job", &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["words_added"], 10);
    let saved = json_body(
        app.get_saved_words(&format!("user_id={user}")).await,
        StatusCode::OK,
    )
    .await;
    let mut words: Vec<&str> = saved["saved_words"]
        .as_array()
        .expect("saved_words")
        .iter()
        .map(|w| w["word"].as_str().expect("word"))
        .collect();
    words.sort_unstable();
    assert_eq!(
        words,
        [
            "anchor", "bridge", "curious", "delight", "eager", "fragile", "gather", "harvest",
            "journey", "kindle"
        ]
    );
    assert!(
        saved["saved_words"]
            .as_array()
            .expect("saved_words")
            .iter()
            .all(|w| w["is_demo"] == true)
    );
}
