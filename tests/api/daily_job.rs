//! `POST /v3/test-prep/run-daily-job`: adds up to 10 unsaved bundle words a day to each
//! test-prep user, once per day.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, json_body, new_user_id, spawn_admin_app};

const JOB: &str = "/v3/test-prep/run-daily-job";

async fn prepare(app: &TestApp, user: &str, native: &str, test_prep: Option<&str>) {
    let mut body = json!({"learning_language": "en", "native_language": native});
    if let Some(test) = test_prep {
        body["test_prep"] = json!(test);
        body["study_duration_days"] = json!(30);
    }
    json_body(app.post_preferences(user, &body).await, StatusCode::OK).await;
}

async fn populate(app: &TestApp, bundle: &str, words: &[&str]) {
    json_body(
        app.admin_post(
            "/v3/test-prep/batch-populate",
            &json!({"bundle": bundle, "words": words}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// A user's saved words as `(word, learning, native)`, alphabetical.
async fn saved(app: &TestApp, user: &str) -> Vec<(String, String, String)> {
    let user: Uuid = user.parse().expect("uuid");
    app.db
        .query(
            "SELECT word, learning_language, native_language FROM saved_words \
             WHERE user_id = $1 ORDER BY word",
            &[&user],
        )
        .await
        .expect("read saved words")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn everything(app: &TestApp) -> Vec<String> {
    app.db
        .query(
            "SELECT user_id::text || ' ' || word || ' ' || native_language FROM saved_words \
             UNION ALL SELECT user_id::text || ' ' || COALESCE(last_test_words_added::text, '-') \
             FROM user_preferences ORDER BY 1",
            &[],
        )
        .await
        .expect("read state")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

async fn run(app: &TestApp) -> Value {
    json_body(app.admin_post(JOB, &json!({})).await, StatusCode::OK).await
}

fn words(range: std::ops::RangeInclusive<u8>) -> Vec<String> {
    range.map(|c| format!("demo{c:02}")).collect()
}

#[tokio::test]
async fn test_prep_users_get_ten_new_words_once_a_day() {
    let app = spawn_admin_app().await;
    // Counted from an empty table, without the word lists migration V7 ships.
    app.clear_bundles().await;
    let demo_words = words(1..=12);
    let demo_refs: Vec<&str> = demo_words.iter().map(String::as_str).collect();
    populate(&app, "DEMO", &demo_refs).await;
    // Beginner words are also advanced words.
    populate(&app, "TOEFL_BEGINNER", &["ample", "brisk", "candid"]).await;

    let (demo, toefl, casual) = (new_user_id(), new_user_id(), new_user_id());
    prepare(&app, &demo, "zh", Some("DEMO")).await;
    prepare(&app, &toefl, "fr", Some("TOEFL_ADVANCED")).await;
    prepare(&app, &casual, "zh", None).await;
    // demo already saved demo03 and a word outside the bundle.
    app.save_word(&demo, "demo03").await;
    app.save_word(&casual, "hello").await;

    let body = run(&app).await;
    assert_eq!(
        body,
        json!({"success": true, "users_processed": 2, "words_added": 13, "batches": 1})
    );

    // The ten first unsaved demo words, alphabetically, in the user's languages.
    let expected: Vec<(String, String, String)> = words(1..=11)
        .into_iter()
        .map(|w| (w, "en".to_owned(), "zh".to_owned()))
        .collect();
    assert_eq!(saved(&app, &demo).await, expected);
    let toefl_words: Vec<(String, String, String)> = ["ample", "brisk", "candid"]
        .into_iter()
        .map(|w| (w.to_owned(), "en".to_owned(), "fr".to_owned()))
        .collect();
    assert_eq!(saved(&app, &toefl).await, toefl_words);
    assert_eq!(
        saved(&app, &casual).await.len(),
        1,
        "no test prep, no words"
    );

    // A second run the same day changes nothing.
    let state = everything(&app).await;
    let body = run(&app).await;
    assert_eq!(
        body,
        json!({"success": true, "users_processed": 0, "words_added": 0, "batches": 1})
    );
    assert_eq!(everything(&app).await, state);

    // The next day, the demo user gets the one word left; the TOEFL user has none left.
    app.db
        .execute(
            "UPDATE user_preferences SET last_test_words_added = last_test_words_added - 1",
            &[],
        )
        .await
        .expect("move a day on");
    let body = run(&app).await;
    assert_eq!(
        body,
        json!({"success": true, "users_processed": 2, "words_added": 1, "batches": 1})
    );
    assert_eq!(saved(&app, &demo).await.len(), 12);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM user_preferences \
             WHERE last_test_words_added = (now() AT TIME ZONE 'utc')::date"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn with_no_test_prep_user_the_job_does_nothing() {
    let app = spawn_admin_app().await;
    populate(&app, "DEMO", &["alpha"]).await;
    prepare(&app, &new_user_id(), "zh", None).await;
    let body = run(&app).await;
    assert_eq!(
        body,
        json!({"success": true, "users_processed": 0, "words_added": 0, "batches": 1})
    );
    assert_eq!(app.count("SELECT count(*) FROM saved_words").await, 0);
}
