use reqwest::{Method, StatusCode};

use crate::helpers::{error_body, spawn_app, spawn_app_with_variables};

async fn html(app: &crate::helpers::TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8"),
        "{path}"
    );
    let text = response.text().await.expect("read body");
    assert!(text.starts_with("<!DOCTYPE html>"), "{path}");
    assert!(
        !text.contains("{last_updated}") && !text.contains("{support_email}"),
        "{path}"
    );
    text
}

#[tokio::test]
async fn the_privacy_policy_says_what_is_stored_on_both_paths() {
    let app = spawn_app().await;

    for path in ["/privacy", "/v3/privacy"] {
        let text = html(&app, path).await;
        assert!(text.contains("<h1>Privacy Policy</h1>"), "{path}");
        for stored in [
            "user identifier",
            "Saved words",
            "Review answers",
            "Feedback",
            "Request logs",
            "support@kwafy.com",
        ] {
            assert!(text.contains(stored), "{path} mentions {stored}");
        }
    }
    assert_eq!(app.usage_rows("/privacy", 1).await.len(), 1);
    assert_eq!(app.usage_rows("/v3/privacy", 1).await.len(), 1);
}

#[tokio::test]
async fn the_support_page_says_how_to_reach_support_on_both_paths() {
    let app = spawn_app().await;

    for path in ["/support", "/v3/support"] {
        let text = html(&app, path).await;
        assert!(text.contains("<h1>dogetionary Support</h1>"), "{path}");
        assert!(text.contains("mailto:support@kwafy.com"), "{path}");
        assert!(text.contains("Feedback"), "{path}");
    }
}

#[tokio::test]
async fn the_contact_address_comes_from_the_variable_escaped() {
    let app = spawn_app_with_variables(&[("support_email", "help+<x>@example.org")]).await;

    let text = html(&app, "/support").await;

    assert!(text.contains("mailto:help+&lt;x&gt;@example.org"), "{text}");
    assert!(!text.contains("<x>"));
}

#[tokio::test]
async fn pages_only_answer_get() {
    let app = spawn_app().await;

    for path in ["/privacy", "/v3/support"] {
        let response = app.request(Method::POST, path).await;
        error_body(response, StatusCode::METHOD_NOT_ALLOWED, path).await;
    }
}
