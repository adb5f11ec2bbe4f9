use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, spawn_app};

async fn link(app: &TestApp, word: &str, language: &str, video_id: i32) {
    app.db
        .execute(
            "INSERT INTO word_to_video (word, learning_language, video_id) VALUES ($1, $2, $3)",
            &[&word, &language, &video_id],
        )
        .await
        .expect("link word and video");
}

#[tokio::test]
async fn a_word_with_videos_reports_how_many() {
    // Arrange
    let app = spawn_app().await;
    let first = app.insert_video("clip-1", "mp4", b"one").await;
    let second = app.insert_video("clip-2", "mp4", b"two").await;
    link(&app, "hello", "en", first).await;
    link(&app, "hello", "en", second).await;
    link(&app, "hello", "es", first).await;
    link(&app, "world", "en", second).await;

    let cases = [
        ("word=hello&lang=en", "hello", 2),
        ("word=hello", "hello", 2),
        ("word=HELLO", "hello", 2),
        ("word=hello&lang=es", "hello", 1),
        ("word=world&lang=en", "world", 1),
        ("word=hello&lang=fr", "hello", 0),
        ("word=nothing", "nothing", 0),
    ];
    for (query, word, count) in cases {
        // Act
        let response = app.get(&format!("/v3/api/check-word-videos?{query}")).await;

        // Assert
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/api/check-word-videos", &body);
        assert_eq!(
            body,
            json!({"word": word, "has_videos": count > 0, "video_count": count}),
            "{query}"
        );
    }
}

#[tokio::test]
async fn check_word_videos_rejects_missing_word_and_unknown_language() {
    let app = spawn_app().await;
    let cases = [
        ("", "word", "missing word"),
        ("word=", "word", "empty word"),
        ("word=hello&lang=xx", "lang", "unsupported language"),
    ];
    for (query, field, description) in cases {
        let response = app.get(&format!("/v3/api/check-word-videos?{query}")).await;
        let message = error_body(response, StatusCode::BAD_REQUEST, description).await;
        assert!(message.contains(field), "{description}: {message}");
    }
    error_body(
        app.request(Method::POST, "/v3/api/check-word-videos?word=hello")
            .await,
        StatusCode::METHOD_NOT_ALLOWED,
        "POST",
    )
    .await;
}
