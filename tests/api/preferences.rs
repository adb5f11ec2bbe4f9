use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{error_body, json_body, new_user_id, spawn_app};

#[tokio::test]
async fn get_preferences_creates_an_unknown_user_with_defaults() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let first = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;
    let second = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;

    assert_eq!(first["user_id"], user_id.as_str());
    assert_eq!(first["learning_language"], "en");
    assert_eq!(first["native_language"], "zh");
    assert!(first["test_prep"].is_null());
    for field in ["user_name", "user_motto"] {
        let value = first[field].as_str().unwrap_or_default();
        assert!(!value.is_empty(), "{field} is empty: {first}");
    }
    assert_eq!(
        first["user_name"], second["user_name"],
        "name changed between calls"
    );
    assert_eq!(first["user_motto"], second["user_motto"]);
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 1);
}

#[tokio::test]
async fn the_default_profile_is_chosen_deterministically_from_the_user_id() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let first = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;

    app.db
        .execute("DELETE FROM user_preferences", &[])
        .await
        .expect("forget the user");
    let again = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;

    assert_eq!(first["user_name"], again["user_name"]);
    assert_eq!(first["user_motto"], again["user_motto"]);
}

#[tokio::test]
async fn post_preferences_stores_what_get_reads_back() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let posted = json_body(
        app.post_preferences(
            &user_id,
            &json!({
                "learning_language": "fr",
                "native_language": "en",
                "user_name": "Ada",
                "user_motto": "One word a day",
                "test_prep": "TOEFL_ADVANCED",
                "study_duration_days": 45,
                "timezone": "America/New_York",
                "daily_time_commitment_minutes": 20,
            }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let read = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;

    assert_eq!(posted["updated"], true);
    for body in [&posted, &read] {
        assert_eq!(body["user_id"], user_id.as_str());
        assert_eq!(body["learning_language"], "fr");
        assert_eq!(body["native_language"], "en");
        assert_eq!(body["user_name"], "Ada");
        assert_eq!(body["user_motto"], "One word a day");
        assert_eq!(body["test_prep"], "TOEFL_ADVANCED", "{body}");
        assert_eq!(body["study_duration_days"], 45);
        assert_eq!(body["daily_time_commitment_minutes"], 20);
    }
}

#[tokio::test]
async fn an_empty_name_or_motto_keeps_the_existing_one() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let created = json_body(app.get_preferences(&user_id).await, StatusCode::OK).await;

    let posted = json_body(
        app.post_preferences(
            &user_id,
            &json!({"learning_language": "en", "native_language": "ja", "user_name": "", "user_motto": ""}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(posted["user_name"], created["user_name"]);
    assert_eq!(posted["user_motto"], created["user_motto"]);
    assert_eq!(posted["native_language"], "ja");
}

#[tokio::test]
async fn upper_and_lower_case_user_ids_are_the_same_user() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    app.post_preferences(
        &user_id,
        &json!({"learning_language": "de", "native_language": "en"}),
    )
    .await;

    let body = json_body(
        app.get_preferences(&user_id.to_lowercase()).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["learning_language"], "de");
    assert_eq!(
        body["user_id"],
        user_id.as_str(),
        "user_id is echoed upper-case"
    );
}

#[tokio::test]
async fn post_preferences_rejects_invalid_input_with_400() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let cases = [
        (
            json!({"native_language": "en"}),
            "missing learning_language",
        ),
        (
            json!({"learning_language": "en"}),
            "missing native_language",
        ),
        (
            json!({"learning_language": "xx", "native_language": "en"}),
            "unsupported learning language",
        ),
        (
            json!({"learning_language": "en", "native_language": "klingon"}),
            "unsupported native language",
        ),
        (
            json!({"learning_language": "en", "native_language": "en"}),
            "same languages",
        ),
        (
            json!({"learning_language": 5, "native_language": "en"}),
            "language of the wrong type",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "test_prep": "SAT"}),
            "unknown test_prep",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "test_prep": "IELTS_BEGINNER"}),
            "test_prep without study_duration_days",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "test_prep": "IELTS_BEGINNER", "study_duration_days": 0}),
            "zero study days",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "daily_time_commitment_minutes": 5}),
            "commitment below 10",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "daily_time_commitment_minutes": 481}),
            "commitment above 480",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "timezone": "Not/AZone!"}),
            "bad timezone",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "target_end_date": "2001-01-01"}),
            "target date in the past",
        ),
        (
            json!({"learning_language": "en", "native_language": "zh", "target_end_date": "tomorrow"}),
            "malformed target date",
        ),
        (json!(["en", "zh"]), "body is not an object"),
    ];

    for (body, case) in cases {
        error_body(
            app.post_preferences(&user_id, &body).await,
            StatusCode::BAD_REQUEST,
            case,
        )
        .await;
    }
    let malformed = app
        .client
        .post(app.url(&format!("/v3/users/{user_id}/preferences")))
        .header("content-type", "application/json")
        .body("{\"learning_language\": ")
        .send()
        .await
        .expect("send");
    error_body(malformed, StatusCode::BAD_REQUEST, "malformed JSON").await;
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 0);
}

#[tokio::test]
async fn preferences_reject_a_user_id_that_is_not_a_uuid() {
    let app = spawn_app().await;

    error_body(
        app.get_preferences("not-a-uuid").await,
        StatusCode::BAD_REQUEST,
        "GET",
    )
    .await;
    error_body(
        app.post_preferences(
            "12345",
            &json!({"learning_language": "en", "native_language": "zh"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "POST",
    )
    .await;
}

#[tokio::test]
async fn preferences_reject_other_methods_with_405() {
    let app = spawn_app().await;

    let response = app
        .request(
            Method::DELETE,
            &format!("/v3/users/{}/preferences", new_user_id()),
        )
        .await;

    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "DELETE").await;
}
