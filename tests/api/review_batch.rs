//! `GET /v3/next-review-words-batch`: due words, most overdue first, then unsaved bundle
//! words (`BUNDLE`, `EVERYDAY`, `RANDOM`), each with the first question of its chain
//! that is cached or gets generated (`video_mc`, `mc_quote`, `mc_def_native`), else an
//! `mc_word` built from the definition without the provider.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

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

/// The app with the fake provider and the question chain `q-a,q-b` (definitions:
/// `def-a,def-b`).
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

/// The definition models asked, in order.
fn definition_calls(provider: &FakeProvider) -> Vec<String> {
    provider
        .models()
        .into_iter()
        .filter(|m| m.starts_with("def-"))
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
        for (position, item) in body["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .enumerate()
        {
            assert_eq!(item["position"], position);
            assert_eq!(item["question"]["word"], item["word"]);
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

    /// Caches the fake provider's definition of `word` (en → `native`).
    async fn cache_definition_in(&self, word: &str, native: &str) {
        let definition = crate::fake_provider::definition(word);
        self.db
            .execute(
                "INSERT INTO definitions (word, learning_language, native_language, definition_data) \
                 VALUES ($1, 'en', $2, $3)",
                &[&word, &native, &definition],
            )
            .await
            .expect("cache a definition");
    }

    /// Caches the fake provider's definition of `word` (en → zh).
    async fn cache_definition(&self, word: &str) {
        self.cache_definition_in(word, "zh").await;
    }

    /// Caches a review question of `word` (en → zh).
    async fn cache_question(&self, word: &str, kind: &str, mut question: Value) {
        question["question_type"] = kind.into();
        question["word"] = word.into();
        self.db
            .execute(
                "INSERT INTO review_questions (word, learning_language, native_language, question_type, question_data) \
                 VALUES ($1, 'en', 'zh', $2, $3)",
                &[&word, &kind, &question],
            )
            .await
            .expect("cache a question");
    }

    /// No bundle words: only due words can be served.
    async fn without_fillers(&self) {
        self.db
            .execute("DELETE FROM bundle_vocabularies", &[])
            .await
            .expect("empty the bundles");
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

    async fn stored_question(&self, word: &str, kind: &str) -> Value {
        self.db
            .query_one(
                "SELECT question_data FROM review_questions WHERE word = $1 AND question_type = $2",
                &[&word, &kind],
            )
            .await
            .expect("one stored question")
            .get(0)
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

fn types(body: &Value) -> Vec<String> {
    body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            q["question"]["question_type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn sources(body: &Value) -> Vec<String> {
    body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["source"].as_str().unwrap_or_default().to_owned())
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
async fn due_words_come_most_overdue_first_with_quote_questions_then_from_the_cache() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    app.without_fillers().await;
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
    for item in [date, apple] {
        assert_eq!(item["source"], "DUE");
        assert_eq!(item["learning_language"], "en");
        assert_eq!(item["native_language"], "zh");
        let question = &item["question"];
        let word = item["word"].as_str().unwrap_or_default();
        assert_eq!(question["question_type"], "mc_quote");
        assert_eq!(question["options"].as_array().map(Vec::len), Some(2));
        assert_eq!(question["quote"], format!("To {word} or not to {word}."));
        assert_eq!(question["quote_source"], "Nobody, The Fake Play");
        assert_eq!(question["quote_translation"], format!("{word} (zh quote)"));
        assert_eq!(right_answer(question), format!("the meaning of {word}"));
    }
    assert_eq!(date["definition"]["definition_data"]["phonetic"], "/date/");
    assert_eq!(date["definition"]["audio_generation_status"], "on_demand");
    assert_eq!(
        apple["definition"],
        Value::Null,
        "apple has no cached definition"
    );
    assert_eq!(question_calls(&provider), vec!["q-a", "q-a"]);
    assert_eq!(provider.schemas(), vec!["quote_question", "quote_question"]);
    assert!(
        provider.calls()[0].prompt.contains("A date as a thing."),
        "the cached sense is asked about: {}",
        provider.calls()[0].prompt
    );
    assert_eq!(app.stored_questions().await, 2);
    let stored = app.stored_question("date", "mc_quote").await;
    assert_eq!(stored["correct_answer"], "A", "stored before shuffling");

    // A second batch is served from review_questions.
    let again = app.review_batch(&format!("user_id={user}&count=10")).await;
    assert_eq!(words(&again), vec!["date", "apple"]);
    assert_eq!(types(&again), vec!["mc_quote", "mc_quote"]);
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
    app.without_fillers().await;
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
    assert_eq!(
        types(&body),
        vec!["mc_quote", "mc_quote", "mc_word", "mc_word"]
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
    assert_eq!(types(&next), vec!["mc_quote"; 4]);
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
        app.without_fillers().await;
        let user = new_user_id();
        app.save_word(&user, "kite").await;
        app.travel_forward(&user, 2).await;

        let body = app.review_batch(&format!("user_id={user}")).await;

        assert_eq!(words(&body), vec!["kite"], "{case}");
        assert_eq!(types(&body), vec!["mc_quote"], "{case}");
        assert_eq!(question_calls(&provider), vec!["q-a", "q-b"], "{case}");
        let stored = app.stored_question("kite", "mc_quote").await;
        assert_eq!(stored["correct_answer"], "A", "{case}: stored as generated");
        assert_eq!(stored["question_type"], "mc_quote");
    }
}

#[tokio::test]
async fn a_refused_quote_falls_back_to_a_native_meaning_question_and_is_not_asked_again() {
    // Arrange
    let provider = FakeProvider::start().await;
    provider.refuse("quote_question", "kite");
    let app = spawn_app_with_questions(&provider).await;
    app.without_fillers().await;
    let user = new_user_id();
    app.save_word(&user, "kite").await;
    app.cache_definition("kite").await;
    app.travel_forward(&user, 2).await;

    // Act
    let body = app.review_batch(&format!("user_id={user}")).await;

    // Assert
    assert_eq!(types(&body), vec!["mc_def_native"]);
    let question = &body["questions"][0]["question"];
    assert_eq!(right_answer(question), "kite 的意思");
    assert_eq!(question["options"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        provider.schemas(),
        vec!["quote_question", "def_native_question"],
        "a refusal is an answer: the fallback model is not asked"
    );
    assert!(
        provider.calls()[1].prompt.contains("Chinese"),
        "{}",
        provider.calls()[1].prompt
    );
    assert_eq!(
        app.stored_question("kite", "mc_def_native").await["correct_answer"],
        "A"
    );

    // The refusal is remembered: no provider call the second time.
    let again = app.review_batch(&format!("user_id={user}")).await;
    assert_eq!(types(&again), vec!["mc_def_native"]);
    assert_eq!(provider.calls().len(), 2);
}

#[tokio::test]
async fn when_every_model_fails_the_words_get_definition_questions_and_nothing_is_stored() {
    let provider = FakeProvider::start().await;
    provider.fail_model("q-a");
    provider.invalid_for_model("q-b");
    let app = spawn_app_with_questions(&provider).await;
    app.without_fillers().await;
    let user = new_user_id();
    for word in ["kite", "lamp"] {
        app.save_word(&user, word).await;
        app.cache_definition(word).await;
    }
    app.save_word(&user, "moss").await; // no definition: nothing to build from
    app.travel_forward(&user, 2).await;

    let body = app.review_batch(&format!("user_id={user}")).await;

    assert_eq!(words(&body), vec!["kite", "lamp"]);
    assert_eq!(types(&body), vec!["mc_word", "mc_word"]);
    assert_eq!(body["total_available"], 3);
    assert_eq!(body["has_more"], true, "moss is due but was not served");
    for item in body["questions"].as_array().expect("questions") {
        assert_eq!(
            right_answer(&item["question"]),
            item["word"].as_str().unwrap_or("")
        );
    }
    assert_eq!(
        provider.schemas(),
        vec![
            "quote_question",
            "quote_question",
            "def_native_question",
            "def_native_question"
        ],
        "kite's quote, then its native-meaning question, each on both models"
    );
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
    assert_eq!(
        words(&body),
        vec!["kite", "lamp"],
        "no filler got a definition"
    );
    assert_eq!(types(&body), vec!["mc_word", "mc_word"]);
    assert_eq!(
        provider.models(),
        vec!["q-a", "q-b"],
        "the first word used the whole budget, the fallback got its share"
    );
    assert_eq!(app.stored_questions().await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM definitions").await,
        2,
        "nothing stored"
    );
}

#[tokio::test]
async fn without_a_provider_cached_and_definition_questions_are_served() {
    let app = spawn_app().await;
    let user = new_user_id();
    for word in ["kite", "lamp", "moss", "reed"] {
        app.save_word(&user, word).await;
    }
    app.travel_forward(&user, 2).await;
    app.cache_definition("kite").await;
    app.cache_definition("lamp").await;
    let def_native = crate::fake_provider::def_native_question("kite");
    app.cache_question("kite", "mc_def_native", def_native)
        .await;
    let clip = app
        .clip("reed clip", "reed", Some("Look at the reed."), 0.5)
        .await;
    let mut video_question = crate::fake_provider::video_question("reed");
    video_question["question_type"] = "video_mc".into();
    video_question["word"] = "reed".into();
    video_question["video_id"] = clip.into();
    app.db
        .execute(
            "INSERT INTO video_questions (video_id, word, learning_language, question_data) \
             VALUES ($1, 'reed', 'en', $2)",
            &[&clip, &video_question],
        )
        .await
        .expect("cache a video question");

    let body = app.review_batch(&format!("user_id={user}")).await;

    assert_eq!(
        words(&body),
        vec!["kite", "lamp", "reed"],
        "moss has nothing to ask from"
    );
    assert_eq!(types(&body), vec!["mc_def_native", "mc_word", "video_mc"]);
    assert_eq!(body["total_available"], 4, "no filler has a definition");
    assert_eq!(body["has_more"], true);
    let (kite, lamp, reed) = (
        &body["questions"][0]["question"],
        &body["questions"][1]["question"],
        &body["questions"][2]["question"],
    );
    assert_eq!(right_answer(kite), "kite 的意思");
    assert_eq!(right_answer(lamp), "lamp");
    let lamp_options: Vec<&str> = lamp["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["text"].as_str())
        .collect();
    assert_eq!(lamp_options.len(), 4, "{lamp_options:?}");
    for saved in ["kite", "moss", "reed"] {
        assert!(
            lamp_options.contains(&saved),
            "the user's words come first: {lamp_options:?}"
        );
    }
    assert_eq!(reed["video_id"], clip);
    assert_eq!(reed["video_metadata"]["movie_year"], 1999);
    assert_eq!(right_answer(reed), "reed as in the clip");
    assert_eq!(body["questions"][2]["definition"], Value::Null);
}

#[tokio::test]
async fn video_questions_are_asked_for_words_with_a_transcribed_clip_and_shared() {
    // Arrange: apple has a clip with an audio transcript; pear's clip has none.
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    app.without_fillers().await;
    let user = new_user_id();
    for word in ["apple", "pear"] {
        app.save_word(&user, word).await;
    }
    app.travel_forward(&user, 2).await;
    let clip = app
        .clip("apple clip", "apple", Some("I love apples."), 0.9)
        .await;
    let silent = app.clip("pear clip", "pear", None, 0.9).await;
    app.db
        .execute(
            "UPDATE videos SET transcript = 'A pear.' WHERE id = $1",
            &[&silent],
        )
        .await
        .expect("a transcript without audio transcript");

    // Act
    let body = app.review_batch(&format!("user_id={user}")).await;

    // Assert
    assert_eq!(words(&body), vec!["apple", "pear"]);
    assert_eq!(types(&body), vec!["video_mc", "mc_quote"]);
    let question = &body["questions"][0]["question"];
    assert_eq!(question["video_id"], clip);
    assert_eq!(question["audio_transcript"], "I love apples.");
    assert_eq!(question["show_word_before_video"], false);
    assert_eq!(question["video_metadata"]["movie_title"], "The Film");
    assert_eq!(right_answer(question), "apple as in the clip");
    assert_eq!(provider.schemas(), vec!["video_question", "quote_question"]);
    assert!(provider.calls()[0].prompt.contains("I love apples."));
    assert_eq!(app.count("SELECT count(*) FROM video_questions").await, 1);

    // The clip's question is the one GET /v3/api/video-questions-for-word serves.
    let videos = json_body(
        app.get(&format!(
            "/v3/api/video-questions-for-word?word=apple&user_id={user}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(videos["questions"][0]["question"]["video_id"], clip);
    assert_eq!(provider.calls().len(), 2, "served from video_questions");
}

#[tokio::test]
async fn fillers_follow_due_words_bundle_then_everyday_then_random_in_the_users_languages() {
    // Arrange: kite is due (en → zh); the user now studies DEMO with Japanese as native
    // language. Cached definitions (en → ja): lantern (DEMO), kettle (everyday),
    // merger (business). Without a provider only those can be served.
    let app = spawn_app().await;
    let user = new_user_id();
    app.save_word(&user, "kite").await;
    app.cache_definition("kite").await;
    app.travel_forward(&user, 2).await;
    let preferences = json!({
        "learning_language": "en", "native_language": "ja",
        "test_prep": "DEMO", "study_duration_days": 30
    });
    json_body(
        app.post_preferences(&user, &preferences).await,
        StatusCode::OK,
    )
    .await;
    for word in ["lantern", "kettle", "merger"] {
        app.cache_definition_in(word, "ja").await;
    }
    app.cache_definition("anchor").await; // DEMO, but in another native language

    // Act
    let body = app.review_batch(&format!("user_id={user}&count=10")).await;

    // Assert
    assert_eq!(words(&body), vec!["kite", "lantern", "kettle", "merger"]);
    assert_eq!(sources(&body), vec!["DUE", "BUNDLE", "EVERYDAY", "RANDOM"]);
    assert_eq!(body["total_available"], 4);
    assert_eq!(body["has_more"], false);
    let items = body["questions"].as_array().expect("questions");
    assert_eq!(
        items[0]["native_language"], "zh",
        "a due word keeps its languages"
    );
    for filler in &items[1..] {
        let word = filler["word"].as_str().unwrap_or_default();
        assert_eq!(filler["saved_word_id"], Value::Null);
        assert_eq!(
            (&filler["learning_language"], &filler["native_language"]),
            (&"en".into(), &"ja".into())
        );
        assert_eq!(filler["question"]["question_type"], "mc_word");
        assert_eq!(right_answer(&filler["question"]), word);
        assert_eq!(filler["definition"]["native_language"], "ja");
        assert_eq!(
            filler["definition"]["definition_data"]["phonetic"],
            format!("/{word}/")
        );
    }

    // count cuts the fillers; exclude_words applies to every group.
    let two = app.review_batch(&format!("user_id={user}&count=2")).await;
    assert_eq!(words(&two), vec!["kite", "lantern"]);
    assert_eq!(
        (&two["total_available"], &two["has_more"]),
        (&4.into(), &true.into())
    );
    let rest = app
        .review_batch(&format!(
            "user_id={user}&count=10&exclude_words=kite,lantern,KETTLE"
        ))
        .await;
    assert_eq!(words(&rest), vec!["merger"]);
    assert_eq!(sources(&rest), vec!["RANDOM"]);
    assert_eq!(
        (&rest["total_available"], &rest["has_more"]),
        (&1.into(), &false.into())
    );

    // A saved word is no filler any more.
    app.save_word(&user, "lantern").await;
    let after = app.review_batch(&format!("user_id={user}&count=10")).await;
    assert_eq!(words(&after), vec!["kite", "kettle", "merger"]);
}

#[tokio::test]
async fn a_filler_without_a_definition_gets_one_generated_per_request_and_stored() {
    // Arrange
    let provider = FakeProvider::start().await;
    let app = spawn_app_with_questions(&provider).await;
    let user = new_user_id();
    let preferences = json!({
        "learning_language": "en", "native_language": "zh",
        "test_prep": "DEMO", "study_duration_days": 30
    });
    json_body(
        app.post_preferences(&user, &preferences).await,
        StatusCode::OK,
    )
    .await;
    let bundle_words = app
        .count("SELECT count(*) FROM bundle_vocabularies WHERE language = 'en'")
        .await;

    // Act
    let body = app.review_batch(&format!("user_id={user}&count=5")).await;

    // Assert: one definition per request, so one filler (from the DEMO bundle).
    assert_eq!(words(&body).len(), 1);
    assert_eq!(sources(&body), vec!["BUNDLE"]);
    let item = &body["questions"][0];
    let word = item["word"].as_str().unwrap_or_default().to_owned();
    assert_eq!(item["saved_word_id"], Value::Null);
    assert_eq!(item["question"]["question_type"], "mc_quote");
    assert_eq!(
        item["definition"]["definition_data"]["phonetic"],
        format!("/{word}/")
    );
    assert_eq!(definition_calls(&provider), vec!["def-a"]);
    assert_eq!(question_calls(&provider), vec!["q-a"]);
    assert_eq!(body["total_available"], bundle_words);
    assert_eq!(body["has_more"], true);
    let demo: bool = app
        .db
        .query_one(
            "SELECT is_demo FROM bundle_vocabularies WHERE word = $1",
            &[&word],
        )
        .await
        .expect("a bundle word")
        .get(0);
    assert!(demo, "{word} is from the user's bundle");
    assert_eq!(app.count("SELECT count(*) FROM definitions").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM saved_words").await,
        0,
        "a filler is not saved"
    );

    // GET /v3/word finds the stored definition: no provider call.
    let lookup = json_body(
        app.get(&format!("/v3/word?w={word}&user_id={user}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lookup["definition_data"]["phonetic"], format!("/{word}/"));
    assert_eq!(definition_calls(&provider), vec!["def-a"]);
}

#[tokio::test]
async fn a_user_with_nothing_due_and_no_cached_definitions_gets_an_empty_batch() {
    let app = spawn_app().await;
    let user = new_user_id();
    app.save_word(&user, "kite").await; // due tomorrow

    for query in [
        format!("user_id={user}"),
        format!("user_id={}", new_user_id()),
    ] {
        let body = app.review_batch(&query).await;
        assert_eq!(body["questions"], json!([]));
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
    let many = vec!["w"; 501].join(",");
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
        (
            format!("user_id={user}&exclude_words={many}"),
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
    app.without_fillers().await;
    let (first, second) = (new_user_id(), new_user_id());
    for user in [&first, &second] {
        app.save_word(user, "kite").await;
        app.travel_forward(user, 2).await;
    }

    let (query_a, query_b) = (format!("user_id={first}"), format!("user_id={second}"));
    let (a, b) = tokio::join!(app.review_batch(&query_a), app.review_batch(&query_b));

    for body in [&a, &b] {
        assert_eq!(words(body), vec!["kite"]);
        assert_eq!(types(body), vec!["mc_quote"]);
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
