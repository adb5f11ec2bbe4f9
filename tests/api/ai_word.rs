//! `GET /v3/word`: definitions generated once by the AI provider, then served from
//! `definitions`; the word is saved for the user; audio references.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::contract::assert_client_decodes;
use crate::fake_provider::FakeProvider;
use crate::helpers::{
    TestApp, error_body, json_body, new_user_id, spawn_app, spawn_app_with_ai,
    spawn_app_with_ai_variables,
};

async fn lookup(app: &TestApp, query: &str) -> reqwest::Response {
    app.get(&format!("/v3/word?{query}")).await
}

async fn definitions_stored(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM definitions").await
}

async fn saved(app: &TestApp, user: &str, word: &str) -> i64 {
    let user: uuid::Uuid = user.parse().expect("uuid");
    app.db
        .query_one(
            "SELECT count(*) FROM saved_words WHERE user_id = $1 AND word = $2",
            &[&user, &word],
        )
        .await
        .expect("count saved words")
        .get(0)
}

#[tokio::test]
async fn a_miss_generates_stores_and_saves_the_word_and_a_hit_calls_no_provider() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let (first, second) = (new_user_id(), new_user_id());

    // Act
    let response = lookup(
        &app,
        &format!("w=Serendipity&user_id={first}&learning_lang=en&native_lang=zh"),
    )
    .await;

    // Assert
    let headers = response.headers().clone();
    let body = json_body(response, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/word", &body);
    assert_eq!(body["word"], "serendipity");
    assert_eq!(body["learning_language"], "en");
    assert_eq!(body["native_language"], "zh");
    assert_eq!(
        body["definition_data"]["word"], "serendipity",
        "the asked word replaces the model's"
    );
    assert_eq!(
        body["definition_data"]["definitions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        body["definition_data"]["definitions"][0]["part_of_speech"],
        "noun"
    );
    assert_eq!(body["valid_word_score"], 0.95);
    assert_eq!(body["validation"]["confidence"], 0.95);
    assert_eq!(body["validation"]["suggested"], Value::Null);
    assert_eq!(body["suggestion"], Value::Null);
    let examples = body["audio_references"]["example_audio"]
        .as_object()
        .expect("a map");
    assert_eq!(examples.len(), 4, "two examples for each of two senses");
    assert!(examples.values().all(|v| v == false), "no audio yet");
    assert_eq!(body["audio_references"]["word_audio"], false);
    assert_eq!(body["audio_generation_status"], "on_demand");
    assert_eq!(
        headers.get("etag").and_then(|v| v.to_str().ok()),
        Some("\"15576189e90ccdc0a17733f8c32c8c53\""),
        "md5 of serendipity:en:zh"
    );
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(provider.models(), vec!["def-a"]);
    assert_eq!(definitions_stored(&app).await, 1);
    assert_eq!(saved(&app, &first, "serendipity").await, 1);

    // A second lookup, by another user, is served from the table.
    let again = json_body(
        lookup(
            &app,
            &format!("w=serendipity&user_id={second}&learning_lang=en&native_lang=zh"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_client_decodes("GET", "/v3/word", &again);
    assert_eq!(again["definition_data"], body["definition_data"]);
    assert_eq!(
        provider.calls().len(),
        1,
        "a cache hit makes no provider call"
    );
    assert_eq!(
        saved(&app, &second, "serendipity").await,
        1,
        "the hit saved it too"
    );
    assert_eq!(definitions_stored(&app).await, 1);
}

#[tokio::test]
async fn missing_languages_come_from_the_users_preferences() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();
    let prefs = serde_json::json!({"learning_language": "fr", "native_language": "de"});
    json_body(app.post_preferences(&user, &prefs).await, StatusCode::OK).await;

    let body = json_body(
        lookup(&app, &format!("w=chat&user_id={user}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (&body["learning_language"], &body["native_language"]),
        (&"fr".into(), &"de".into())
    );
    assert_client_decodes("GET", "/v3/word", &body);
    let only_native = json_body(
        lookup(&app, &format!("w=chien&user_id={user}&native_lang=en")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            &only_native["learning_language"],
            &only_native["native_language"]
        ),
        (&"fr".into(), &"en".into())
    );
    assert_client_decodes("GET", "/v3/word", &only_native);

    // A new user gets the defaults, en → zh, and is created with the word saved.
    let newcomer = new_user_id();
    let body = json_body(
        lookup(&app, &format!("w=cat&user_id={newcomer}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (&body["learning_language"], &body["native_language"]),
        (&"en".into(), &"zh".into())
    );
    assert_client_decodes("GET", "/v3/word", &body);
    assert_eq!(saved(&app, &newcomer, "cat").await, 1);
}

#[tokio::test]
async fn audio_references_show_which_texts_have_audio() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();
    let query = format!("w=lamp&user_id={user}&learning_lang=en&native_lang=zh");
    json_body(lookup(&app, &query).await, StatusCode::OK).await;
    for path in ["/v3/audio/lamp/en", "/v3/audio/The%20lamp%20is%20here./en"] {
        json_body(app.get(path).await, StatusCode::OK).await;
    }

    let body = json_body(lookup(&app, &query).await, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/word", &body);
    assert_eq!(body["audio_references"]["word_audio"], true);
    let examples = &body["audio_references"]["example_audio"];
    assert_eq!(examples["The lamp is here."], true);
    assert_eq!(examples["I see a lamp."], false);
    assert_eq!(body["audio_generation_status"], "on_demand");
}

#[tokio::test]
async fn the_next_model_answers_when_the_first_fails_or_breaks_the_schema() {
    for (case, sabotage) in [
        ("500", FakeProvider::fail_model as fn(&FakeProvider, &str)),
        ("invalid JSON", FakeProvider::invalid_for_model),
    ] {
        let provider = FakeProvider::start().await;
        sabotage(&provider, "def-a");
        let app = spawn_app_with_ai(&provider).await;

        let body = json_body(
            lookup(
                &app,
                &format!(
                    "w=kite&user_id={}&learning_lang=en&native_lang=zh",
                    new_user_id()
                ),
            )
            .await,
            StatusCode::OK,
        )
        .await;

        assert_client_decodes("GET", "/v3/word", &body);
        assert_eq!(provider.models(), vec!["def-a", "def-b"], "{case}");
        let stored: Value = app
            .db
            .query_one(
                "SELECT definition_data FROM definitions WHERE word = 'kite'",
                &[],
            )
            .await
            .expect("one stored definition")
            .get(0);
        assert_eq!(
            stored["phonetic"], "/kite/",
            "{case}: the valid answer is stored"
        );
    }
}

#[tokio::test]
async fn when_every_model_fails_it_is_a_503_and_nothing_is_stored() {
    let provider = FakeProvider::start().await;
    provider.fail_model("def-a");
    provider.invalid_for_model("def-b");
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();

    let message = error_body(
        lookup(
            &app,
            &format!("w=kite&user_id={user}&learning_lang=en&native_lang=zh"),
        )
        .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "every model failed",
    )
    .await;

    assert_eq!(message, "Definition generation failed");
    assert_eq!(provider.models(), vec!["def-a", "def-b"]);
    assert_eq!(definitions_stored(&app).await, 0);
    assert_eq!(saved(&app, &user, "kite").await, 0);
}

#[tokio::test]
async fn a_slow_provider_gives_a_504_within_the_clients_ten_seconds() {
    let provider = FakeProvider::start().await;
    provider.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();

    let started = Instant::now();
    let response = lookup(
        &app,
        &format!("w=kite&user_id={user}&learning_lang=en&native_lang=zh"),
    )
    .await;
    let elapsed = started.elapsed();

    error_body(response, StatusCode::GATEWAY_TIMEOUT, "slow provider").await;
    assert!(elapsed < Duration::from_millis(9500), "took {elapsed:?}");
    assert!(
        elapsed >= Duration::from_secs(6),
        "gave up early: {elapsed:?}"
    );
    assert_eq!(
        provider.models(),
        vec!["def-a", "def-b"],
        "the fallback got its share of the budget"
    );
    assert_eq!(definitions_stored(&app).await, 0);
    assert_eq!(saved(&app, &user, "kite").await, 0);
}

#[tokio::test]
async fn without_a_provider_a_miss_is_a_503_and_a_cached_word_is_served() {
    let app = spawn_app().await;
    let user = new_user_id();
    let query = format!("w=kite&user_id={user}&learning_lang=en&native_lang=zh");

    let message = error_body(
        lookup(&app, &query).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no provider",
    )
    .await;
    assert_eq!(message, "Definition generation is not configured");
    assert_eq!(saved(&app, &user, "kite").await, 0);

    let definition = crate::fake_provider::definition("kite");
    app.db
        .execute(
            "INSERT INTO definitions (word, learning_language, native_language, definition_data) \
             VALUES ('kite', 'en', 'zh', $1)",
            &[&definition],
        )
        .await
        .expect("cache a definition");
    let body = json_body(lookup(&app, &query).await, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/word", &body);
    assert_eq!(body["definition_data"]["phonetic"], "/kite/");
    assert_eq!(saved(&app, &user, "kite").await, 1);
}

#[tokio::test]
async fn a_provider_host_outside_allowed_outbound_hosts_is_a_clear_503() {
    let provider = FakeProvider::start().await;
    let port = provider
        .host()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let app = spawn_app_with_ai_variables(vec![
        ("ai_base_url".into(), provider.base_url()),
        // Hosts match literally: localhost is not 127.0.0.1.
        ("ai_host".into(), format!("localhost:{port}")),
        ("ai_definition_models".into(), "def-a,def-b".into()),
    ])
    .await;

    let message = error_body(
        lookup(&app, &format!("w=kite&user_id={}", new_user_id())).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "host not allowed",
    )
    .await;

    assert!(message.contains("allowed_outbound_hosts"), "{message}");
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn bad_requests_are_400s_naming_the_field_and_other_methods_405() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = new_user_id();
    let cases = [
        (format!("user_id={user}"), "w"),
        (format!("w=&user_id={user}"), "w"),
        ("w=kite".to_owned(), "user_id"),
        ("w=kite&user_id=not-a-uuid".to_owned(), "user_id"),
        (
            format!("w=kite&user_id={user}&learning_lang=xx"),
            "learning_lang",
        ),
        (
            format!("w=kite&user_id={user}&native_lang=klingon"),
            "native_lang",
        ),
    ];
    for (query, field) in cases {
        let message = error_body(lookup(&app, &query).await, StatusCode::BAD_REQUEST, &query).await;
        assert!(message.contains(field), "{query}: {message}");
    }
    let response = app.request(reqwest::Method::POST, "/v3/word").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn concurrent_misses_both_succeed_and_one_row_is_kept() {
    let provider = FakeProvider::start().await;
    provider.set_delay(Duration::from_millis(500));
    let app = spawn_app_with_ai(&provider).await;
    let (first, second) = (new_user_id(), new_user_id());

    let query_a = format!("w=kite&user_id={first}&learning_lang=en&native_lang=zh");
    let query_b = format!("w=kite&user_id={second}&learning_lang=en&native_lang=zh");
    let (a, b) = tokio::join!(lookup(&app, &query_a), lookup(&app, &query_b));

    let (a, b) = (
        json_body(a, StatusCode::OK).await,
        json_body(b, StatusCode::OK).await,
    );
    assert_client_decodes("GET", "/v3/word", &a);
    assert_client_decodes("GET", "/v3/word", &b);
    assert_eq!(
        a["definition_data"], b["definition_data"],
        "both answer the stored row"
    );
    assert_eq!(definitions_stored(&app).await, 1);
    assert_eq!(
        saved(&app, &first, "kite").await + saved(&app, &second, "kite").await,
        2
    );
    assert!(!provider.calls().is_empty());
}
