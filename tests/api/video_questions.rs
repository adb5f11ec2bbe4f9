//! `GET /v3/api/video-questions-for-word`: a `video_mc` question per movie clip of a
//! word, generated once per (clip, word) and then served from `video_questions`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::fake_provider::FakeProvider;
use crate::helpers::{TestApp, error_body, json_body, new_user_id, spawn_app};
use crate::review_batch::{question_calls, spawn_app_with_questions};

const PATH: &str = "/v3/api/video-questions-for-word";

impl TestApp {
    async fn get_video_questions(&self, query: &str) -> reqwest::Response {
        self.get(&format!("{PATH}?{query}")).await
    }

    async fn video_questions(&self, query: &str) -> Value {
        let body = json_body(self.get_video_questions(query).await, StatusCode::OK).await;
        assert_client_decodes("GET", PATH, &body);
        body
    }

    /// A clip of `word` (en) with a transcript, metadata and relevance; returns its id.
    pub async fn clip(
        &self,
        name: &str,
        word: &str,
        transcript: Option<&str>,
        relevance: f64,
    ) -> i32 {
        let id = self.insert_video(name, "mp4", b"fake mp4 bytes").await;
        let metadata = json!({"movie_title": "The Film", "movie_year": "1999", "title": name});
        self.db
            .execute(
                "UPDATE videos SET audio_transcript = $2, metadata = $3 WHERE id = $1",
                &[&id, &transcript, &metadata],
            )
            .await
            .expect("describe the clip");
        self.db
            .execute(
                "INSERT INTO word_to_video (word, learning_language, video_id, relevance_score) \
                 VALUES ($1, 'en', $2, $3::float8::numeric)",
                &[&word, &id, &relevance],
            )
            .await
            .expect("link the clip");
        id
    }

    async fn stored_video_questions(&self) -> i64 {
        self.count("SELECT count(*) FROM video_questions").await
    }
}

#[tokio::test]
async fn clips_get_generated_questions_once_and_then_from_the_cache() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    let low = app.clip("low", "apple", Some("An apple fell."), 0.4).await;
    let high = app.clip("high", "apple", Some("I love apples."), 0.9).await;
    app.clip("silent", "apple", None, 1.0).await; // no transcript: nothing to ask
    app.clip("other", "pear", Some("A pear."), 1.0).await;

    // Act
    let body = app
        .video_questions(&format!("word=Apple&lang=en&user_id={user}&limit=5"))
        .await;

    // Assert
    assert_eq!(body["word"], "apple");
    assert_eq!(body["count"], 2);
    let items = body["questions"].as_array().expect("questions");
    let ids: Vec<&Value> = items.iter().map(|q| &q["question"]["video_id"]).collect();
    assert_eq!(ids, vec![&json!(high), &json!(low)], "most relevant first");
    for (position, item) in items.iter().enumerate() {
        assert_eq!(item["position"], position);
        assert_eq!(item["source"], "VIDEO");
        assert_eq!(item["saved_word_id"], Value::Null);
        assert_eq!(item["definition"], Value::Null);
        assert_eq!(
            (&item["learning_language"], &item["native_language"]),
            (&"en".into(), &"zh".into())
        );
        let question = &item["question"];
        assert_eq!(question["question_type"], "video_mc");
        assert_eq!(question["word"], "apple");
        assert_eq!(question["show_word_before_video"], false);
        assert_eq!(
            question["video_metadata"]["movie_year"], 1999,
            "digits become an Int"
        );
        let correct = &question["correct_answer"];
        let right = question["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| &o["id"] == correct))
            .expect("the correct option");
        assert_eq!(right["text"], "apple as in the clip");
    }
    assert_eq!(items[0]["question"]["audio_transcript"], "I love apples.");
    assert_eq!(question_calls(&provider), vec!["q-a", "q-a"]);
    assert!(provider.calls()[0].prompt.contains("I love apples."));
    assert_eq!(app.stored_video_questions().await, 2);

    // Served from the table the second time.
    let again = app
        .video_questions(&format!("word=apple&user_id={user}&limit=1"))
        .await;
    assert_eq!(again["count"], 1);
    assert_eq!(again["questions"][0]["question"]["video_id"], high);
    assert_eq!(
        provider.calls().len(),
        2,
        "a cache hit makes no provider call"
    );
}

#[tokio::test]
async fn the_fallback_model_answers_and_a_slow_provider_is_cut_off_in_time() {
    let provider = FakeProvider::start().await;
    provider.fail_model("q-a");
    let app = spawn_app_with_questions(&provider).await;
    app.clip("one", "kite", Some("Fly the kite."), 0.5).await;
    let body = app
        .video_questions(&format!("word=kite&user_id={}", new_user_id()))
        .await;
    assert_eq!(body["count"], 1);
    assert_eq!(question_calls(&provider), vec!["q-a", "q-b"]);

    let slow = FakeProvider::start().await;
    slow.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_questions(&slow).await;
    app.clip("one", "kite", Some("Fly the kite."), 0.5).await;
    let started = Instant::now();
    let response = app
        .get_video_questions(&format!("word=kite&user_id={}", new_user_id()))
        .await;
    let elapsed = started.elapsed();
    error_body(response, StatusCode::GATEWAY_TIMEOUT, "slow provider").await;
    assert!(elapsed < Duration::from_millis(8000), "took {elapsed:?}");
    assert_eq!(app.stored_video_questions().await, 0);
}

#[tokio::test]
async fn without_a_provider_cached_questions_are_served_and_a_miss_is_a_503() {
    let app = spawn_app().await;
    let user = new_user_id();
    assert_eq!(
        app.video_questions(&format!("word=kite&user_id={user}"))
            .await["count"],
        0,
        "no clips, nothing to generate"
    );
    let clip = app.clip("one", "kite", Some("Fly the kite."), 0.5).await;

    let message = error_body(
        app.get_video_questions(&format!("word=kite&user_id={user}"))
            .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no provider",
    )
    .await;
    assert_eq!(message, "Question generation is not configured");

    let mut question = crate::fake_provider::video_question("kite");
    question["question_type"] = "video_mc".into();
    question["word"] = "kite".into();
    question["video_id"] = clip.into();
    app.db
        .execute(
            "INSERT INTO video_questions (video_id, word, learning_language, question_data) \
             VALUES ($1, 'kite', 'en', $2)",
            &[&clip, &question],
        )
        .await
        .expect("cache a question");
    let body = app
        .video_questions(&format!("word=kite&user_id={user}"))
        .await;
    assert_eq!(body["count"], 1);
    assert_eq!(body["questions"][0]["question"]["video_id"], clip);
}

#[tokio::test]
async fn bad_requests_are_400s_naming_the_field_and_other_methods_405() {
    let app = spawn_app().await;
    let user = new_user_id();
    let cases = [
        (format!("user_id={user}"), "word"),
        ("word=kite".to_owned(), "user_id"),
        ("word=kite&user_id=nope".to_owned(), "user_id"),
        (format!("word=kite&user_id={user}&lang=xx"), "lang"),
        (format!("word=kite&user_id={user}&limit=0"), "limit"),
        (format!("word=kite&user_id={user}&limit=21"), "limit"),
        (format!("word=kite&user_id={user}&limit=five"), "limit"),
    ];
    for (query, field) in cases {
        let message = error_body(
            app.get_video_questions(&query).await,
            StatusCode::BAD_REQUEST,
            &query,
        )
        .await;
        assert!(message.contains(field), "{query}: {message}");
    }
    let response = app.request(reqwest::Method::POST, PATH).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}
