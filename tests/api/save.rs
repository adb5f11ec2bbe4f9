use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_iso_instant, error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn save_answers_exactly_201_with_the_word_id() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let response = app
        .post_save(&json!({
            "user_id": user_id,
            "word": "  Serendipity ",
            "learning_language": "en",
            "native_language": "zh",
            "metadata": {"saved_at": 1765790000.25},
        }))
        .await;
    let body = json_body(response, StatusCode::CREATED).await;

    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "Word 'serendipity' saved successfully");
    assert!(
        body["word_id"].is_i64(),
        "word_id is not an integer: {body}"
    );
    assert_iso_instant(&body["created_at"], "created_at");
    let row = app
        .db
        .query_one("SELECT word, metadata FROM saved_words", &[])
        .await
        .expect("one saved word");
    assert_eq!(row.get::<_, String>(0), "serendipity");
    assert_eq!(
        row.get::<_, serde_json::Value>(1)["saved_at"],
        1765790000.25
    );
}

#[tokio::test]
async fn saving_the_same_word_twice_keeps_one_row() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let first = app.save_word(&user_id, "hello").await;
    let second = app.save_word(&user_id, "HELLO").await;

    assert_eq!(first, second);
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 1);
}

#[tokio::test]
async fn save_without_languages_uses_the_users_preferences() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.post_preferences(
        &user_id,
        &json!({"learning_language": "es", "native_language": "de"}),
    )
    .await;

    let response = app
        .post_save(&json!({"user_id": user_id, "word": "hola"}))
        .await;
    json_body(response, StatusCode::CREATED).await;

    let row = app
        .db
        .query_one(
            "SELECT learning_language, native_language FROM saved_words",
            &[],
        )
        .await
        .expect("one saved word");
    assert_eq!(row.get::<_, String>(0), "es");
    assert_eq!(row.get::<_, String>(1), "de");
}

#[tokio::test]
async fn save_without_languages_for_a_new_user_creates_the_user_with_defaults() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let response = app
        .post_save(&json!({"user_id": user_id, "word": "tree"}))
        .await;
    json_body(response, StatusCode::CREATED).await;

    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 1);
    let row = app
        .db
        .query_one(
            "SELECT learning_language, native_language FROM saved_words",
            &[],
        )
        .await
        .expect("one saved word");
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        ("en".into(), "zh".into())
    );
}

#[tokio::test]
async fn save_rejects_invalid_input_with_400() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let cases = [
        (json!({"user_id": user_id}), "missing word"),
        (json!({"user_id": user_id, "word": "   "}), "blank word"),
        (
            json!({"user_id": user_id, "word": 42}),
            "word of the wrong type",
        ),
        (
            json!({"user_id": user_id, "word": "x".repeat(300)}),
            "word too long",
        ),
        (json!({"word": "hello"}), "missing user_id"),
        (
            json!({"user_id": "not-a-uuid", "word": "hello"}),
            "bad user_id",
        ),
        (
            json!({"user_id": user_id, "word": "hello", "learning_language": "xx", "native_language": "zh"}),
            "unsupported learning language",
        ),
        (
            json!({"user_id": user_id, "word": "hello", "learning_language": "en", "native_language": "q"}),
            "unsupported native language",
        ),
        (json!("hello"), "body is not an object"),
    ];

    for (body, case) in cases {
        error_body(app.post_save(&body).await, StatusCode::BAD_REQUEST, case).await;
    }
    error_body(
        app.post_raw("/v3/save", "{not json").await,
        StatusCode::BAD_REQUEST,
        "malformed JSON",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
}

#[tokio::test]
async fn save_rejects_get_with_405() {
    let app = spawn_app().await;

    error_body(
        app.request(Method::GET, "/v3/save").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "GET",
    )
    .await;
}
