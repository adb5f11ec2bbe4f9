use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_iso_instant, error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn a_review_answers_with_the_next_review_and_the_new_score() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "lucid").await;

    let body = app.review(&user_id, "lucid", true).await;

    assert_eq!(body["success"], true);
    assert_eq!(body["word"], "lucid");
    assert_eq!(body["word_id"], word_id);
    assert_eq!(body["response"], true);
    assert_eq!(body["review_count"], 1);
    assert_eq!(body["interval_days"], 3);
    assert_eq!(body["new_score"], 2);
    assert!(body["new_badges"].is_null(), "{body}");
    let next = assert_iso_instant(&body["next_review_date"], "next_review_date");
    let days = (next - chrono::Utc::now().naive_utc()).num_hours() as f64 / 24.0;
    assert!((2.9..=3.01).contains(&days), "next review in {days} days");
    let stored: i64 = app.count("SELECT count(*) FROM reviews").await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_score_adds_two_per_correct_and_one_per_wrong_answer() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let mut last = serde_json::Value::Null;
    for (word, correct) in [
        ("one", true),
        ("two", false),
        ("one", false),
        ("three", true),
    ] {
        last = app.review(&user_id, word, correct).await;
    }

    assert_eq!(last["new_score"], 2 + 1 + 1 + 2);
}

#[tokio::test]
async fn reviewing_an_unsaved_word_saves_it() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let body = app.review(&user_id, "novel", false).await;

    assert_eq!(body["response"], false);
    assert_eq!(body["review_count"], 1);
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 1);
}

#[tokio::test]
async fn a_numeric_response_is_accepted_and_answered_as_a_boolean() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let response = app
        .post_review(&json!({
            "user_id": user_id, "word": "digit", "learning_language": "en",
            "native_language": "zh", "response": 1, "question_type": "mc_definition",
        }))
        .await;
    let body = json_body(response, StatusCode::OK).await;

    assert_eq!(body["response"], true);
}

#[tokio::test]
async fn submit_rejects_invalid_input_with_400_and_stores_nothing() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let valid = json!({
        "user_id": user_id, "word": "valid", "learning_language": "en",
        "native_language": "zh", "response": true,
    });
    let mut cases = Vec::new();
    for field in [
        "user_id",
        "word",
        "learning_language",
        "native_language",
        "response",
    ] {
        let mut body = valid.clone();
        body.as_object_mut().expect("object").remove(field);
        cases.push((body, format!("missing {field}")));
    }
    for (field, value) in [
        ("user_id", json!("not-a-uuid")),
        ("word", json!("")),
        ("learning_language", json!("xx")),
        ("native_language", json!("english")),
        ("response", json!("yes")),
        ("response", json!(2)),
    ] {
        let mut body = valid.clone();
        body[field] = value.clone();
        cases.push((body, format!("{field} = {value}")));
    }

    for (body, case) in cases {
        error_body(app.post_review(&body).await, StatusCode::BAD_REQUEST, &case).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM reviews").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
}
