//! `POST /v3/pronunciation/practice` and `POST /v3/review/pronounce`: a recording is
//! transcribed by the (fake) speech-to-text provider and scored against the text.

use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::contract::assert_client_decodes;
use crate::fake_provider::{FakeProvider, audio_saying};
use crate::helpers::{
    AI_MODELS, TestApp, error_body, json_body, new_user_id, spawn_app, spawn_app_with_ai_variables,
};

const STT: &str = "/v1/audio/transcriptions";
const PRACTICE: &str = "/v3/pronunciation/practice";
const PRONOUNCE: &str = "/v3/review/pronounce";

/// `spawn_app_with_ai`, plus a two-model speech-to-text chain.
async fn spawn_app_with_stt(provider: &FakeProvider) -> TestApp {
    let mut variables: Vec<(String, String)> = AI_MODELS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    variables.push((
        "ai_transcription_models".to_owned(),
        "stt-a,stt-b".to_owned(),
    ));
    variables.push(("ai_base_url".to_owned(), provider.base_url()));
    variables.push(("ai_host".to_owned(), provider.host()));
    spawn_app_with_ai_variables(variables).await
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A practice body whose recording "says" `said`.
fn practice_body(user_id: &str, text: &str, said: &str) -> Value {
    json!({
        "user_id": user_id,
        "original_text": text,
        "audio_data": base64_of(&audio_saying(said)),
        "metadata": {"source": "practice", "word_id": 7},
    })
}

/// A review/pronounce body as the iOS client builds it.
fn pronounce_body(user_id: &str, word: &str, text: &str, said: &str) -> Value {
    json!({
        "user_id": user_id,
        "word": word,
        "original_text": text,
        "audio_data": base64_of(&audio_saying(said)),
        "learning_language": "en",
        "native_language": "zh",
        "evaluation_threshold": 0.7,
    })
}

impl TestApp {
    pub async fn post_practice(&self, body: &Value) -> reqwest::Response {
        self.post_json(PRACTICE, body).await
    }

    pub async fn post_pronounce(&self, body: &Value) -> reqwest::Response {
        self.post_json(PRONOUNCE, body).await
    }

    /// Rows in the tables a pronunciation request may write.
    async fn pronunciation_rows(&self) -> (i64, i64, i64, i64) {
        (
            self.count("SELECT count(*) FROM pronunciation_practice")
                .await,
            self.count("SELECT count(*) FROM reviews").await,
            self.count("SELECT count(*) FROM saved_words").await,
            self.count("SELECT count(*) FROM user_preferences").await,
        )
    }
}

#[tokio::test]
async fn practice_transcribes_scores_and_stores_the_attempt() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_stt(&provider).await;
    let user = new_user_id();

    // Act: "thecatsat" heard as "thecatsad": one letter of nine differs.
    let body = json_body(
        app.post_practice(&practice_body(&user, "The cat sat.", "the cat sad"))
            .await,
        StatusCode::OK,
    )
    .await;

    // Assert
    assert_client_decodes("POST", PRACTICE, &body);
    assert_eq!(body["success"], true);
    assert_eq!(body["result"], true, "1 - 1/9 = 0.889 passes 0.7");
    assert_eq!(body["similarity_score"], 0.889);
    assert_eq!(body["recognized_text"], "the cat sad");
    assert!(
        body["feedback"]
            .as_str()
            .unwrap_or_default()
            .contains("the cat sad"),
        "{body}"
    );
    assert_eq!(provider.models(), vec!["stt-a"]);
    assert_eq!(provider.calls()[0].path, STT);
    assert_eq!(
        provider.calls()[0].prompt,
        "en",
        "an unknown user learns English"
    );

    let uuid: Uuid = user.parse().expect("uuid");
    let row = app
        .db
        .query_one(
            "SELECT language, original_text, speech_to_text, similarity_score, result, \
             evaluation_threshold, audio_format, audio_bytes, metadata, review_id, word \
             FROM pronunciation_practice WHERE user_id = $1",
            &[&uuid],
        )
        .await
        .expect("one stored attempt");
    assert_eq!(row.get::<_, String>(0), "en");
    assert_eq!(row.get::<_, String>(1), "The cat sat.");
    assert_eq!(row.get::<_, String>(2), "the cat sad");
    assert_eq!(row.get::<_, f64>(3), 0.889);
    assert!(row.get::<_, bool>(4));
    assert_eq!(row.get::<_, f64>(5), 0.7);
    assert_eq!(row.get::<_, String>(6), "wav");
    assert_eq!(
        row.get::<_, i32>(7),
        i32::try_from(audio_saying("the cat sad").len()).expect("small")
    );
    assert_eq!(
        row.get::<_, Value>(8),
        json!({"source": "practice", "word_id": 7})
    );
    assert_eq!(row.get::<_, Option<i32>>(9), None);
    assert_eq!(row.get::<_, Option<String>>(10), None);
    assert_eq!(
        app.count("SELECT count(*) FROM user_preferences").await,
        1,
        "the unknown user was created"
    );
}

