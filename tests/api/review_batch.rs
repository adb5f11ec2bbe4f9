//! `GET /v3/next-review-words-batch`: due words, most overdue first, each with a
//! question generated once by the AI provider (`review_questions`) or built from the
//! cached definition without one.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::contract::assert_client_decodes;
use crate::fake_provider::FakeProvider;
use crate::helpers::{
    AI_MODELS, TestApp, error_body, json_body, new_user_id, spawn_app, spawn_app_with_ai_variables,
};

const PATH: &str = "/v3/next-review-words-batch";

/// The question types the iOS client renders.
const CLIENT_TYPES: [&str; 7] = [
    "mc_definition",
    "mc_word",
    "fill_blank",
    "pronounce_sentence",
    "video_mc",
    "mc_def_native",
    "mc_quote",
];

/// The app with the fake provider and the question chain `q-a,q-b`.
pub async fn spawn_app_with_questions(provider: &FakeProvider) -> TestApp {
    let mut variables: Vec<(String, String)> = AI_MODELS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    variables.push(("ai_question_models".into(), "q-a,q-b".into()));
    variables.push(("ai_base_url".into(), provider.base_url()));
    variables.push(("ai_host".into(), provider.host()));
    spawn_app_with_ai_variables(variables).await
}

/// The question models asked, in order.
pub fn question_calls(provider: &FakeProvider) -> Vec<String> {
    provider
        .models()
        .into_iter()
        .filter(|m| m.starts_with("q-"))
        .collect()
}

impl TestApp {
    async fn get_review_batch(&self, query: &str) -> reqwest::Response {
        self.get(&format!("{PATH}?{query}")).await
    }

    /// A successful batch, checked against the client's contract.
    async fn review_batch(&self, query: &str) -> Value {
        let body = json_body(self.get_review_batch(query).await, StatusCode::OK).await;
        assert_client_decodes("GET", PATH, &body);
        for item in body["questions"].as_array().expect("questions") {
            let kind = item["question"]["question_type"].as_str().unwrap_or("");
            assert!(CLIENT_TYPES.contains(&kind), "unknown type {kind}");
            let correct = &item["question"]["correct_answer"];
            let ids: Vec<&Value> = item["question"]["options"]
                .as_array()
                .expect("options")
                .iter()
                .map(|o| &o["id"])
                .collect();
            assert!(ids.contains(&correct), "{item}");
        }
        body
    }

    /// Caches the fake provider's definition of `word` (en → zh).
    async fn cache_definition(&self, word: &str) {
        let definition = crate::fake_provider::definition(word);
        self.db
            .execute(
                "INSERT INTO definitions (word, learning_language, native_language, definition_data) \
                 VALUES ($1, 'en', 'zh', $2)",
                &[&word, &definition],
            )
            .await
            .expect("cache a definition");
    }

    async fn mark_known(&self, user: &str, word: &str) {
        let user: uuid::Uuid = user.parse().expect("uuid");
        self.db
            .execute(
                "UPDATE saved_words SET is_known = true WHERE user_id = $1 AND word = $2",
                &[&user, &word],
            )
            .await
            .expect("mark known");
    }

    async fn stored_questions(&self) -> i64 {
        self.count("SELECT count(*) FROM review_questions").await
    }
}

