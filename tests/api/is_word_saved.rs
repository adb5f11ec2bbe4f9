//! `GET /v3/is-word-saved`: whether a user saved a word, and its id.

use reqwest::StatusCode;
use serde_json::json;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

impl TestApp {
    /// `query` is appended verbatim, the way the iOS client builds URLs.
    pub async fn get_is_word_saved(&self, query: &str) -> reqwest::Response {
        self.get(&format!("/v3/is-word-saved?{query}")).await
    }

    async fn is_word_saved(&self, query: &str) -> serde_json::Value {
        let body = json_body(self.get_is_word_saved(query).await, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/is-word-saved", &body);
        body
    }
}

#[tokio::test]
async fn a_saved_word_is_found_whatever_its_case_and_spacing() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "serendipity").await;

    for word in ["serendipity", "Serendipity", "%20SERENDIPITY%20"] {
        let body = app
            .is_word_saved(&format!(
                "user_id={user_id}&word={word}&learning_lang=en&native_lang=zh"
            ))
            .await;
        assert_eq!(
            body,
            json!({"is_saved": true, "saved_word_id": word_id}),
            "{word}"
        );
    }
}

#[tokio::test]
async fn without_languages_any_pair_counts_and_with_them_only_that_pair() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let word_id = app.save_word(&user_id, "gift").await; // en -> zh

    let any = app
        .is_word_saved(&format!("user_id={user_id}&word=gift"))
        .await;
    let other_pair = app
        .is_word_saved(&format!(
            "user_id={user_id}&word=gift&learning_lang=de&native_lang=en"
        ))
        .await;

    assert_eq!(any, json!({"is_saved": true, "saved_word_id": word_id}));
    assert_eq!(
        other_pair,
        json!({"is_saved": false, "saved_word_id": null})
    );
}

#[tokio::test]
async fn another_users_word_or_an_unknown_user_is_not_saved() {
    let app = spawn_app().await;
    let owner = new_user_id();
    app.save_word(&owner, "private").await;

    let body = app
        .is_word_saved(&format!("user_id={}&word=private", new_user_id()))
        .await;

    assert_eq!(body, json!({"is_saved": false, "saved_word_id": null}));
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 1);
}

#[tokio::test]
async fn is_word_saved_rejects_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let user = new_user_id();
    let cases = [
        ("word=a".to_owned(), "user_id"),
        ("user_id=abc&word=a".to_owned(), "user_id"),
        (format!("user_id={user}"), "word"),
        (format!("user_id={user}&word=%20%20"), "word"),
        (
            format!("user_id={user}&word=a&learning_lang=xx&native_lang=zh"),
            "learning_lang",
        ),
        (
            format!("user_id={user}&word=a&learning_lang=en&native_lang=qq"),
            "native_lang",
        ),
        (
            format!("user_id={user}&word=a&learning_lang=en"),
            "native_lang",
        ),
        (
            format!("user_id={user}&word=a&native_lang=zh"),
            "learning_lang",
        ),
    ];

    for (query, field) in cases {
        let message = error_body(
            app.get_is_word_saved(&query).await,
            StatusCode::BAD_REQUEST,
            &query,
        )
        .await;
        assert!(message.contains(field), "{query}: {message}");
    }
    let response = app
        .request(reqwest::Method::POST, "/v3/is-word-saved")
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}
