use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::contract::{Client, assert_client_decodes, assert_client_decodes_as};
use crate::helpers::{error_body, json_body, new_user_id, spawn_app};

const PATHS: [&str; 2] = ["/v3/analytics/track", "/analytics/track"];

#[tokio::test]
async fn both_paths_track_an_event_and_create_the_unknown_user() {
    let app = spawn_app().await;

    for path in PATHS {
        // Arrange
        let user_id = new_user_id();
        let session = Uuid::new_v4().to_string().to_uppercase();

        // Act
        let response = app
            .post_json(
                path,
                &json!({
                    "user_id": user_id,
                    "action": "nav_tab_review",
                    "metadata": {"tab": "review", "count": 3},
                    "session_id": session,
                    "platform": "ios",
                    "app_version": "4.2.1",
                }),
            )
            .await;

        // Assert
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("POST", path, &body);
        if path == "/analytics/track" {
            // The unversioned path is the one the previous app version posts to.
            assert_client_decodes_as(Client::Main, "POST", path, &body);
        }
        assert_eq!(body, json!({"success": true, "message": "Action tracked"}));
        let user: Uuid = user_id.parse().expect("a UUID");
        let row = app
            .db
            .query_one(
                "SELECT action, category, metadata, session_id, platform, app_version \
                 FROM user_actions WHERE user_id = $1",
                &[&user],
            )
            .await
            .expect("one action row");
        assert_eq!(row.get::<_, String>(0), "nav_tab_review", "{path}");
        assert_eq!(
            row.get::<_, String>(1),
            "nav",
            "{path}: category is the prefix"
        );
        assert_eq!(row.get::<_, Value>(2), json!({"tab": "review", "count": 3}));
        assert_eq!(row.get::<_, Option<String>>(3), Some(session));
        assert_eq!(row.get::<_, String>(4), "ios");
        assert_eq!(row.get::<_, Option<String>>(5), Some("4.2.1".to_owned()));
        let users = app
            .db
            .query_one(
                "SELECT count(*) FROM user_preferences WHERE user_id = $1",
                &[&user],
            )
            .await
            .expect("count users")
            .get::<_, i64>(0);
        assert_eq!(users, 1, "{path}: the user was created");
    }
}

#[tokio::test]
async fn optional_fields_default_and_a_known_user_is_kept() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let response = app
        .post_preferences(
            &user_id,
            &json!({"learning_language": "es", "native_language": "de", "user_name": "Ana"}),
        )
        .await;
    json_body(response, StatusCode::OK).await;

    let response = app
        .post_json(
            "/v3/analytics/track",
            &json!({"user_id": user_id, "action": "app_launch", "session_id": " "}),
        )
        .await;
    json_body(response, StatusCode::OK).await;

    let row = app
        .db
        .query_one(
            "SELECT category, metadata, session_id, platform, app_version FROM user_actions",
            &[],
        )
        .await
        .expect("one action row");
    assert_eq!(row.get::<_, String>(0), "app");
    assert_eq!(row.get::<_, Value>(1), json!({}));
    assert_eq!(row.get::<_, Option<String>>(2), None, "blank is absent");
    assert_eq!(row.get::<_, String>(3), "ios", "platform defaults to ios");
    assert_eq!(row.get::<_, Option<String>>(4), None);
    let prefs = app
        .db
        .query_one(
            "SELECT user_name, learning_language FROM user_preferences",
            &[],
        )
        .await
        .expect("one user");
    assert_eq!(prefs.get::<_, String>(0), "Ana");
    assert_eq!(prefs.get::<_, String>(1), "es");
}

#[tokio::test]
async fn any_action_is_accepted_up_to_the_column_limits() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let response = app
        .post_json(
            "/v3/analytics/track",
            &json!({
                "user_id": user_id,
                "action": "x".repeat(50),
                "session_id": "s".repeat(100),
                "platform": "p".repeat(20),
                "app_version": "9".repeat(20),
            }),
        )
        .await;
    json_body(response, StatusCode::OK).await;

    let category: String = app
        .db
        .query_one("SELECT category FROM user_actions", &[])
        .await
        .expect("one action row")
        .get(0);
    assert_eq!(
        category,
        "x".repeat(30),
        "a category is cut to 30 characters"
    );
}

#[tokio::test]
async fn tracking_returns_a_400_naming_the_field_for_invalid_input() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let base = json!({"user_id": user_id, "action": "app_launch"});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (
            json!({"action": "app_launch"}),
            "user_id",
            "missing user_id",
        ),
        (
            with("user_id", json!("123")),
            "user_id",
            "malformed user_id",
        ),
        (json!({"user_id": user_id}), "action", "missing action"),
        (with("action", json!("  ")), "action", "blank action"),
        (
            with("action", json!("a".repeat(51))),
            "action",
            "action of 51",
        ),
        (
            with("session_id", json!("s".repeat(101))),
            "session_id",
            "session of 101",
        ),
        (
            with("platform", json!("p".repeat(21))),
            "platform",
            "platform of 21",
        ),
        (
            with("app_version", json!("1".repeat(21))),
            "app_version",
            "version of 21",
        ),
        (
            with("metadata", json!("text")),
            "metadata",
            "metadata not an object",
        ),
        (
            with("platform", json!(5)),
            "platform",
            "platform not a string",
        ),
    ];
    for path in PATHS {
        for (body, field, description) in &cases {
            let response = app.post_json(path, body).await;
            let case = format!("{path}: {description}");
            let message = error_body(response, StatusCode::BAD_REQUEST, &case).await;
            assert!(message.contains(field), "{case}: {message}");
        }
        error_body(
            app.post_raw(path, "{oops").await,
            StatusCode::BAD_REQUEST,
            "bad JSON",
        )
        .await;
        error_body(
            app.request(Method::GET, path).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "GET",
        )
        .await;
    }
    assert_eq!(app.count("SELECT count(*) FROM user_actions").await, 0);
}