fn words(body: &Value) -> Vec<String> {
    body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["word"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The text of the option `correct_answer` names.
fn right_answer(question: &Value) -> String {
    let correct = &question["correct_answer"];
    question["options"]
        .as_array()
        .and_then(|o| o.iter().find(|o| &o["id"] == correct))
        .and_then(|o| o["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Saves `date` four days ago and `apple`, `bread`, `cherry` two days ago; `bread` is
/// reviewed now (next review in the future) and `cherry` is marked known. Due: `date`
/// (since 3 days), then `apple` (since yesterday). Returns their saved word ids.
async fn arrange_due_words(app: &TestApp, user: &str) -> (i64, i64) {
    let date = app.save_word(user, "date").await;
    app.travel_forward(user, 2).await;
    let apple = app.save_word(user, "apple").await;
    app.save_word(user, "bread").await;
    app.save_word(user, "cherry").await;
    app.travel_forward(user, 2).await;
    app.review(user, "bread", true).await;
    app.mark_known(user, "cherry").await;
    (date, apple)
}

#[tokio::test]
async fn due_words_come_most_overdue_first_with_generated_questions_then_from_the_cache() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    let (date_id, apple_id) = arrange_due_words(&app, &user).await;
    app.cache_definition("date").await;

    // Act
    let body = app.review_batch(&format!("user_id={user}&count=10")).await;

    // Assert
    assert_eq!(words(&body), vec!["date", "apple"]);
    assert_eq!(body["total_available"], 2);
    assert_eq!(body["has_more"], false);
    let (date, apple) = (&body["questions"][0], &body["questions"][1]);
    assert_eq!(date["saved_word_id"], date_id);
    assert_eq!(apple["saved_word_id"], apple_id);
    for (position, item) in [date, apple].into_iter().enumerate() {
        assert_eq!(item["position"], position);
        assert_eq!(item["source"], "DUE");
        assert_eq!(item["learning_language"], "en");
        assert_eq!(item["native_language"], "zh");
        assert_eq!(item["question"]["question_type"], "mc_definition");
        assert_eq!(item["question"]["word"], item["word"]);
        assert_eq!(
            item["question"]["options"].as_array().map(Vec::len),
            Some(4)
        );
    }
    assert_eq!(right_answer(&date["question"]), "the meaning of date");
    assert_eq!(right_answer(&apple["question"]), "the meaning of apple");
    assert_eq!(date["definition"]["definition_data"]["phonetic"], "/date/");
    assert_eq!(date["definition"]["audio_generation_status"], "on_demand");
    assert_eq!(
        apple["definition"],
        Value::Null,
        "apple has no cached definition"
    );
    assert_eq!(question_calls(&provider), vec!["q-a", "q-a"]);
    let prompts: Vec<String> = provider.calls().into_iter().map(|c| c.prompt).collect();
    assert!(
        prompts[0].contains("A date as a thing."),
        "the cached sense is asked about: {}",
        prompts[0]
    );
    assert_eq!(app.stored_questions().await, 2);

    // A second batch is served from review_questions.
    let again = app.review_batch(&format!("user_id={user}&count=10")).await;
    assert_eq!(words(&again), vec!["date", "apple"]);
    assert_eq!(
        right_answer(&again["questions"][0]["question"]),
        "the meaning of date"
    );
    assert_eq!(
        provider.calls().len(),
        2,
        "a cache hit makes no provider call"
    );
    assert_eq!(app.stored_questions().await, 2);

    // count and exclude_words.
    let one = app.review_batch(&format!("user_id={user}&count=1")).await;
    assert_eq!(words(&one), vec!["date"]);
    assert_eq!(
        (&one["total_available"], &one["has_more"]),
        (&2.into(), &true.into())
    );
    let rest = app
        .review_batch(&format!("user_id={user}&count=3&exclude_words=Date,kiwi"))
        .await;
    assert_eq!(words(&rest), vec!["apple"]);
    assert_eq!(
        (&rest["total_available"], &rest["has_more"]),
        (&1.into(), &false.into())
    );
    assert_eq!(provider.calls().len(), 2);
}

#[tokio::test]
async fn two_questions_are_generated_per_request_and_the_rest_built_from_definitions() {
    // Arrange: four words due since yesterday, each with a cached definition.
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    for word in ["kiwi", "lime", "mango", "pear"] {
        app.save_word(&user, word).await;
        app.cache_definition(word).await;
    }
    app.travel_forward(&user, 2).await;

    // Act
    let body = app.review_batch(&format!("user_id={user}")).await;

    // Assert
    assert_eq!(words(&body), vec!["kiwi", "lime", "mango", "pear"]);
    let types: Vec<&str> = body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question"]["question_type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        types,
        vec!["mc_definition", "mc_definition", "mc_word", "mc_word"]
    );
    for item in &body["questions"].as_array().expect("questions")[2..] {
        let word = item["word"].as_str().unwrap_or_default();
        assert_eq!(right_answer(&item["question"]), word);
        assert_eq!(
            item["question"]["question_text"],
            format!("Which word means \"A {word} as a thing.\"?")
        );
        let options = item["question"]["options"].as_array().expect("options");
        assert_eq!(options.len(), 4, "the word and three other saved words");
    }
    assert_eq!(question_calls(&provider).len(), 2);
    assert_eq!(
        app.stored_questions().await,
        2,
        "built questions are not stored"
    );

    // The next request generates the two that are missing.
    let next = app.review_batch(&format!("user_id={user}")).await;
    let types: Vec<&Value> = next["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| &q["question"]["question_type"])
        .collect();
    assert!(types.iter().all(|t| *t == "mc_definition"), "{types:?}");
    assert_eq!(question_calls(&provider).len(), 4);
    assert_eq!(app.stored_questions().await, 4);
}

#[tokio::test]
async fn the_next_model_answers_when_the_first_fails_or_breaks_the_schema() {
    for (case, sabotage) in [
        ("500", FakeProvider::fail_model as fn(&FakeProvider, &str)),
        ("invalid JSON", FakeProvider::invalid_for_model),
    ] {
        let provider = FakeProvider::start().await;
        sabotage(&provider, "q-a");
        let app = spawn_app_with_questions(&provider).await;
        let user = new_user_id();
        app.save_word(&user, "kite").await;
        app.travel_forward(&user, 2).await;

        let body = app.review_batch(&format!("user_id={user}")).await;

        assert_eq!(words(&body), vec!["kite"], "{case}");
        assert_eq!(
            body["questions"][0]["question"]["question_type"],
            "mc_definition"
        );
        assert_eq!(question_calls(&provider), vec!["q-a", "q-b"], "{case}");
        let stored: Value = app
            .db
            .query_one(
                "SELECT question_data FROM review_questions WHERE word = 'kite'",
                &[],
            )
            .await
            .expect("one stored question")
            .get(0);
        assert_eq!(stored["correct_answer"], "A", "{case}: stored as generated");
        assert_eq!(stored["question_type"], "mc_definition");
    }
}

#[tokio::test]
async fn when_every_model_fails_the_words_get_definition_questions_and_nothing_is_stored() {
    let provider = FakeProvider::start().await;
    provider.fail_model("q-a");
    provider.invalid_for_model("q-b");
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    for word in ["kite", "lamp"] {
        app.save_word(&user, word).await;
        app.cache_definition(word).await;
    }
    app.save_word(&user, "moss").await; // no definition: nothing to build from
    app.travel_forward(&user, 2).await;

    let body = app.review_batch(&format!("user_id={user}")).await;

    assert_eq!(words(&body), vec!["kite", "lamp"]);
    assert_eq!(body["total_available"], 3);
    assert_eq!(body["questions"][1]["position"], 1);
    for item in body["questions"].as_array().expect("questions") {
        assert_eq!(item["question"]["question_type"], "mc_word");
        assert_eq!(
            right_answer(&item["question"]),
            item["word"].as_str().unwrap_or("")
        );
    }
    assert_eq!(question_calls(&provider), vec!["q-a", "q-b", "q-a", "q-b"]);
    assert_eq!(app.stored_questions().await, 0);
}

#[tokio::test]
async fn a_slow_provider_still_gets_an_answer_within_the_clients_ten_seconds() {
    let provider = FakeProvider::start().await;
    provider.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    for word in ["kite", "lamp"] {
        app.save_word(&user, word).await;
        app.cache_definition(word).await;
    }
    app.travel_forward(&user, 2).await;

    let started = Instant::now();
    let body = app.review_batch(&format!("user_id={user}")).await;
    let elapsed = started.elapsed();

    assert!(elapsed < Duration::from_millis(8000), "took {elapsed:?}");
    assert!(
        elapsed >= Duration::from_millis(4500),
        "gave up early: {elapsed:?}"
    );
    assert_eq!(words(&body), vec!["kite", "lamp"]);
    for item in body["questions"].as_array().expect("questions") {
        assert_eq!(item["question"]["question_type"], "mc_word");
    }
    assert_eq!(
        question_calls(&provider),
        vec!["q-a", "q-b"],
        "the first word used the whole budget, the fallback got its share"
    );
    assert_eq!(app.stored_questions().await, 0);
}

#[tokio::test]
async fn without_a_provider_cached_and_definition_questions_are_served() {
    let app = spawn_app().await;
    let user = new_user_id();
    for word in ["kite", "lamp", "moss"] {
        app.save_word(&user, word).await;
    }
    app.travel_forward(&user, 2).await;
    app.cache_definition("kite").await;
    app.cache_definition("lamp").await;
    let mut question = crate::fake_provider::review_question("kite");
    question["question_type"] = "mc_definition".into();
    question["word"] = "kite".into();
    app.db
        .execute(
            "INSERT INTO review_questions (word, learning_language, native_language, question_type, question_data) \
             VALUES ('kite', 'en', 'zh', 'mc_definition', $1)",
            &[&question],
        )
        .await
        .expect("cache a question");

    let body = app.review_batch(&format!("user_id={user}")).await;

    assert_eq!(
        words(&body),
        vec!["kite", "lamp"],
        "moss has nothing to ask from"
    );
    assert_eq!(body["total_available"], 3);
    assert_eq!(body["has_more"], false);
    let (kite, lamp) = (
        &body["questions"][0]["question"],
        &body["questions"][1]["question"],
    );
    assert_eq!(kite["question_type"], "mc_definition");
    assert_eq!(right_answer(kite), "the meaning of kite");
    assert_eq!(lamp["question_type"], "mc_word");
    assert_eq!(right_answer(lamp), "lamp");
    let lamp_options: Vec<&str> = lamp["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["text"].as_str())
        .collect();
    assert_eq!(
        lamp_options.len(),
        3,
        "lamp, kite and moss: {lamp_options:?}"
    );
}

#[tokio::test]
async fn a_user_with_nothing_due_gets_an_empty_batch() {
    let app = spawn_app().await;
    let user = new_user_id();
    app.save_word(&user, "kite").await; // due tomorrow

    for query in [
        format!("user_id={user}"),
        format!("user_id={}", new_user_id()),
    ] {
        let body = app.review_batch(&query).await;
        assert_eq!(body["questions"], serde_json::json!([]));
        assert_eq!(body["total_available"], 0);
        assert_eq!(body["has_more"], false);
    }
}

#[tokio::test]
async fn bad_requests_are_400s_naming_the_field_and_other_methods_405() {
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    let long = "a".repeat(256);
    let cases = [
        ("count=5".to_owned(), "user_id"),
        ("user_id=not-a-uuid".to_owned(), "user_id"),
        (format!("user_id={user}&count=0"), "count"),
        (format!("user_id={user}&count=21"), "count"),
        (format!("user_id={user}&count=ten"), "count"),
        (format!("user_id={user}&count=2.5"), "count"),
        (
            format!("user_id={user}&exclude_words=kite,{long}"),
            "exclude_words",
        ),
    ];
    for (query, field) in cases {
        let message = error_body(
            app.get_review_batch(&query).await,
            StatusCode::BAD_REQUEST,
            &query,
        )
        .await;
        assert!(message.contains(field), "{query}: {message}");
    }
    let response = app.request(reqwest::Method::POST, PATH).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn concurrent_misses_both_succeed_and_one_row_is_kept() {
    let provider = FakeProvider::start().await;
    provider.set_delay(Duration::from_millis(500));
    let app = spawn_app_with_questions(&provider).await;
    let (first, second) = (new_user_id(), new_user_id());
    for user in [&first, &second] {
        app.save_word(user, "kite").await;
        app.travel_forward(user, 2).await;
    }

    let (query_a, query_b) = (format!("user_id={first}"), format!("user_id={second}"));
    let (a, b) = tokio::join!(app.review_batch(&query_a), app.review_batch(&query_b));

    for body in [&a, &b] {
        assert_eq!(words(body), vec!["kite"]);
        assert_eq!(
            body["questions"][0]["question"]["question_type"],
            "mc_definition"
        );
        assert_eq!(
            right_answer(&body["questions"][0]["question"]),
            "the meaning of kite"
        );
    }
    assert_eq!(
        app.stored_questions().await,
        1,
        "one row per word and languages"
    );
    assert!(!question_calls(&provider).is_empty());
}
