use reqwest::StatusCode;

use crate::helpers::{error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn a_new_user_has_nothing_due() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let body = json_body(
        app.get_due_counts(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["user_id"], user_id.as_str());
    assert_eq!(body["overdue_count"], 0);
    assert_eq!(body["total_count"], 0);
}

#[tokio::test]
async fn unreviewed_words_fall_due_a_day_after_they_are_saved() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.save_word(&user_id, "first").await;
    app.save_word(&user_id, "second").await;
    let query = format!("user_id={user_id}");

    let today = json_body(app.get_due_counts(&query).await, StatusCode::OK).await;
    app.travel_forward(&user_id, 1).await;
    let tomorrow = json_body(app.get_due_counts(&query).await, StatusCode::OK).await;

    assert_eq!(
        (today["overdue_count"].clone(), today["total_count"].clone()),
        (0.into(), 2.into())
    );
    assert_eq!(
        (
            tomorrow["overdue_count"].clone(),
            tomorrow["total_count"].clone()
        ),
        (2.into(), 2.into())
    );
}

#[tokio::test]
async fn known_words_are_not_counted() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.save_word(&user_id, "known").await;
    app.save_word(&user_id, "unknown").await;
    app.db
        .execute(
            "UPDATE saved_words SET is_known = true WHERE word = 'known'",
            &[],
        )
        .await
        .expect("mark known");
    app.travel_forward(&user_id, 5).await;

    let body = json_body(
        app.get_due_counts(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["overdue_count"], 1);
    assert_eq!(body["total_count"], 1);
}

#[tokio::test]
async fn due_counts_rejects_a_missing_or_malformed_user_id() {
    let app = spawn_app().await;

    for (query, case) in [
        ("", "no user_id"),
        ("user_id=abc", "not a UUID"),
        ("userid=x", "misspelled"),
    ] {
        error_body(
            app.get_due_counts(query).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
    }
}