#[tokio::test]
async fn practice_transcribes_in_the_users_learning_language_and_fails_a_wrong_text() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_stt(&provider).await;
    let user = new_user_id();
    let uuid: Uuid = user.parse().expect("uuid");
    app.db
        .execute(
            "INSERT INTO user_preferences (user_id, learning_language, native_language) \
             VALUES ($1, 'fr', 'en')",
            &[&uuid],
        )
        .await
        .expect("a French learner");

    let body = json_body(
        app.post_practice(&practice_body(&user, "Bonjour", "au revoir"))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_client_decodes("POST", PRACTICE, &body);
    assert_eq!(body["result"], false);
    assert!(
        body["similarity_score"].as_f64().unwrap_or(1.0) < 0.7,
        "{body}"
    );
    assert!(
        body["feedback"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Keep practicing"),
        "{body}"
    );
    assert_eq!(provider.calls()[0].prompt, "fr");
    let stored = app
        .count("SELECT count(*) FROM pronunciation_practice WHERE language = 'fr' AND NOT result")
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn silence_is_an_answer_that_fails_with_a_hint() {
    let provider = FakeProvider::start().await;
    provider.set_transcript("");
    let app = spawn_app_with_stt(&provider).await;

    let body = json_body(
        app.post_practice(&practice_body(&new_user_id(), "Hello", "ignored"))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_client_decodes("POST", PRACTICE, &body);
    assert_eq!(body["result"], false);
    assert_eq!(body["similarity_score"], 0.0);
    assert_eq!(body["recognized_text"], "");
    assert_eq!(
        provider.models(),
        vec!["stt-a"],
        "an empty transcript is valid"
    );
}

#[tokio::test]
async fn the_next_model_transcribes_when_the_first_fails_or_answers_nonsense() {
    for (case, sabotage) in [
        ("500", FakeProvider::fail_model as fn(&FakeProvider, &str)),
        ("no text", FakeProvider::invalid_for_model),
    ] {
        let provider = FakeProvider::start().await;
        sabotage(&provider, "stt-a");
        let app = spawn_app_with_stt(&provider).await;

        let practice = json_body(
            app.post_practice(&practice_body(
                &new_user_id(),
                "Good morning",
                "good morning",
            ))
            .await,
            StatusCode::OK,
        )
        .await;
        let review = json_body(
            app.post_pronounce(&pronounce_body(
                &new_user_id(),
                "morning",
                "Good morning",
                "good morning",
            ))
            .await,
            StatusCode::OK,
        )
        .await;

        assert_client_decodes("POST", PRACTICE, &practice);
        assert_client_decodes("POST", PRONOUNCE, &review);
        assert_eq!(practice["similarity_score"], 1.0, "{case}");
        assert_eq!(review["passed"], true, "{case}");
        assert_eq!(
            provider.models(),
            vec!["stt-a", "stt-b", "stt-a", "stt-b"],
            "{case}"
        );
    }
}

#[tokio::test]
async fn a_failing_or_slow_provider_gives_a_503_or_504_in_time_and_nothing_is_stored() {
    // Every model fails: 503.
    let provider = FakeProvider::start().await;
    provider.fail_model("stt-a");
    provider.fail_model("stt-b");
    let app = spawn_app_with_stt(&provider).await;
    for (path, body) in [
        (PRACTICE, practice_body(&new_user_id(), "Hello", "hello")),
        (
            PRONOUNCE,
            pronounce_body(&new_user_id(), "hello", "Hello", "hello"),
        ),
    ] {
        let message = error_body(
            app.post_json(path, &body).await,
            StatusCode::SERVICE_UNAVAILABLE,
            path,
        )
        .await;
        assert_eq!(message, "Speech recognition failed", "{path}");
    }
    assert_eq!(app.pronunciation_rows().await, (0, 0, 0, 0));

    // The provider never answers: 504 within the client's 10 s.
    let slow = FakeProvider::start().await;
    slow.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_stt(&slow).await;
    for (path, body) in [
        (PRACTICE, practice_body(&new_user_id(), "Hello", "hello")),
        (
            PRONOUNCE,
            pronounce_body(&new_user_id(), "hello", "Hello", "hello"),
        ),
    ] {
        let started = Instant::now();
        let response = app.post_json(path, &body).await;
        let elapsed = started.elapsed();
        let message = error_body(response, StatusCode::GATEWAY_TIMEOUT, path).await;
        assert_eq!(message, "Speech recognition timed out", "{path}");
        assert!(
            elapsed < Duration::from_millis(9500),
            "{path} took {elapsed:?}"
        );
    }
    assert_eq!(app.pronunciation_rows().await, (0, 0, 0, 0));
}

#[tokio::test]
async fn without_a_provider_both_routes_answer_503_not_configured() {
    let app = spawn_app().await;
    for (path, body) in [
        (PRACTICE, practice_body(&new_user_id(), "Hello", "hello")),
        (
            PRONOUNCE,
            pronounce_body(&new_user_id(), "hello", "Hello", "hello"),
        ),
    ] {
        let message = error_body(
            app.post_json(path, &body).await,
            StatusCode::SERVICE_UNAVAILABLE,
            path,
        )
        .await;
        assert_eq!(message, "Speech recognition is not configured", "{path}");
    }
    assert_eq!(app.pronunciation_rows().await, (0, 0, 0, 0));
}

#[tokio::test]
async fn a_pronunciation_review_is_recorded_like_a_submitted_review() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_stt(&provider).await;
    let user = new_user_id();

    // Act: passed at the default threshold.
    let body = json_body(
        app.post_pronounce(&pronounce_body(&user, "Cat", "The cat sat.", "the cat sat"))
            .await,
        StatusCode::OK,
    )
    .await;
    let streak_days_after_pronouncing = app
        .count(&format!(
            "SELECT count(*) FROM streak_days WHERE user_id = '{user}'"
        ))
        .await;
    // The same first review through /v3/reviews/submit, for the schedule to compare.
    let submitted = app.review(&user, "dog", true).await;

    // Assert
    assert_client_decodes("POST", PRONOUNCE, &body);
    assert_eq!(body["success"], true);
    assert_eq!(body["passed"], true);
    assert_eq!(body["similarity_score"], 1.0);
    assert_eq!(body["recognized_text"], "the cat sat");
    assert_eq!(body["evaluation_threshold"], 0.7);
    assert_eq!(
        body["next_interval_days"], submitted["interval_days"],
        "the same schedule as reviews/submit"
    );
    let review_id = body["review_id"].as_i64().expect("review_id");
    let uuid: Uuid = user.parse().expect("uuid");
    let review = app
        .db
        .query_one(
            "SELECT r.response, r.question_type, sw.word, sw.learning_language, \
             sw.native_language FROM reviews r JOIN saved_words sw ON sw.id = r.word_id \
             WHERE r.id = $1 AND r.user_id = $2",
            &[&i32::try_from(review_id).expect("i32"), &uuid],
        )
        .await
        .expect("the review row");
    assert!(review.get::<_, bool>(0));
    assert_eq!(review.get::<_, String>(1), "pronounce_sentence");
    assert_eq!(
        review.get::<_, String>(2),
        "cat",
        "saved trimmed and lower-cased"
    );
    assert_eq!(
        (review.get::<_, String>(3), review.get::<_, String>(4)),
        ("en".to_owned(), "zh".to_owned())
    );
    let attempt = app
        .count(&format!(
            "SELECT count(*) FROM pronunciation_practice WHERE review_id = {review_id} \
             AND word = 'cat' AND result AND similarity_score = 1"
        ))
        .await;
    assert_eq!(attempt, 1);
    assert_eq!(
        streak_days_after_pronouncing, 1,
        "a pronunciation review counts for the streak"
    );

    // The pronunciation review is part of the word's history.
    let second = app.review(&user, "cat", false).await;
    assert_eq!(second["review_count"], 2);
}

#[tokio::test]
async fn a_pronunciation_below_the_clients_threshold_is_a_wrong_answer() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_stt(&provider).await;
    let user = new_user_id();
    let mut request = pronounce_body(&user, "cat", "The cat sat.", "the cat sad");
    request["evaluation_threshold"] = json!(0.9);

    let body = json_body(app.post_pronounce(&request).await, StatusCode::OK).await;

    assert_client_decodes("POST", PRONOUNCE, &body);
    assert_eq!(body["passed"], false, "0.889 < 0.9");
    assert_eq!(body["similarity_score"], 0.889);
    assert_eq!(body["evaluation_threshold"], 0.9);
    let wrong = app
        .count("SELECT count(*) FROM reviews WHERE NOT response AND question_type = 'pronounce_sentence'")
        .await;
    assert_eq!(wrong, 1);
}

#[tokio::test]
async fn bad_requests_are_400s_naming_the_field_and_reach_no_provider() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_stt(&provider).await;
    let user = new_user_id();
    let mut oversized = audio_saying("x");
    oversized.resize(5 * 1024 * 1024 + 1, 0);

    let with = |base: Value, key: &str, value: Value| {
        let mut body = base;
        match value {
            Value::Null => {
                body.as_object_mut().map(|o| o.remove(key));
            }
            v => body[key] = v,
        }
        body
    };
    let practice = practice_body(&user, "Hello", "hello");
    let pronounce = pronounce_body(&user, "hello", "Hello", "hello");
    let cases = [
        (
            PRACTICE,
            with(practice.clone(), "user_id", Value::Null),
            "user_id",
        ),
        (
            PRACTICE,
            with(practice.clone(), "user_id", json!("nope")),
            "user_id",
        ),
        (
            PRACTICE,
            with(practice.clone(), "original_text", Value::Null),
            "original_text",
        ),
        (
            PRACTICE,
            with(practice.clone(), "original_text", json!("  ")),
            "original_text",
        ),
        (
            PRACTICE,
            with(practice.clone(), "audio_data", Value::Null),
            "audio_data",
        ),
        (
            PRACTICE,
            with(practice.clone(), "audio_data", json!("")),
            "audio_data",
        ),
        (
            PRACTICE,
            with(practice.clone(), "audio_data", json!("%%% not base64")),
            "audio_data",
        ),
        (
            PRACTICE,
            with(
                practice.clone(),
                "audio_data",
                json!(base64_of(b"just some text")),
            ),
            "audio_data",
        ),
        (
            PRACTICE,
            with(practice.clone(), "audio_data", json!(base64_of(&oversized))),
            "audio_data",
        ),
        (
            PRACTICE,
            with(practice.clone(), "audio_data", json!(42)),
            "audio_data",
        ),
        (
            PRACTICE,
            with(practice.clone(), "metadata", json!("x")),
            "metadata",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "word", Value::Null),
            "word",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "user_id", json!("12345")),
            "user_id",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "audio_data", json!("")),
            "audio_data",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "learning_language", json!("xx")),
            "learning_language",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "native_language", Value::Null),
            "native_language",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "evaluation_threshold", json!(1.5)),
            "evaluation_threshold",
        ),
        (
            PRONOUNCE,
            with(pronounce.clone(), "evaluation_threshold", json!("high")),
            "evaluation_threshold",
        ),
    ];
    for (path, body, field) in cases {
        let message = error_body(
            app.post_json(path, &body).await,
            StatusCode::BAD_REQUEST,
            &format!("{path} {field}"),
        )
        .await;
        assert!(message.contains(field), "{path} {field}: {message}");
    }
    for path in [PRACTICE, PRONOUNCE] {
        let message = error_body(
            app.post_raw(path, "{not json").await,
            StatusCode::BAD_REQUEST,
            path,
        )
        .await;
        assert_eq!(message, "Invalid JSON body");
        let response = app.request(reqwest::Method::GET, path).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    // A body far over the bound is refused before it is parsed.
    let huge = format!("{{\"audio_data\": \"{}\"}}", "A".repeat(11 * 1024 * 1024));
    let response = app
        .client
        .post(app.url(PRACTICE))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    assert!(provider.calls().is_empty(), "{:?}", provider.calls());
    assert_eq!(app.pronunciation_rows().await, (0, 0, 0, 0));
}
