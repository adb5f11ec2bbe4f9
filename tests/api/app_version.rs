use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::contract::assert_client_decodes;
use crate::helpers::{error_body, json_body, spawn_app, spawn_app_with_variables};

const FORCE_MESSAGE: &str = "This version of dogetionary is no longer supported. \
                             Please update to the latest version to keep learning.";

#[tokio::test]
async fn ios_versions_are_compared_with_the_configured_minimum_and_latest() {
    let app = spawn_app().await;
    // Defaults from spin.toml: minimum 1.0.0, latest 5.0.0.
    let cases = [
        ("0.9.9", "upgrade_required"),
        ("1.0.0", "upgrade_recommended"),
        ("1", "upgrade_recommended"),
        ("4.10", "upgrade_recommended"),
        ("5.0.0", "ok"),
        ("5.0.1", "ok"),
        ("10.0", "ok"),
    ];
    for (version, status) in cases {
        let response = app
            .get_app_version(&format!("platform=ios&version={version}"))
            .await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/app-version", &body);
        assert_eq!(body["status"], status, "version {version}");
        assert_eq!(body["min_version"], "1.0.0");
        assert_eq!(body["latest_version"], "5.0.0");
        assert_eq!(
            body["upgrade_url"],
            "https://apps.apple.com/app/dogetionary"
        );
        match status {
            "upgrade_required" => assert_eq!(body["message"], FORCE_MESSAGE),
            "upgrade_recommended" => assert!(body["message"].is_string(), "{body}"),
            _ => assert!(body.get("message").is_none(), "{body}"),
        }
    }
}

#[tokio::test]
async fn versions_compare_numerically_with_configured_variables() {
    let app = spawn_app_with_variables(&[
        ("ios_min_version", "1.9"),
        ("ios_latest_version", "1.10.0"),
        ("ios_app_store_url", "https://apps.apple.com/app/id123"),
        ("force_upgrade_message", "Please update"),
    ])
    .await;
    let cases = [
        ("1.8.9", "upgrade_required"),
        ("1.9", "upgrade_recommended"),
        ("1.9.5", "upgrade_recommended"),
        ("1.10", "ok"),
        ("1.11.0", "ok"),
    ];
    for (version, status) in cases {
        let response = app
            .get_app_version(&format!("platform=iOS&version={version}"))
            .await;
        let body = json_body(response, StatusCode::OK).await;
        assert_client_decodes("GET", "/v3/app-version", &body);
        assert_eq!(body["status"], status, "version {version}");
        assert_eq!(body["min_version"], "1.9");
        assert_eq!(body["latest_version"], "1.10.0");
        assert_eq!(body["upgrade_url"], "https://apps.apple.com/app/id123");
        if status == "upgrade_required" {
            assert_eq!(body["message"], "Please update");
        }
    }
}

#[tokio::test]
async fn other_platforms_have_no_requirements() {
    let app = spawn_app().await;

    let response = app.get_app_version("platform=android&version=0.1").await;

    let body = json_body(response, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/app-version", &body);
    assert_eq!(body["status"], "ok");
    assert!(body["message"].is_string(), "{body}");
    assert!(body.get("min_version").is_none(), "{body}");
}

#[tokio::test]
async fn a_misconfigured_version_fails_open() {
    let app = spawn_app_with_variables(&[("ios_min_version", "banana")]).await;

    let response = app.get_app_version("platform=ios&version=0.1").await;

    let body = json_body(response, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/app-version", &body);
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn missing_or_unparsable_parameters_are_a_400_naming_them() {
    let app = spawn_app().await;
    let cases = [
        ("version=1.0", "platform", "missing platform"),
        ("platform=&version=1.0", "platform", "empty platform"),
        ("platform=ios", "version", "missing version"),
        ("platform=ios&version=", "version", "empty version"),
        ("platform=ios&version=abc", "version", "letters"),
        (
            "platform=ios&version=1.2-beta",
            "version",
            "pre-release suffix",
        ),
        ("platform=ios&version=1..2", "version", "empty part"),
        ("", "platform", "nothing"),
    ];
    for (query, field, description) in cases {
        let response = app.get_app_version(query).await;
        let message = error_body(response, StatusCode::BAD_REQUEST, description).await;
        assert!(message.contains(field), "{description}: {message}");
    }
    error_body(
        app.request(Method::POST, "/v3/app-version?platform=ios&version=1.0")
            .await,
        StatusCode::METHOD_NOT_ALLOWED,
        "POST",
    )
    .await;
}

#[tokio::test]
async fn a_version_check_is_recorded_in_the_usage_log() {
    let app = spawn_app().await;

    app.get_app_version("platform=ios&version=5.0.0").await;

    let rows = app.usage_rows("/v3/app-version", 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, i32>("response_status"), 200);
}
