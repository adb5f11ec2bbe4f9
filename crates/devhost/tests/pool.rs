//! The app-wide pool: bounded waits, resets on return, no stranded transactions.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{TestApp, metric};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_pool_fails_open_within_the_acquire_timeout() {
    // Arrange: two connections, both held for 1.5 s.
    let app = TestApp::spawn_with_db(|c| {
        c.pool.max_size = 2;
        c.pool.acquire_timeout = Duration::from_millis(300);
    })
    .await;
    let holders: Vec<_> = (0..2)
        .map(|_| {
            let http = app.http.clone();
            let url = format!("{}/probe/pg/hold?ms=1500", app.base);
            tokio::spawn(async move { http.get(url).send().await })
        })
        .collect();
    // Both holders have their connection once the pool reports two in use.
    app.wait_for_metric("pool_in_use_connections", "", 2.0)
        .await;

    // Act
    let started = Instant::now();
    let result = app.query("SELECT 1 AS one", json!([])).await;
    let waited = started.elapsed();

    // Assert
    assert_eq!(result["error"]["kind"], "connection-failed", "{result}");
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("pool exhausted"),
        "{result}"
    );
    assert!(
        waited < Duration::from_millis(1100),
        "open waited {waited:?}"
    );
    for holder in holders {
        let response = holder.await.expect("join").expect("hold request");
        assert_eq!(response.status(), 200);
    }
    let after = app.query_value("SELECT 1::int4 AS one", json!([])).await;
    assert_eq!(
        after["v"], 1,
        "the pool serves again once connections return"
    );
    assert!(metric(&app.metrics(), "pool_exhausted_total", "") >= 1.0);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trap_inside_a_transaction_strands_nothing() {
    // Arrange: a single connection, so the next request must reuse the trapped one.
    let app = TestApp::spawn_with_db(|c| c.pool.max_size = 1).await;

    // Act
    let trapped = app
        .http
        .post(format!("{}/probe/pg/begin-trap", app.base))
        .body("written inside BEGIN")
        .send()
        .await
        .expect("request");
    let seen = app
        .query_value("SELECT count(*)::int4 AS n FROM probe_log", json!([]))
        .await;
    let fresh = app
        .query_value(
            "SELECT (txid_current_if_assigned() IS NULL) AS fresh",
            json!([]),
        )
        .await;

    // Assert
    assert_eq!(trapped.status(), 500);
    assert_eq!(
        seen["v"], 0,
        "the trapped transaction's insert must not be visible"
    );
    assert_eq!(
        fresh["v"], true,
        "the next request must not run inside the old transaction"
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let stranded = app.db().idle_in_transaction().await;
        if stranded == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{stranded} backend(s) idle in transaction"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.db().scalar_i64("SELECT count(*) FROM probe_log").await,
        0
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_state_is_reset_but_the_statement_timeout_stays() {
    let app = TestApp::spawn_with_db(|c| {
        c.pool.max_size = 1;
        c.pool.statement_timeout = Duration::from_secs(15);
    })
    .await;

    let set = app
        .execute("SET search_path TO pg_catalog", json!([]))
        .await;
    assert_eq!(set["rows_affected"], 0, "{set}");
    let path = app.query_value("SHOW search_path", json!([])).await;
    let timeout = app.query_value("SHOW statement_timeout", json!([])).await;

    assert_eq!(path["v"], "\"$user\", public");
    assert_eq!(timeout["v"], "15s");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_pool_serves_every_component_of_the_app() {
    let app = TestApp::spawn_with_db(|c| c.pool.max_size = 3).await;
    for _ in 0..4 {
        let r = app.query_value("SELECT 1::int4 AS one", json!([])).await;
        assert_eq!(r["v"], 1);
    }
    let text = app.metrics();
    assert_eq!(metric(&text, "pool_max_connections", ""), 3.0, "{text}");
    assert!(metric(&text, "pool_connections", "") <= 3.0);
    assert_eq!(metric(&text, "queries_total", "component=\"probe\""), 4.0);
    assert_eq!(
        metric(&text, "pool_checkouts_total", "component=\"probe\""),
        4.0
    );
    app.shutdown().await;
}
