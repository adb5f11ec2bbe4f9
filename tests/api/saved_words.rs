use reqwest::StatusCode;

use crate::helpers::{assert_iso_instant, error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn a_new_user_has_no_saved_words() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let body = json_body(
        app.get_saved_words(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["user_id"], user_id.as_str());
    assert_eq!(body["saved_words"], serde_json::json!([]));
    assert_eq!(body["count"], 0);
    assert_eq!(body["due_only"], false);
}

#[tokio::test]
async fn saved_words_carry_every_field_the_client_decodes() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let reviewed_id = app.save_word(&user_id, "alpha").await;
    let fresh_id = app.save_word(&user_id, "beta").await;
    app.review(&user_id, "alpha", true).await;
    app.review(&user_id, "alpha", false).await;

    let body = json_body(
        app.get_saved_words(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["count"], 2);
    let words = body["saved_words"].as_array().expect("saved_words array");
    let fresh = &words[0];
    let reviewed = &words[1];
    assert_eq!(fresh["id"], fresh_id, "ordered by next review date: {body}");
    assert_eq!(reviewed["id"], reviewed_id);

    for word in words {
        for field in ["word", "learning_language", "native_language"] {
            assert!(word[field].is_string(), "{field}: {word}");
        }
        assert_iso_instant(&word["created_at"], "created_at");
        assert_iso_instant(&word["next_review_date"], "next_review_date");
        assert_eq!(word["is_known"], false);
        for field in [
            "review_count",
            "correct_reviews",
            "incorrect_reviews",
            "word_progress_level",
            "interval_days",
        ] {
            assert!(word[field].is_i64(), "{field} is not an integer: {word}");
        }
        for field in ["is_toefl", "is_ielts", "is_demo"] {
            assert!(
                word[field].is_null() || word[field].is_boolean(),
                "{field}: {word}"
            );
        }
    }
    assert_eq!(fresh["review_count"], 0);
    assert_eq!(fresh["word_progress_level"], 0);
    assert!(fresh["last_reviewed_at"].is_null());
    assert_eq!(reviewed["review_count"], 2);
    assert_eq!(reviewed["correct_reviews"], 1);
    assert_eq!(reviewed["incorrect_reviews"], 1);
    assert_eq!(
        reviewed["word_progress_level"], 1,
        "one correct review ever: level 1"
    );
    assert_iso_instant(&reviewed["last_reviewed_at"], "last_reviewed_at");
}

#[tokio::test]
async fn progress_level_rises_with_recent_error_free_reviews() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.save_word(&user_id, "gamma").await;
    app.review(&user_id, "gamma", true).await;
    app.review(&user_id, "gamma", true).await;
    app.review(&user_id, "gamma", true).await;

    let body = json_body(
        app.get_saved_words(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(
        body["saved_words"][0]["word_progress_level"], 3,
        "3 correct in 6 days, no errors"
    );
}

#[tokio::test]
async fn due_only_keeps_just_the_words_due_today() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.save_word(&user_id, "old").await;
    app.travel_forward(&user_id, 2).await;
    app.save_word(&user_id, "new").await;

    let due = json_body(
        app.get_saved_words(&format!("user_id={user_id}&due_only=true"))
            .await,
        StatusCode::OK,
    )
    .await;
    let all = json_body(
        app.get_saved_words(&format!("user_id={user_id}&due_only=false"))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(due["due_only"], true);
    assert_eq!(due["count"], 1);
    assert_eq!(due["saved_words"][0]["word"], "old");
    assert_eq!(all["count"], 2);
}

#[tokio::test]
async fn a_lower_case_user_id_finds_the_same_words() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.save_word(&user_id, "case").await;

    let body = json_body(
        app.get_saved_words(&format!("user_id={}", user_id.to_lowercase()))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["count"], 1);
}

#[tokio::test]
async fn saved_words_rejects_invalid_queries_with_400() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let cases = [
        (String::new(), "no user_id"),
        ("user_id=".to_owned(), "empty user_id"),
        ("user_id=12345".to_owned(), "user_id not a UUID"),
        (
            format!("user_id={user_id}&due_only=maybe"),
            "due_only not a boolean",
        ),
    ];

    for (query, case) in cases {
        error_body(
            app.get_saved_words(&query).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
    }
}
