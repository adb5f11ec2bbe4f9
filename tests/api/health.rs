use reqwest::{Method, StatusCode};

use crate::helpers::{assert_iso_instant, error_body, json_body, spawn_app, spawn_app_with_db_url};

#[tokio::test]
async fn health_reports_a_healthy_service_and_database_on_both_paths() {
    let app = spawn_app().await;

    for path in ["/health", "/v3/health"] {
        let body = json_body(app.get_health(path).await, StatusCode::OK).await;

        assert_eq!(body["status"], "healthy", "{path}");
        assert_eq!(body["database"], "ok", "{path}");
        assert_iso_instant(&body["timestamp"], "timestamp");
    }
}

#[tokio::test]
async fn health_answers_503_with_retry_after_when_the_database_is_unreachable() {
    let missing = format!(
        "postgres://postgres@127.0.0.1:5432/no_such_db_{}",
        uuid::Uuid::new_v4().simple()
    );
    let app = spawn_app_with_db_url(&missing).await;

    let response = app.get_health("/health").await;

    assert!(
        response.headers().contains_key("retry-after"),
        "503 without Retry-After"
    );
    let body = json_body(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["database"], "unavailable");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(!error.is_empty(), "no error message: {body}");
    assert!(
        !error.contains("no_such_db"),
        "raw connection text leaked to the client: {error}"
    );
}

#[tokio::test]
async fn health_rejects_other_methods_with_405() {
    let app = spawn_app().await;

    let response = app.request(Method::POST, "/health").await;

    assert!(
        response.headers().contains_key("allow"),
        "405 without Allow"
    );
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST /health").await;
}

#[tokio::test]
async fn health_requests_are_not_recorded_in_api_usage() {
    let app = spawn_app().await;

    app.get_health("/health").await;
    app.get_health("/v3/health").await;
    // A tracked request after them, whose row shows the host has written usage rows.
    app.get_languages().await;

    let rows = app
        .count_reaching("SELECT count(*) FROM api_usage_logs", 1)
        .await;
    assert_eq!(rows, 1, "only /languages is recorded");
}
