//! `POST /fix_next_review_dates` (and `/v3/...`): recomputes each word's latest
//! `next_review_date` from its history, fixes the wrong ones, and is idempotent.

use chrono::NaiveDateTime;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_body, new_user_id, spawn_admin_app};

/// `(review id, next_review_date)` of every review, by id.
async fn review_dates(app: &TestApp) -> Vec<(i32, NaiveDateTime)> {
    app.db
        .query("SELECT id, next_review_date FROM reviews ORDER BY id", &[])
        .await
        .expect("read reviews")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

async fn fix(app: &TestApp, path: &str) -> Value {
    json_body(app.admin_post(path, &json!({})).await, StatusCode::OK).await
}

#[tokio::test]
async fn corrupted_dates_are_recomputed_and_a_second_run_changes_nothing() {
    let app = spawn_admin_app().await;
    let (alice, bob) = (new_user_id(), new_user_id());
    // Three reviewed words with real histories (several days apart), one word never
    // reviewed (nothing to check).
    for (user, word) in [(&alice, "anchor"), (&alice, "beacon"), (&bob, "candle")] {
        app.review(user, word, true).await;
        app.travel_forward(user, 3).await;
        app.review(user, word, word != "beacon").await;
        app.travel_forward(user, 4).await;
        app.review(user, word, true).await;
    }
    app.save_word(&bob, "unreviewed").await;
    let correct = review_dates(&app).await;
    assert_eq!(correct.len(), 9);

    // Nothing to fix yet.
    let body = fix(&app, "/fix_next_review_dates").await;
    assert_eq!(body["success"], json!(true));
    assert_eq!(
        body["statistics"],
        json!({"total_checked": 3, "correct_records": 3, "updated_records": 0})
    );

    // Corrupt the latest review of anchor and candle, and an older review of beacon
    // (only a word's latest review carries its schedule, so that one is left alone).
    app.db
        .batch_execute(
            "UPDATE reviews SET next_review_date = '2000-01-01 00:00:00'
             WHERE id IN (SELECT max(r.id) FROM reviews r JOIN saved_words s ON s.id = r.word_id
                          WHERE s.word IN ('anchor', 'candle') GROUP BY r.word_id);
             UPDATE reviews SET next_review_date = next_review_date + interval '5 days'
             WHERE id = (SELECT min(r.id) FROM reviews r JOIN saved_words s ON s.id = r.word_id
                         WHERE s.word = 'beacon');",
        )
        .await
        .expect("corrupt");
    let corrupted = review_dates(&app).await;
    assert_eq!(
        corrupted
            .iter()
            .zip(&correct)
            .filter(|(a, b)| a != b)
            .count(),
        3
    );

    let body = fix(&app, "/v3/fix_next_review_dates").await;
    assert_eq!(
        body["statistics"],
        json!({"total_checked": 3, "correct_records": 1, "updated_records": 2})
    );
    let fixed = review_dates(&app).await;
    let beacon_first = correct
        .iter()
        .zip(&corrupted)
        .find(|(a, b)| a != b && b.1.to_string() != "2000-01-01 00:00:00")
        .map(|(a, _)| a.0)
        .expect("beacon's first review");
    for ((now, before), was) in fixed.iter().zip(&correct).zip(&corrupted) {
        if now.0 == beacon_first {
            assert_eq!(now, was, "an older review is not touched");
        } else {
            assert_eq!(now, before, "review {} is back to its schedule", now.0);
        }
    }

    // Idempotent.
    let body = fix(&app, "/fix_next_review_dates").await;
    assert_eq!(
        body["statistics"],
        json!({"total_checked": 3, "correct_records": 3, "updated_records": 0})
    );
    assert_eq!(review_dates(&app).await, fixed);
}

#[tokio::test]
async fn an_empty_database_has_nothing_to_check() {
    let app = spawn_admin_app().await;
    let body = fix(&app, "/v3/fix_next_review_dates").await;
    assert_eq!(
        body["statistics"],
        json!({"total_checked": 0, "correct_records": 0, "updated_records": 0})
    );
}
