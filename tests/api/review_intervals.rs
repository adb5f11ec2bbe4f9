//! `GET /test-review-intervals` and `/v3/test-review-intervals`: the schedule simulated
//! for a perfect learner and for one failing every third review. Public (it reads no
//! user data).

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_body, json_body, spawn_admin_app, spawn_app};

fn column(schedule: &Value, field: &str) -> Vec<Value> {
    schedule
        .as_array()
        .expect("schedule is an array")
        .iter()
        .map(|row| row[field].clone())
        .collect()
}

#[tokio::test]
async fn both_paths_simulate_the_published_intervals() {
    let app = spawn_app().await;
    for path in ["/test-review-intervals", "/v3/test-review-intervals"] {
        let today = chrono::Utc::now().date_naive();
        let body = json_body(app.get(path).await, StatusCode::OK).await;

        assert!(body["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(
            body["configuration"],
            json!({
                "retention_threshold": 0.4,
                "decay_rates": {"week_1": 0.45, "week_2": 0.18, "week_3_4": 0.09,
                                "week_5_8": 0.035, "week_9_plus": 0.015},
            })
        );

        let perfect = &body["perfect_reviews"];
        assert_eq!(
            column(&perfect["schedule"], "days_from_previous"),
            [3, 3, 6, 10, 19, 43, 62, 62, 108, 123].map(Value::from)
        );
        assert_eq!(
            column(&perfect["schedule"], "total_days_from_creation"),
            [3, 6, 12, 22, 41, 84, 146, 208, 316, 439].map(Value::from)
        );
        assert_eq!(
            column(&perfect["schedule"], "review_number"),
            (1..=10).map(Value::from).collect::<Vec<_>>()
        );
        // 439 days over 10 intervals.
        assert_eq!(
            perfect["intervals_summary"],
            json!({"intervals_in_days": [3, 3, 6, 10, 19, 43, 62, 62, 108, 123],
                   "average_interval": 43.9, "max_interval": 123, "min_interval": 3})
        );
        // The first review is due three days after the word is saved (today, UTC).
        let first: NaiveDate = perfect["schedule"][0]["date"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .expect("date is YYYY-MM-DD");
        assert!(
            first == today + Duration::days(3) || first == today + Duration::days(4),
            "first review {first}, today {today}"
        );

        let failing = &body["reviews_with_failures"];
        assert_eq!(
            column(&failing["schedule"], "days_from_previous"),
            [3, 3, 6, 3, 3, 6, 3, 3, 6, 3].map(Value::from)
        );
        let results = column(&failing["schedule"], "result");
        for (n, result) in results.iter().enumerate() {
            let expected = if (n + 1) % 3 == 0 {
                "incorrect"
            } else {
                "correct"
            };
            assert_eq!(result, expected, "review {}", n + 1);
        }
        // 39 days over 10 intervals.
        assert_eq!(failing["intervals_summary"]["average_interval"], json!(3.9));
        assert_eq!(failing["intervals_summary"]["max_interval"], json!(6));
        assert_eq!(failing["intervals_summary"]["min_interval"], json!(3));
    }
    assert_eq!(app.usage_rows("/test-review-intervals", 1).await.len(), 1);
}

#[tokio::test]
async fn it_needs_no_token_even_when_one_is_configured_and_only_answers_get() {
    let app = spawn_admin_app().await;
    json_body(app.get("/v3/test-review-intervals").await, StatusCode::OK).await;
    let response = app
        .request(reqwest::Method::POST, "/v3/test-review-intervals")
        .await;
    error_body(response, StatusCode::METHOD_NOT_ALLOWED, "POST").await;
}
