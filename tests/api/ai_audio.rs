//! `GET /v3/audio/{text}/{language}`: text-to-speech generated once, then served from
//! `audio`.

use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::StatusCode;

use crate::contract::assert_client_decodes;
use crate::fake_provider::{FakeProvider, mp3_bytes};
use crate::helpers::{assert_iso_instant, error_body, json_body, spawn_app, spawn_app_with_ai};

const SPEECH: &str = "/v1/audio/speech";

fn decode(value: &serde_json::Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().expect("audio_data is a string"))
        .expect("audio_data is base64")
}

#[tokio::test]
async fn a_miss_is_generated_and_stored_and_a_hit_is_served_without_the_provider() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;

    let body = json_body(app.get("/v3/audio/Hello%20world/en").await, StatusCode::OK).await;

    assert_client_decodes("GET", "/v3/audio/{text}/{language}", &body);
    assert_eq!(decode(&body["audio_data"]), mp3_bytes());
    assert_eq!(body["content_type"], "audio/mpeg");
    assert_eq!(body["generated"], true);
    assert_iso_instant(&body["created_at"], "created_at");
    assert_eq!(provider.models(), vec!["tts-a"]);
    let stored = app
        .count("SELECT count(*) FROM audio WHERE text_content = 'Hello world' AND language = 'en'")
        .await;
    assert_eq!(stored, 1);

    let again = json_body(app.get("/v3/audio/Hello%20world/en").await, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/audio/{text}/{language}", &again);
    assert_eq!(again["generated"], false);
    assert_eq!(again["audio_data"], body["audio_data"]);
    assert_eq!(again["created_at"], body["created_at"]);
    assert_eq!(
        provider.calls_to(SPEECH),
        1,
        "a cache hit makes no provider call"
    );
}

#[tokio::test]
async fn a_slash_in_the_text_stays_in_the_text_and_the_last_segment_is_the_language() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;

    let body = json_body(app.get("/v3/audio/either/or/en").await, StatusCode::OK).await;

    assert_client_decodes("GET", "/v3/audio/{text}/{language}", &body);
    let stored = app
        .count("SELECT count(*) FROM audio WHERE text_content = 'either/or' AND language = 'en'")
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_next_model_answers_when_the_first_fails_or_returns_no_mp3() {
    for (case, sabotage) in [
        ("500", FakeProvider::fail_model as fn(&FakeProvider, &str)),
        ("not MP3", FakeProvider::invalid_for_model),
    ] {
        let provider = FakeProvider::start().await;
        sabotage(&provider, "tts-a");
        let app = spawn_app_with_ai(&provider).await;

        let body = json_body(app.get("/v3/audio/kite/en").await, StatusCode::OK).await;

        assert_client_decodes("GET", "/v3/audio/{text}/{language}", &body);
        assert_eq!(provider.models(), vec!["tts-a", "tts-b"], "{case}");
        assert_eq!(decode(&body["audio_data"]), mp3_bytes(), "{case}");
    }
}

#[tokio::test]
async fn a_slow_provider_gives_a_504_and_nothing_is_stored() {
    let provider = FakeProvider::start().await;
    provider.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_ai(&provider).await;

    let started = Instant::now();
    let response = app.get("/v3/audio/kite/en").await;
    let elapsed = started.elapsed();

    error_body(response, StatusCode::GATEWAY_TIMEOUT, "slow provider").await;
    assert!(elapsed < Duration::from_millis(9500), "took {elapsed:?}");
    assert_eq!(app.count("SELECT count(*) FROM audio").await, 0);
}

#[tokio::test]
async fn without_a_provider_a_miss_is_a_503_and_stored_audio_is_served() {
    let app = spawn_app().await;

    let message = error_body(
        app.get("/v3/audio/kite/en").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no provider",
    )
    .await;
    assert_eq!(message, "Audio generation is not configured");

    app.db
        .execute(
            "INSERT INTO audio (text_content, language, audio_data) VALUES ('kite', 'en', $1)",
            &[&mp3_bytes()],
        )
        .await
        .expect("store audio");
    let body = json_body(app.get("/v3/audio/kite/en").await, StatusCode::OK).await;
    assert_client_decodes("GET", "/v3/audio/{text}/{language}", &body);
    assert_eq!(decode(&body["audio_data"]), mp3_bytes());
    assert_eq!(body["generated"], false);
}

#[tokio::test]
async fn bad_paths_are_400s_naming_the_part_and_other_methods_405() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let cases = [
        ("/v3/audio/kite", "language"),
        ("/v3/audio/kite/xx", "language"),
        ("/v3/audio/%20/en", "text"),
        ("/v3/audio/%FF%FE/en", "text"),
    ];
    for (path, part) in cases {
        let message = error_body(app.get(path).await, StatusCode::BAD_REQUEST, path).await;
        assert!(message.contains(part), "{path}: {message}");
    }
    let response = app
        .request(reqwest::Method::POST, "/v3/audio/kite/en")
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(provider.calls().is_empty());
}
