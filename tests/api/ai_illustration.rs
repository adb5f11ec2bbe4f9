//! `GET|POST /v3/illustration`: a scene description and an image generated once, then
//! served from `illustrations`.

use reqwest::StatusCode;
use serde_json::json;

use crate::contract::assert_client_decodes;
use crate::fake_provider::{FakeProvider, PNG_BASE64};
use crate::helpers::{assert_iso_instant, error_body, json_body, spawn_app, spawn_app_with_ai};

const CHAT: &str = "/v1/chat/completions";
const IMAGES: &str = "/v1/images/generations";

#[tokio::test]
async fn a_miss_describes_a_scene_and_draws_it_and_a_hit_calls_no_provider() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;

    let body = json_body(
        app.post_json(
            "/v3/illustration",
            &json!({"word": "Kite", "language": "en"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_client_decodes("POST", "/v3/illustration", &body);
    assert_eq!(body["word"], "kite");
    assert_eq!(body["language"], "en");
    assert_eq!(
        body["scene_description"],
        "A friendly scene showing a kite."
    );
    assert_eq!(body["image_data"], PNG_BASE64);
    assert_eq!(body["content_type"], "image/png");
    assert_eq!(body["cached"], false);
    assert_iso_instant(&body["created_at"], "created_at");
    assert_eq!(provider.models(), vec!["scene-a", "image-a"]);

    let again = json_body(
        app.get("/v3/illustration?word=kite&lang=en").await,
        StatusCode::OK,
    )
    .await;
    assert_client_decodes("POST", "/v3/illustration", &again);
    assert_eq!(again["cached"], true);
    assert_eq!(again["image_data"], PNG_BASE64);
    assert_eq!(again["scene_description"], body["scene_description"]);
    assert_eq!(again["created_at"], body["created_at"]);
    assert_eq!(
        (provider.calls_to(CHAT), provider.calls_to(IMAGES)),
        (1, 1),
        "no new calls"
    );
    assert_eq!(app.count("SELECT count(*) FROM illustrations").await, 1);
}

#[tokio::test]
async fn the_next_model_answers_when_the_first_fails_or_returns_no_png() {
    for (case, sabotage) in [
        ("500", FakeProvider::fail_model as fn(&FakeProvider, &str)),
        ("not a PNG", FakeProvider::invalid_for_model),
    ] {
        let provider = FakeProvider::start().await;
        sabotage(&provider, "scene-a");
        sabotage(&provider, "image-a");
        let app = spawn_app_with_ai(&provider).await;

        let body = json_body(
            app.get("/v3/illustration?word=kite&lang=en").await,
            StatusCode::OK,
        )
        .await;

        assert_client_decodes("POST", "/v3/illustration", &body);
        assert_eq!(
            provider.models(),
            vec!["scene-a", "scene-b", "image-a", "image-b"],
            "{case}"
        );
        assert_eq!(body["image_data"], PNG_BASE64, "{case}");
    }
}

#[tokio::test]
async fn when_image_generation_fails_it_is_a_503_and_nothing_is_stored() {
    let provider = FakeProvider::start().await;
    provider.fail_model("image-a");
    provider.fail_model("image-b");
    let app = spawn_app_with_ai(&provider).await;

    let message = error_body(
        app.get("/v3/illustration?word=kite&lang=en").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "image models fail",
    )
    .await;

    assert_eq!(message, "Illustration generation failed");
    assert_eq!(app.count("SELECT count(*) FROM illustrations").await, 0);
}

#[tokio::test]
async fn without_a_provider_a_miss_is_a_503_and_a_stored_illustration_is_served() {
    let app = spawn_app().await;

    let message = error_body(
        app.post_json(
            "/v3/illustration",
            &json!({"word": "kite", "language": "en"}),
        )
        .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no provider",
    )
    .await;
    assert_eq!(message, "Illustration generation is not configured");

    app.db
        .execute(
            "INSERT INTO illustrations (word, language, scene_description, image_data) \
             VALUES ('kite', 'en', 'A kite in the sky.', decode($1, 'base64'))",
            &[&PNG_BASE64],
        )
        .await
        .expect("store an illustration");
    let body = json_body(
        app.post_json(
            "/v3/illustration",
            &json!({"word": "kite", "language": "en"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_client_decodes("POST", "/v3/illustration", &body);
    assert_eq!(body["cached"], true);
    assert_eq!(body["image_data"], PNG_BASE64);
}

#[tokio::test]
async fn bad_requests_are_400s_naming_the_field_and_other_methods_405() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let gets = [
        ("/v3/illustration?lang=en", "word"),
        ("/v3/illustration?word=kite", "lang"),
        ("/v3/illustration?word=kite&lang=xx", "lang"),
    ];
    for (path, field) in gets {
        let message = error_body(app.get(path).await, StatusCode::BAD_REQUEST, path).await;
        assert!(message.contains(field), "{path}: {message}");
    }
    let posts = [
        (json!({"language": "en"}), "word"),
        (json!({"word": "kite"}), "language"),
        (json!({"word": 5, "language": "en"}), "word"),
    ];
    for (body, field) in posts {
        let message = error_body(
            app.post_json("/v3/illustration", &body).await,
            StatusCode::BAD_REQUEST,
            field,
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    error_body(
        app.post_raw("/v3/illustration", "{not json").await,
        StatusCode::BAD_REQUEST,
        "bad JSON",
    )
    .await;
    let response = app.request(reqwest::Method::PUT, "/v3/illustration").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn the_scene_is_described_from_the_cached_definition_and_drawn_from_the_scene() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_ai(&provider).await;
    let user = crate::helpers::new_user_id();
    let lookup = format!("/v3/word?w=kite&user_id={user}&learning_lang=en&native_lang=zh");
    json_body(app.get(&lookup).await, StatusCode::OK).await;

    json_body(
        app.get("/v3/illustration?word=kite&lang=en").await,
        StatusCode::OK,
    )
    .await;

    let calls = provider.calls();
    let scene = calls
        .iter()
        .find(|c| c.model == "scene-a")
        .expect("a scene call");
    assert!(
        scene.prompt.contains("A kite as a thing."),
        "{}",
        scene.prompt
    );
    let image = calls
        .iter()
        .find(|c| c.model == "image-a")
        .expect("an image call");
    assert!(
        image.prompt.contains("A friendly scene showing a kite."),
        "{}",
        image.prompt
    );
}
