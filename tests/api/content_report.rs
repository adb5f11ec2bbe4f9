use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::contract::assert_client_decodes;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};

fn report(user_id: &str) -> Value {
    json!({
        "user_id": user_id,
        "word": "Serendipity",
        "learning_language": "en",
        "native_language": "zh",
        "question_type": "video_mc",
        "report_type": "Incorrect",
        "video_id": 7,
    })
}

async fn report_id(app: &TestApp, body: &Value) -> i64 {
    let response = app.post_content_report(body).await;
    let body = json_body(response, StatusCode::OK).await;
    assert_client_decodes("POST", "/v3/content/report", &body);
    assert_eq!(body["success"], true);
    assert_eq!(
        body["message"],
        "Thank you for your report. We'll review it soon."
    );
    body["report_id"].as_i64().expect("report_id is an integer")
}

#[tokio::test]
async fn a_report_is_committed_and_creates_the_unknown_user() {
    // Arrange
    let app = spawn_app().await;
    let user_id = new_user_id();
    let mut body = report(&user_id);
    body["comment"] = json!("The answer should be B");

    // Act
    let id = report_id(&app, &body).await;

    // Assert: read back through another connection, so only a committed row is seen.
    let row = app
        .db
        .query_one(
            "SELECT id, user_id, word, learning_language, native_language, question_type, \
             report_type, video_id, comment, status FROM reported_content",
            &[],
        )
        .await
        .expect("the report was committed");
    assert_eq!(i64::from(row.get::<_, i32>(0)), id);
    assert_eq!(
        row.get::<_, Uuid>(1),
        user_id.parse::<Uuid>().expect("a UUID")
    );
    assert_eq!(row.get::<_, String>(2), "serendipity");
    assert_eq!(row.get::<_, String>(3), "en");
    assert_eq!(row.get::<_, String>(4), "zh");
    assert_eq!(row.get::<_, String>(5), "video_mc");
    assert_eq!(row.get::<_, String>(6), "Incorrect");
    assert_eq!(row.get::<_, Option<i32>>(7), Some(7));
    assert_eq!(
        row.get::<_, Option<String>>(8).as_deref(),
        Some("The answer should be B")
    );
    assert_eq!(row.get::<_, String>(9), "pending");
    assert_eq!(app.count("SELECT count(*) FROM user_preferences").await, 1);
}

#[tokio::test]
async fn reporting_again_updates_the_same_report() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let mut first = report(&user_id);
    first["comment"] = json!("first comment");
    let id = report_id(&app, &first).await;
    app.db
        .execute(
            "UPDATE reported_content SET reported_at = reported_at - interval '2 days'",
            &[],
        )
        .await
        .expect("age the report");

    // The same question and reason, without a comment: the comment is kept.
    let mut again = report(&user_id);
    again["report_type"] = json!("incorrect");
    let again_id = report_id(&app, &again).await;
    assert_eq!(again_id, id);
    let row = app
        .db
        .query_one(
            "SELECT comment, reported_at > (now() AT TIME ZONE 'utc') - interval '1 hour' \
             FROM reported_content",
            &[],
        )
        .await
        .expect("one report");
    assert_eq!(
        row.get::<_, Option<String>>(0).as_deref(),
        Some("first comment")
    );
    assert!(row.get::<_, bool>(1), "reported_at was renewed");

    // A new comment replaces the old one.
    let mut commented = report(&user_id);
    commented["comment"] = json!("second comment");
    assert_eq!(report_id(&app, &commented).await, id);
    let comment: Option<String> = app
        .db
        .query_one("SELECT comment FROM reported_content", &[])
        .await
        .expect("one report")
        .get(0);
    assert_eq!(comment.as_deref(), Some("second comment"));

    // Another reason is another report.
    let mut other = report(&user_id);
    other["report_type"] = json!("Inappropriate");
    assert_ne!(report_id(&app, &other).await, id);
    assert_eq!(app.count("SELECT count(*) FROM reported_content").await, 2);
}

#[tokio::test]
async fn every_report_type_is_accepted_and_video_id_and_comment_are_optional() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    for report_type in ["Inappropriate", "Incorrect", "Copyright", "Other"] {
        report_id(
            &app,
            &json!({
                "user_id": user_id,
                "word": "hello",
                "learning_language": "en",
                "native_language": "ja",
                "question_type": "mc_definition",
                "report_type": report_type,
            }),
        )
        .await;
    }

    assert_eq!(
        app.count(
            "SELECT count(*) FROM reported_content WHERE video_id IS NULL AND comment IS NULL"
        )
        .await,
        4
    );
}

#[tokio::test]
async fn a_report_returns_a_400_naming_the_field_for_invalid_input() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let with = |field: &str, value: Value| {
        let mut body = report(&user_id);
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = report(&user_id);
        body.as_object_mut().expect("an object").remove(field);
        body
    };
    let cases = [
        (without("user_id"), "user_id", "missing user_id"),
        (
            with("user_id", json!("nope")),
            "user_id",
            "malformed user_id",
        ),
        (without("word"), "word", "missing word"),
        (with("word", json!(" ")), "word", "blank word"),
        (
            without("learning_language"),
            "learning_language",
            "missing learning_language",
        ),
        (
            with("native_language", json!("xx")),
            "native_language",
            "unsupported language",
        ),
        (
            without("question_type"),
            "question_type",
            "missing question_type",
        ),
        (
            with("question_type", json!("q".repeat(51))),
            "question_type",
            "question_type of 51",
        ),
        (without("report_type"), "report_type", "missing report_type"),
        (
            with("report_type", json!("Spam")),
            "report_type",
            "unknown report_type",
        ),
        (
            with("video_id", json!("seven")),
            "video_id",
            "video_id not an integer",
        ),
        (with("video_id", json!(-1)), "video_id", "negative video_id"),
        (
            with("comment", json!("c".repeat(1001))),
            "comment",
            "comment of 1001",
        ),
        (
            with("comment", json!(12)),
            "comment",
            "comment not a string",
        ),
    ];
    for (body, field, description) in cases {
        let response = app.post_content_report(&body).await;
        let message = error_body(response, StatusCode::BAD_REQUEST, description).await;
        assert!(message.contains(field), "{description}: {message}");
    }
    error_body(
        app.post_raw("/v3/content/report", "[]").await,
        StatusCode::BAD_REQUEST,
        "array body",
    )
    .await;
    error_body(
        app.request(Method::GET, "/v3/content/report").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "GET",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM reported_content").await, 0);
}
