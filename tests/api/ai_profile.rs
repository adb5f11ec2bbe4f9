//! `GET /v3/users/{id}/preferences` with an AI provider: a user created by this request
//! gets a generated name and motto; the deterministic default when the provider fails.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::contract::{Client, assert_client_decodes, assert_client_decodes_as};
use crate::fake_provider::FakeProvider;
use crate::helpers::{json_body, new_user_id, spawn_app_with_ai};

/// The name the fake provider makes from the prompt's seed (the id's first hex digits).
fn fake_name(user: &str) -> String {
    format!(
        "Fake{}",
        user.replace('-', "")
            .to_lowercase()
            .get(..4)
            .unwrap_or_default()
    )
}

#[tokio::test]
async fn a_new_user_gets_a_generated_profile_once() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();

    let body = json_body(app.get_preferences(&user).await, StatusCode::OK).await;

    assert_client_decodes("GET", "/v3/users/{user_id}/preferences", &body);
    assert_client_decodes_as(
        Client::Main,
        "GET",
        "/v3/users/{user_id}/preferences",
        &body,
    );
    assert_eq!(body["user_name"], fake_name(&user));
    assert_eq!(body["user_motto"], "Words every day.");
    assert_eq!(body["learning_language"], "en");
    assert_eq!(provider.models(), vec!["profile-a"]);

    let again = json_body(app.get_preferences(&user).await, StatusCode::OK).await;
    assert_eq!(again["user_name"], body["user_name"]);
    assert_eq!(
        provider.calls().len(),
        1,
        "an existing user costs no provider call"
    );
}

#[tokio::test]
async fn a_user_created_elsewhere_is_not_renamed() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();
    app.save_word(&user, "kite").await;

    let body = json_body(app.get_preferences(&user).await, StatusCode::OK).await;

    assert_ne!(body["user_name"], fake_name(&user));
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn a_failing_or_slow_provider_falls_back_to_the_default_profile_quickly() {
    for case in ["failing", "slow"] {
        let provider = FakeProvider::start().await;
        if case == "failing" {
            provider.fail_model("profile-a");
        } else {
            provider.set_delay(Duration::from_secs(30));
        }
        let app = spawn_app_with_ai(&provider).await;
        let user = new_user_id();

        let started = Instant::now();
        let body = json_body(app.get_preferences(&user).await, StatusCode::OK).await;
        let elapsed = started.elapsed();

        assert_client_decodes("GET", "/v3/users/{user_id}/preferences", &body);
        let name = body["user_name"].as_str().unwrap_or_default();
        assert!(
            !name.is_empty() && name != fake_name(&user),
            "{case}: {name}"
        );
        assert!(
            body["user_motto"].as_str().is_some_and(|m| !m.is_empty()),
            "{case}"
        );
        assert!(
            elapsed < Duration::from_millis(4500),
            "{case}: took {elapsed:?}"
        );
        assert_eq!(provider.models(), vec!["profile-a"], "{case}");
    }
}
