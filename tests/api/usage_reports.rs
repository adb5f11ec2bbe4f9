//! `GET /api/usage` (JSON) and `GET /usage`, `/v3/usage` (HTML): the last 7 days of
//! `api_usage_logs` and `user_actions`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_iso_instant, json_body, new_user_id, spawn_admin_app};

fn endpoint<'a>(body: &'a Value, path: &str, method: &str) -> &'a Value {
    body["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .find(|e| e["endpoint"] == path && e["method"] == method)
        .unwrap_or_else(|| panic!("no {method} {path} in {body:#}"))
}

#[tokio::test]
async fn the_json_report_counts_calls_per_endpoint_window_and_version() {
    let app = spawn_admin_app().await;
    let user = new_user_id();
    app.get_languages().await;
    app.get_languages().await;
    app.save_word(&user, "counted").await;
    app.count_reaching("SELECT count(*) FROM api_usage_logs", 3)
        .await;
    // Older calls, written directly: two days ago (3- and 7-day windows) and ten days
    // ago (outside every window).
    app.db
        .batch_execute(
            "INSERT INTO api_usage_logs (\"timestamp\", endpoint, method, response_status, duration_ms, api_version)
             VALUES ((now() AT TIME ZONE 'utc') - interval '2 days', '/languages', 'GET', 200, 4.0, NULL),
                    ((now() AT TIME ZONE 'utc') - interval '10 days', '/languages', 'GET', 200, 4.0, NULL),
                    ((now() AT TIME ZONE 'utc') - interval '10 days', '/v3/ancient', 'GET', 200, 1.0, 'v3');",
        )
        .await
        .expect("older rows");

    let body = json_body(app.admin_get("/api/usage").await, StatusCode::OK).await;
    let languages = endpoint(&body, "/languages", "GET");
    assert_eq!(languages["api_version"], Value::Null);
    assert_eq!(languages["past_1_day"]["count"], 2);
    assert_eq!(languages["past_3_days"]["count"], 3);
    assert_eq!(languages["past_7_days"]["count"], 3);
    for window in ["past_1_day", "past_3_days", "past_7_days"] {
        assert_iso_instant(&languages[window]["last_call"], window);
    }
    assert!(languages["avg_duration_ms"].as_f64().is_some());
    let save = endpoint(&body, "/v3/save", "POST");
    assert_eq!(save["api_version"], "v3");
    assert_eq!(save["past_7_days"]["count"], 1);
    assert!(
        body["endpoints"]
            .as_array()
            .expect("endpoints")
            .iter()
            .all(|e| e["endpoint"] != "/v3/ancient"),
        "rows older than 7 days are left out"
    );

    let summary = &body["summary"];
    // /languages, POST /v3/save (and nothing else was called before this report).
    assert_eq!(summary["total_endpoints"], 2);
    assert_eq!(summary["total_calls_7d"], 4);
    assert_eq!(summary["unique_users_7d"], 1);
    assert!(summary["avg_duration_ms"].as_f64().is_some());
    let versions = body["version_breakdown"].as_array().expect("versions");
    let unversioned = versions
        .iter()
        .find(|v| v["version"] == "unversioned")
        .expect("unversioned");
    assert_eq!(unversioned["call_count"], 3);
    assert_eq!(unversioned["endpoint_count"], 1);
    assert_iso_instant(&unversioned["last_call"], "last_call");
    let v3 = versions.iter().find(|v| v["version"] == "v3").expect("v3");
    assert_eq!(v3["call_count"], 1);

    // The report itself is recorded (after it answered).
    app.usage_rows("/api/usage", 1).await;
    let again = json_body(app.admin_get("/api/usage").await, StatusCode::OK).await;
    assert_eq!(
        endpoint(&again, "/api/usage", "GET")["past_1_day"]["count"],
        1
    );
}

#[tokio::test]
async fn the_dashboard_is_html_with_every_stored_value_escaped() {
    let app = spawn_admin_app().await;
    let user = new_user_id();
    app.save_word(&user, "visible").await;
    app.usage_rows("/v3/save", 1).await;
    app.db
        .execute(
            "INSERT INTO api_usage_logs (\"timestamp\", endpoint, method, response_status, duration_ms) \
             VALUES ((now() AT TIME ZONE 'utc'), '/v3/<script>alert(1)</script>', 'GET', 404, 1.0)",
            &[],
        )
        .await
        .expect("hostile path");
    let user_uuid: uuid::Uuid = user.parse().expect("uuid");
    app.db
        .execute(
            "INSERT INTO user_actions (user_id, action, category) \
             VALUES ($1, '<img src=x onerror=alert(2)>', 'nav&\"tab')",
            &[&user_uuid],
        )
        .await
        .expect("hostile action");

    for path in ["/usage", "/v3/usage"] {
        let response = app.admin_get(path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = response.text().await.expect("body");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("/v3/save"), "endpoint listed");
        assert!(html.contains("/v3/&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(html.contains("nav&amp;&quot;tab"));
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
    }
    assert_eq!(app.usage_rows("/v3/usage", 1).await.len(), 1);
}
