//! `GET /v3/words/{word_id}/forgetting-curve` and `POST /v3/words/batch/forgetting-curves`:
//! a word's retention day by day, with its markers.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

const BATCH: &str = "/v3/words/batch/forgetting-curves";

impl TestApp {
    pub async fn get_forgetting_curve(&self, word_id: &str, query: &str) -> reqwest::Response {
        self.get(&format!("/v3/words/{word_id}/forgetting-curve?{query}"))
            .await
    }

    async fn forgetting_curve(&self, word_id: i64, user_id: &str) -> Value {
        let response = self
            .get_forgetting_curve(&word_id.to_string(), &format!("user_id={user_id}"))
            .await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/words/{word_id}/forgetting-curve", &body);
        body
    }

    pub async fn post_forgetting_curves(&self, body: &Value) -> reqwest::Response {
        self.post_json(BATCH, body).await
    }
}

fn day(value: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(value.as_str().expect("a date string"), "%Y-%m-%d")
        .unwrap_or_else(|e| panic!("{value} is not YYYY-MM-DD: {e}"))
}

/// Saves `word` three days ago and reviews it right now: the curve this gives is worked
/// out in `reviewed_curve_points`.
async fn seed_reviewed_word(app: &TestApp, user_id: &str, word: &str) -> i64 {
    let word_id = app.save_word(user_id, word).await;
    app.travel_forward(user_id, 3).await;
    app.review(user_id, word, true).await;
    word_id
}

/// Saved on day D-3, reviewed right on day D. Until D the decay is 0.45/day from the
/// save (e^-0.45 = 63.76%, e^-0.90 = 40.66%); the review resets retention to 100%; the
/// days after it are 4, 5 and 6 days from the save, still 0.45/day, so retention falls to
/// e^-1.35 = 25.92% (below 40%) on D+3, the next review.
fn reviewed_curve_points(review_day: NaiveDate) -> Vec<Value> {
    [
        (-3, 100.0, false),
        (-2, 63.76, false),
        (-1, 40.66, false),
        (0, 100.0, false),
        (1, 63.76, true),
        (2, 40.66, true),
        (3, 25.92, true),
    ]
    .into_iter()
    .map(|(offset, retention, projection)| {
        json!({
            "date": (review_day + Duration::days(offset)).format("%Y-%m-%d").to_string(),
            "retention": retention,
            "is_projection": projection,
        })
    })
    .collect()
}

#[tokio::test]
async fn the_curve_of_a_reviewed_word_matches_the_hand_worked_values() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = seed_reviewed_word(&app, &user_id, "curve").await;

    let body = app.forgetting_curve(word_id, &user_id).await;

    let review_day = day(&body["review_markers"][0]["date"]);
    assert_eq!(body["word_id"], word_id);
    assert_eq!(body["word"], "curve");
    assert_eq!(day(&body["created_at"]), review_day - Duration::days(3));
    assert_eq!(
        body["forgetting_curve"],
        json!(reviewed_curve_points(review_day))
    );
    assert_eq!(
        day(&body["next_review_date"]),
        review_day + Duration::days(3)
    );
    assert_eq!(body["review_markers"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["review_markers"][0]["success"], true);
    let markers: Vec<(NaiveDate, String, Value)> = body["all_markers"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|m| {
            (
                day(&m["date"]),
                m["type"].as_str().unwrap_or_default().to_owned(),
                m["success"].clone(),
            )
        })
        .collect();
    assert_eq!(
        markers,
        vec![
            (
                review_day - Duration::days(3),
                "creation".to_owned(),
                Value::Null
            ),
            (review_day, "review".to_owned(), json!(true)),
            (
                review_day + Duration::days(3),
                "next_review".to_owned(),
                Value::Null
            ),
        ]
    );
}

#[tokio::test]
async fn a_new_words_curve_runs_from_today_to_its_first_review() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "new").await;

    let body = app.forgetting_curve(word_id, &user_id).await;

    let retention: Vec<f64> = body["forgetting_curve"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| p["retention"].as_f64().expect("a number"))
        .collect();
    assert_eq!(retention, vec![100.0, 63.76, 40.66, 25.92]);
    assert_eq!(
        day(&body["next_review_date"]),
        day(&body["created_at"]) + Duration::days(3)
    );
    assert_eq!(body["review_markers"], json!([]));
}

#[tokio::test]
async fn the_single_curve_is_a_404_for_another_users_word_or_an_unknown_id() {
    let app = spawn_app().await;
    let owner = new_user_id();
    let word_id = app.save_word(&owner, "secret").await;

    let other = app
        .get_forgetting_curve(&word_id.to_string(), &format!("user_id={}", new_user_id()))
        .await;
    let unknown = app
        .get_forgetting_curve("987654", &format!("user_id={owner}"))
        .await;

    error_body(other, StatusCode::NOT_FOUND, "another user's word").await;
    error_body(unknown, StatusCode::NOT_FOUND, "unknown id").await;
}

