//! `GET /v3/get-streak-days`, `GET /v3/achievements/progress`,
//! `GET /v3/achievements/test-vocabulary-awards` and `GET /v3/leaderboard-score`, with
//! data made through the API (save, reviews/submit).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    /// `travel_forward` for streaks too: the recorded streak days move back as well.
    pub async fn travel_days(&self, user_id: &str, days: i64) {
        self.travel_forward(user_id, days).await;
        let user: Uuid = user_id.parse().expect("user id is a UUID");
        self.db
            .execute(
                "UPDATE streak_days SET streak_date = streak_date - $2::integer WHERE user_id = $1",
                &[&user, &(days as i32)],
            )
            .await
            .expect("shift streak_days");
    }

    pub async fn streak(&self, user_id: &str) -> i64 {
        let body = json_body(
            self.get(&format!("/v3/get-streak-days?user_id={user_id}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/get-streak-days", &body);
        assert_eq!(body["user_id"], user_id);
        body["streak_days"].as_i64().expect("streak_days")
    }

    pub async fn achievements(&self, user_id: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/achievements/progress?user_id={user_id}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/achievements/progress", &body);
        body
    }

    pub async fn leaderboard(&self, query: &str) -> Value {
        let body = json_body(
            self.get(&format!("/v3/leaderboard-score{query}")).await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("GET", "/v3/leaderboard-score", &body);
        body
    }
}

/// Each path with a bad query: 400 naming `field`; and the wrong method: 405.
async fn assert_rejects(app: &TestApp, path: &str, cases: &[(&str, &str)], field: &str) {
    for (query, case) in cases {
        let message = error_body(
            app.get(&format!("{path}?{query}")).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
        assert!(message.contains(field), "{path} {case}: {message}");
    }
    let response = app.request(Method::POST, path).await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}

const USER_ID_CASES: [(&str, &str); 4] = [
    ("", "no user_id"),
    ("user_id=abc", "not a UUID"),
    ("user_id=%00", "a NUL character"),
    (
        "user_id=6F9619FF-8B86-D011-B42D-00C04FC964FF%00",
        "a UUID and a NUL character",
    ),
];

#[tokio::test]
async fn the_streak_counts_consecutive_review_days_from_the_first_review() {
    let app = spawn_app().await;
    let user = new_user_id();
    assert_eq!(app.streak(&user).await, 0, "no review yet");

    app.review(&user, "alpha", true).await;
    assert_eq!(app.streak(&user).await, 1, "the first review counts");
    app.review(&user, "beta", false).await;
    assert_eq!(app.streak(&user).await, 1, "a second review the same day");

    // Yesterday's streak is still alive today, and grows with today's review.
    app.travel_days(&user, 1).await;
    assert_eq!(
        app.streak(&user).await,
        1,
        "practised yesterday, not yet today"
    );
    app.review(&user, "alpha", true).await;
    assert_eq!(app.streak(&user).await, 2, "yesterday and today");
    app.travel_days(&user, 1).await;
    app.review(&user, "gamma", true).await;
    assert_eq!(app.streak(&user).await, 3, "three days in a row");

    // A whole day without a review breaks it.
    app.travel_days(&user, 2).await;
    assert_eq!(app.streak(&user).await, 0, "nothing yesterday or today");
    app.review(&user, "alpha", false).await;
    assert_eq!(app.streak(&user).await, 1, "a new streak");
    assert_eq!(app.count("SELECT count(*) FROM streak_days").await, 4);
}

#[tokio::test]
async fn a_review_is_recorded_on_the_users_day_in_their_time_zone() {
    let app = spawn_app().await;
    let user = new_user_id();
    json_body(
        app.post_preferences(
            &user,
            &json!({"learning_language": "en", "native_language": "zh",
                    "timezone": "Pacific/Kiritimati"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.review(&user, "alpha", true).await;

    // UTC+14: for ten hours of each UTC day, the user is already on the next date.
    let recorded = app
        .count(
            "SELECT count(*) FROM streak_days \
             WHERE streak_date = (now() AT TIME ZONE 'Pacific/Kiritimati')::date",
        )
        .await;
    assert_eq!(recorded, 1);
    assert_eq!(app.streak(&user).await, 1);
}

#[tokio::test]
async fn streak_requests_with_a_bad_user_id_are_rejected() {
    let app = spawn_app().await;
    assert_rejects(&app, "/v3/get-streak-days", &USER_ID_CASES, "user_id").await;
}

#[tokio::test]
async fn achievements_follow_the_score_of_every_review() {
    let app = spawn_app().await;
    let user = new_user_id();

    let body = app.achievements(&user).await;
    assert_eq!(body["score"], 0, "an unknown user");
    assert!(body["current_achievement"].is_null());
    assert_eq!(body["next_milestone"], 1);
    assert_eq!(body["achievements"].as_array().map(Vec::len), Some(20));

    // Right, right, wrong: 2 + 2 + 1 = 5.
    let alpha = app.review(&user, "alpha", true).await;
    app.review(&user, "alpha", true).await;
    let last = app.review(&user, "beta", false).await;
    assert_eq!(last["new_score"], 5);

    let body = app.achievements(&user).await;
    assert_eq!(body["user_id"], user.as_str());
    assert_eq!(body["score"], 5);
    assert_eq!(body["current_achievement"]["milestone"], 1);
    assert_eq!(body["current_achievement"]["tier"], "beginner");
    assert_eq!(body["next_milestone"], 100);
    assert_eq!(body["next_achievement"]["milestone"], 100);
    let unlocked: Vec<i64> = body["achievements"]
        .as_array()
        .expect("achievements")
        .iter()
        .filter(|a| a["unlocked"] == true)
        .map(|a| a["milestone"].as_i64().expect("milestone"))
        .collect();
    assert_eq!(unlocked, [1]);
    let awards = body["achievements"]
        .as_array()
        .expect("achievements")
        .iter()
        .filter(|a| a["is_award"] == true)
        .count();
    assert_eq!(awards, 4);

    // Unsaving "alpha" takes its two right answers (4 points) with it.
    json_body(
        app.post_unsave(&json!({"user_id": user, "word_id": alpha["word_id"]}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.achievements(&user).await["score"], 1);
}

#[tokio::test]
async fn achievement_requests_with_a_bad_user_id_are_rejected() {
    let app = spawn_app().await;
    assert_rejects(&app, "/v3/achievements/progress", &USER_ID_CASES, "user_id").await;
    assert_rejects(
        &app,
        "/v3/achievements/test-vocabulary-awards",
        &USER_ID_CASES,
        "user_id",
    )
    .await;
}

#[tokio::test]
async fn test_vocabulary_awards_count_the_saved_words_of_each_bundle() {
    let app = spawn_app().await;
    let user = new_user_id();
    // Two demo words, one TOEFL beginner word (also intermediate and advanced), one
    // word in no bundle.
    for word in ["anchor", "bridge", "achieve", "zeppelin"] {
        app.save_word(&user, word).await;
    }

    let body = json_body(
        app.get(&format!(
            "/v3/achievements/test-vocabulary-awards?user_id={user}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_client_decodes("GET", "/v3/achievements/test-vocabulary-awards", &body);
    let expected = json!({
        "TOEFL_BEGINNER": {"saved_test_words": 1, "total_test_words": 20},
        "TOEFL_INTERMEDIATE": {"saved_test_words": 1, "total_test_words": 40},
        "TOEFL_ADVANCED": {"saved_test_words": 1, "total_test_words": 60},
        "IELTS_BEGINNER": {"saved_test_words": 0, "total_test_words": 20},
        "IELTS_INTERMEDIATE": {"saved_test_words": 0, "total_test_words": 40},
        "IELTS_ADVANCED": {"saved_test_words": 0, "total_test_words": 60},
        "DEMO": {"saved_test_words": 2, "total_test_words": 15},
        "BUSINESS_ENGLISH": {"saved_test_words": 0, "total_test_words": 25},
        "EVERYDAY_ENGLISH": {"saved_test_words": 0, "total_test_words": 25},
    });
    assert_eq!(body, expected);
}

#[tokio::test]
async fn the_leaderboard_ranks_users_by_score() {
    let app = spawn_app().await;
    let (top, second, tied, idle) = (new_user_id(), new_user_id(), new_user_id(), new_user_id());
    for _ in 0..3 {
        app.review(&top, "alpha", true).await; // 6 points, 3 reviews
    }
    app.review(&second, "alpha", false).await; // 1 point
    app.review(&tied, "beta", false).await; // 1 point
    json_body(app.get_preferences(&idle).await, StatusCode::OK).await; // 0 points

    let body = app.leaderboard("").await;
    assert_eq!(body["total_users"], 4);
    let rows = body["leaderboard"].as_array().expect("leaderboard");
    let ranked: Vec<(i64, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["rank"].as_i64().expect("rank"),
                r["score"].as_i64().expect("score"),
                r["total_reviews"].as_i64().expect("total_reviews"),
            )
        })
        .collect();
    assert_eq!(ranked, [(1, 6, 3), (2, 1, 1), (2, 1, 1), (4, 0, 0)]);
    assert_eq!(
        rows[0]["user_id"],
        top.as_str(),
        "upper-case, as the app sends it"
    );
    assert_eq!(rows[3]["user_id"], idle.as_str());
    for row in rows {
        assert!(!row["user_name"].as_str().expect("user_name").is_empty());
        assert!(row["user_motto"].is_string());
    }

    let body = app.leaderboard("?limit=2").await;
    assert_eq!(body["leaderboard"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["total_users"], 4);
}

#[tokio::test]
async fn an_empty_leaderboard_has_no_users() {
    let app = spawn_app().await;
    let body = app.leaderboard("").await;
    assert_eq!(body, json!({"leaderboard": [], "total_users": 0}));
}

#[tokio::test]
async fn leaderboard_limits_out_of_range_are_rejected() {
    let app = spawn_app().await;
    assert_rejects(
        &app,
        "/v3/leaderboard-score",
        &[
            ("limit=0", "zero"),
            ("limit=1001", "over 1000"),
            ("limit=-5", "negative"),
            ("limit=abc", "not a number"),
            ("limit=1.5", "a fraction"),
            ("limit=5%00", "a NUL character"),
        ],
        "limit",
    )
    .await;
}
