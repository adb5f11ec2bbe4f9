//! Every operator route: 404 when no `admin_token` is configured, 401 (with
//! `WWW-Authenticate: Bearer`) for a missing or wrong token, leaving the data alone, and
//! never echoing a token.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_TOKEN, TestApp, error_body, json_body, new_user_id, spawn_admin_app, spawn_app,
};

fn routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::POST, "/fix_next_review_dates", Some(json!({}))),
        (Method::POST, "/v3/fix_next_review_dates", Some(json!({}))),
        (Method::POST, "/v3/test-prep/run-daily-job", Some(json!({}))),
        (
            Method::POST,
            "/v3/test-prep/batch-populate",
            Some(json!({"bundle": "DEMO", "words": ["intruder"]})),
        ),
        (
            Method::POST,
            "/v3/admin/videos/batch-upload",
            Some(json!({"videos": [{
                "slug": "clip", "name": "clip", "video_data_base64": "AAEC",
                "word_mappings": [{"word": "intruder"}],
            }]})),
        ),
        (
            Method::GET,
            "/v3/admin/bundles/demo/words-needing-videos",
            None,
        ),
        (Method::GET, "/usage", None),
        (Method::GET, "/v3/usage", None),
        (Method::GET, "/api/usage", None),
    ]
}

fn other_method(method: &Method) -> Method {
    if *method == Method::GET {
        Method::POST
    } else {
        Method::GET
    }
}

/// Row counts of every table an operator route writes, and the test-prep user's
/// serving day.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "saved_words",
        "bundle_vocabularies",
        "videos",
        "word_to_video",
        "reviews",
    ] {
        counts.push(app.count(&format!("SELECT count(*) FROM {table}")).await);
    }
    counts.push(
        app.count("SELECT count(*) FROM user_preferences WHERE last_test_words_added IS NOT NULL")
            .await,
    );
    counts.push(
        app.count("SELECT count(*) FROM reviews WHERE next_review_date = '2000-01-01 00:00:00'")
            .await,
    );
    counts
}

/// A user preparing for DEMO with one demo word in the bundle, and one review whose
/// next review date is wrong: something for each route to change.
async fn arrange(app: &TestApp) {
    let user = new_user_id();
    json_body(
        app.post_preferences(
            &user,
            &json!({"learning_language": "en", "native_language": "zh",
                    "test_prep": "DEMO", "study_duration_days": 30}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.review(&user, "existing", true).await;
    app.db
        .batch_execute(
            "INSERT INTO bundle_vocabularies (word, language, is_demo) VALUES ('demoword', 'en', true);
             UPDATE reviews SET next_review_date = '2000-01-01 00:00:00';",
        )
        .await
        .expect("arrange");
}

#[tokio::test]
async fn without_a_configured_token_every_operator_route_is_not_found() {
    let app = spawn_app().await;
    arrange(&app).await;
    let before = snapshot(&app).await;
    for (method, path, body) in routes() {
        for token in [None, Some(ADMIN_TOKEN), Some("")] {
            let response = app
                .admin_request(method.clone(), path, token, body.as_ref())
                .await;
            let case = format!("{method} {path} with {token:?}");
            let message = error_body(response, StatusCode::NOT_FOUND, &case).await;
            assert_eq!(message, "Not found", "{case}");
        }
        // Another method is not revealed either.
        let other = other_method(&method);
        let response = app.admin_request(other.clone(), path, None, None).await;
        error_body(response, StatusCode::NOT_FOUND, &format!("{other} {path}")).await;
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_and_changes_nothing() {
    let app = spawn_admin_app().await;
    arrange(&app).await;
    let before = snapshot(&app).await;
    let wrong = format!("{ADMIN_TOKEN}x");
    for (method, path, body) in routes() {
        for token in [None, Some("wrong-token"), Some(wrong.as_str()), Some("")] {
            let response = app
                .admin_request(method.clone(), path, token, body.as_ref())
                .await;
            let case = format!("{method} {path} with {token:?}");
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer"),
                "{case}"
            );
            let message = error_body(response, StatusCode::UNAUTHORIZED, &case).await;
            assert!(
                !message.contains(ADMIN_TOKEN) && !message.contains("wrong-token"),
                "{case}: {message}"
            );
        }
        // A basic-auth header carrying the token is not a bearer token.
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .basic_auth("admin", Some(ADMIN_TOKEN))
            .send()
            .await
            .expect("send");
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} basic"
        );
        // Nor does another method reveal the route.
        let other = other_method(&method);
        let response = app.admin_request(other.clone(), path, None, None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{other} {path}"
        );
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");

    // The refusals are still recorded in the usage log, with their status.
    let refused = app
        .count_reaching(
            "SELECT count(*) FROM api_usage_logs WHERE endpoint = '/v3/test-prep/run-daily-job' \
             AND response_status = 401",
            6,
        )
        .await;
    assert_eq!(
        refused, 6,
        "four tokens, a basic-auth header, another method"
    );
}

#[tokio::test]
async fn the_right_token_opens_every_route_and_other_methods_get_405() {
    let app = spawn_admin_app().await;
    for (method, path, body) in routes() {
        let response = app
            .admin_request(method.clone(), path, Some(ADMIN_TOKEN), body.as_ref())
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{method} {path}");

        let other = other_method(&method);
        let response = app
            .admin_request(other.clone(), path, Some(ADMIN_TOKEN), None)
            .await;
        let allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        error_body(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{other} {path}"),
        )
        .await;
        assert_eq!(allow, method.as_str(), "{other} {path}");
    }
}