#[tokio::test]
async fn the_single_curve_rejects_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let user = new_user_id();
    let cases = [
        ("1", String::new(), "user_id"),
        ("1", "user_id=12345".to_owned(), "user_id"),
        ("abc", format!("user_id={user}"), "word_id"),
        ("0", format!("user_id={user}"), "word_id"),
        ("99999999999", format!("user_id={user}"), "word_id"),
    ];

    for (id, query, field) in cases {
        let case = format!("{id}?{query}");
        let message = error_body(
            app.get_forgetting_curve(id, &query).await,
            StatusCode::BAD_REQUEST,
            &case,
        )
        .await;
        assert!(message.contains(field), "{case}: {message}");
    }
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/v3/words/1/forgetting-curve?user_id={user}"),
        )
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "DELETE").await;
}

#[tokio::test]
async fn the_batch_answers_found_curves_in_order_and_lists_the_rest_once() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let reviewed = seed_reviewed_word(&app, &user_id, "curve").await;
    let fresh = app.save_word(&user_id, "fresh").await;
    let someone_else = new_user_id();
    let theirs = app.save_word(&someone_else, "theirs").await;

    let body = json_body(
        app.post_forgetting_curves(&json!({
            "user_id": user_id,
            "word_ids": [fresh, 987654, theirs, reviewed, fresh, reviewed.to_string()],
        }))
        .await,
        StatusCode::OK,
    )
    .await;

    assert_client_decodes("POST", BATCH, &body);
    let curves = body["curves"].as_array().expect("an array");
    assert_eq!(curves.len(), 2);
    assert_eq!(curves[0]["word_id"], fresh);
    assert_eq!(curves[1]["word_id"], reviewed);
    assert_eq!(body["not_found"], json!([987654, theirs]));
    // Each curve is exactly what the single-word endpoint answers.
    assert_eq!(curves[0], app.forgetting_curve(fresh, &user_id).await);
    assert_eq!(curves[1], app.forgetting_curve(reviewed, &user_id).await);
    let review_day = day(&curves[1]["review_markers"][0]["date"]);
    assert_eq!(
        curves[1]["forgetting_curve"],
        json!(reviewed_curve_points(review_day))
    );
}

#[tokio::test]
async fn a_batch_of_a_hundred_ids_is_served_and_one_more_is_refused() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let saved = app.save_word(&user_id, "one").await;
    let mut ids: Vec<i64> = (1_000_000..1_000_099).collect();
    ids.push(saved);

    let hundred = app
        .post_forgetting_curves(&json!({"user_id": user_id, "word_ids": ids}))
        .await;
    let body = json_body(hundred, StatusCode::OK).await;
    ids.push(2_000_000);
    let too_many = app
        .post_forgetting_curves(&json!({"user_id": user_id, "word_ids": ids}))
        .await;

    assert_client_decodes("POST", BATCH, &body);
    assert_eq!(body["curves"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["not_found"].as_array().map(Vec::len), Some(99));
    let message = error_body(too_many, StatusCode::BAD_REQUEST, "101 ids").await;
    assert_eq!(
        message,
        "Invalid word_ids: must hold between 1 and 100 ids (got 101)"
    );
}

#[tokio::test]
async fn the_batch_rejects_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let user = new_user_id();
    let cases = [
        (json!({"word_ids": [1]}), "user_id"),
        (json!({"user_id": "x", "word_ids": [1]}), "user_id"),
        (json!({"user_id": user}), "word_ids"),
        (json!({"user_id": user, "word_ids": []}), "word_ids"),
        (json!({"user_id": user, "word_ids": "1,2"}), "word_ids"),
        (
            json!({"user_id": user, "word_ids": [1, "two"]}),
            "word_ids[1]",
        ),
        (json!({"user_id": user, "word_ids": [0]}), "word_ids[0]"),
        (json!({"user_id": user, "word_ids": [1.5]}), "word_ids[0]"),
        (
            json!({"user_id": user, "word_ids": [2147483648_i64]}),
            "word_ids[0]",
        ),
    ];

    for (body, field) in cases {
        let message = error_body(
            app.post_forgetting_curves(&body).await,
            StatusCode::BAD_REQUEST,
            &body.to_string(),
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    error_body(
        app.post_raw(BATCH, "{\"user_id\":").await,
        StatusCode::BAD_REQUEST,
        "bad JSON",
    )
    .await;
    error_body(app.get(BATCH).await, StatusCode::METHOD_NOT_ALLOWED, "GET").await;
}
