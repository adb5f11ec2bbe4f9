//! The whole cycle of reference §8 through the API: save a word, review it
//! exactly when it falls due, and check the intervals the server schedules.

use crate::helpers::{TestApp, json_body, new_user_id, spawn_app};
use reqwest::StatusCode;

async fn overdue(app: &TestApp, user_id: &str) -> i64 {
    let body = json_body(
        app.get_due_counts(&format!("user_id={user_id}")).await,
        StatusCode::OK,
    )
    .await;
    body["overdue_count"]
        .as_i64()
        .expect("overdue_count is an integer")
}

/// Reviews `word` each time it falls due, answering per `answers`, and
/// returns the interval (days) the server gave after each review.
async fn run_schedule(app: &TestApp, user_id: &str, answers: &[bool]) -> Vec<i64> {
    app.save_word(user_id, "cadence").await;
    // A fresh word is first due 3 days after it was saved (§8.1).
    app.travel_forward(user_id, 3).await;
    let mut intervals = Vec::new();
    for &correct in answers {
        assert_eq!(
            overdue(app, user_id).await,
            1,
            "due before review {}",
            intervals.len() + 1
        );
        let body = app.review(user_id, "cadence", correct).await;
        let interval = body["interval_days"]
            .as_i64()
            .expect("interval_days is an integer");
        assert_eq!(
            overdue(app, user_id).await,
            0,
            "not due right after a review"
        );
        intervals.push(interval);
        app.travel_forward(user_id, interval).await;
    }
    intervals
}

#[tokio::test]
async fn reviewing_on_time_and_always_right_follows_the_published_schedule() {
    let app = spawn_app().await;
    let user_id = new_user_id();

    let intervals = run_schedule(&app, &user_id, &[true; 9]).await;

    assert_eq!(intervals, [3, 6, 10, 19, 43, 62, 62, 108, 123]);
}

#[tokio::test]
async fn failing_every_third_review_falls_back_to_short_intervals() {
    let app = spawn_app().await;
    let user_id = new_user_id();
    let answers: Vec<bool> = (1..=9).map(|n| n % 3 != 0).collect();

    let intervals = run_schedule(&app, &user_id, &answers).await;

    assert_eq!(intervals, [3, 6, 3, 3, 6, 3, 3, 6, 3]);
}
