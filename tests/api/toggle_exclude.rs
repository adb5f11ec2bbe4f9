//! `POST /v3/words/toggle-exclude`: excluding a word from practice and including it again.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

const PATH: &str = "/v3/words/toggle-exclude";

impl TestApp {
    pub async fn post_toggle_exclude(&self, body: &Value) -> reqwest::Response {
        self.post_json(PATH, body).await
    }

    async fn toggle_exclude(&self, body: &Value) -> Value {
        let body = json_body(self.post_toggle_exclude(body).await, StatusCode::OK).await;
        assert_client_decodes("POST", PATH, &body);
        body
    }

    async fn is_known(&self, word_id: i64) -> bool {
        let id = i32::try_from(word_id).expect("small id");
        self.db
            .query_one("SELECT is_known FROM saved_words WHERE id = $1", &[&id])
            .await
            .expect("read is_known")
            .get(0)
    }
}

#[tokio::test]
async fn a_saved_word_is_excluded_then_included_with_its_previous_status() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "obvious").await;

    let excluded = app
        .toggle_exclude(&json!({"user_id": user_id, "word": "Obvious", "excluded": true}))
        .await;
    let known_after_exclude = app.is_known(word_id).await;
    let included = app
        .toggle_exclude(&json!({
            "user_id": user_id, "word": "obvious", "excluded": false,
            "learning_language": "en", "native_language": "zh",
        }))
        .await;

    assert_eq!(
        excluded,
        json!({"success": true, "word_id": word_id.to_string(), "word": "obvious",
               "is_excluded": true, "previous_status": false,
               "message": "Word excluded from practice"})
    );
    assert!(known_after_exclude);
    assert_eq!(included["previous_status"], true);
    assert_eq!(included["is_excluded"], false);
    assert_eq!(included["message"], "Word included in practice");
    assert!(!app.is_known(word_id).await);
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 1);
}

#[tokio::test]
async fn an_unsaved_word_is_saved_with_the_flag_in_the_preferred_languages() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.post_preferences(
        &user_id,
        &json!({"learning_language": "fr", "native_language": "en"}),
    )
    .await;

    let body = app
        .toggle_exclude(&json!({"user_id": user_id, "word": "chat", "excluded": true}))
        .await;

    assert_eq!(body["previous_status"], false);
    assert_eq!(body["message"], "Word saved and excluded from practice");
    let row = app
        .db
        .query_one(
            "SELECT id, learning_language, native_language, is_known FROM saved_words",
            &[],
        )
        .await
        .expect("the saved word");
    assert_eq!(body["word_id"], row.get::<_, i32>(0).to_string());
    assert_eq!(
        (
            row.get::<_, String>(1),
            row.get::<_, String>(2),
            row.get::<_, bool>(3)
        ),
        ("fr".to_owned(), "en".to_owned(), true)
    );
}

#[tokio::test]
async fn a_word_id_must_be_one_of_the_users_words() {
    let app = spawn_app().await;
    let owner = new_user_id();
    let word_id = app.save_word(&owner, "mine").await;
    let stranger = new_user_id();
    app.save_word(&stranger, "theirs").await;

    let by_id = app
        .toggle_exclude(&json!({"user_id": owner, "word_id": word_id, "excluded": true}))
        .await;
    let other_users = app
        .post_toggle_exclude(&json!({"user_id": stranger, "word_id": word_id, "excluded": false}))
        .await;
    let unknown = app
        .post_toggle_exclude(&json!({"user_id": owner, "word_id": 987654, "excluded": true}))
        .await;
    let wrong_word = app
        .post_toggle_exclude(
            &json!({"user_id": owner, "word_id": word_id, "word": "other", "excluded": true}),
        )
        .await;

    assert_eq!(by_id["word"], "mine");
    assert_eq!(
        error_body(other_users, StatusCode::NOT_FOUND, "another user's word").await,
        format!("Word with ID {word_id} not found in saved words")
    );
    error_body(unknown, StatusCode::NOT_FOUND, "unknown id").await;
    error_body(wrong_word, StatusCode::NOT_FOUND, "id and word disagree").await;
    assert!(
        app.is_known(word_id).await,
        "the other user changed nothing"
    );
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 2);
}

#[tokio::test]
async fn an_unknown_user_is_a_404_and_nothing_is_stored() {
    let app = spawn_app().await;

    let response = app
        .post_toggle_exclude(&json!({
            "user_id": new_user_id(), "word": "ghost", "excluded": true,
            "learning_language": "en", "native_language": "zh",
        }))
        .await;

    assert_eq!(
        error_body(response, StatusCode::NOT_FOUND, "unknown user").await,
        "User not found"
    );
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
}

#[tokio::test]
async fn toggle_exclude_rejects_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let user = new_user_id();
    let cases = [
        (json!({"word": "a", "excluded": true}), "user_id"),
        (
            json!({"user_id": "nope", "word": "a", "excluded": true}),
            "user_id",
        ),
        (json!({"user_id": user, "excluded": true}), "word"),
        (
            json!({"user_id": user, "word": "  ", "excluded": true}),
            "word",
        ),
        (
            json!({"user_id": user, "word": 5, "excluded": true}),
            "word",
        ),
        (json!({"user_id": user, "word": "a"}), "excluded"),
        (
            json!({"user_id": user, "word": "a", "excluded": 1}),
            "excluded",
        ),
        (
            json!({"user_id": user, "word": "a", "excluded": "true"}),
            "excluded",
        ),
        (
            json!({"user_id": user, "word": "a", "excluded": true, "learning_language": "xx"}),
            "learning_language",
        ),
        (
            json!({"user_id": user, "word": "a", "excluded": true, "native_language": 3}),
            "native_language",
        ),
        (
            json!({"user_id": user, "word_id": "abc", "excluded": true}),
            "word_id",
        ),
        (
            json!({"user_id": user, "word_id": 0, "excluded": true}),
            "word_id",
        ),
        (
            json!({"user_id": user, "word_id": 2147483648_i64, "excluded": true}),
            "word_id",
        ),
    ];

    for (body, field) in cases {
        let message = error_body(
            app.post_toggle_exclude(&body).await,
            StatusCode::BAD_REQUEST,
            &body.to_string(),
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    error_body(
        app.post_raw(PATH, "{not json").await,
        StatusCode::BAD_REQUEST,
        "bad JSON",
    )
    .await;
    error_body(
        app.post_raw(PATH, "[1]").await,
        StatusCode::BAD_REQUEST,
        "not an object",
    )
    .await;
    error_body(app.get(PATH).await, StatusCode::METHOD_NOT_ALLOWED, "GET").await;
}
