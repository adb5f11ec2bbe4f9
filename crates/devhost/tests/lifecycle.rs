//! Traps, deadlines, body limits, metrics and graceful shutdown.

use std::time::{Duration, Instant};

use crate::helpers::{TestApp, metric};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trap_answers_500_and_the_server_keeps_serving() {
    let app = TestApp::spawn(|_| {}).await;

    let trapped = app.get("/probe/trap").await;
    let after = app.get("/exact").await;

    assert_eq!(trapped.status(), 500);
    assert_eq!(after.status(), 200);
    let text = app.metrics();
    assert_eq!(
        metric(&text, "traps_total", "component=\"probe\""),
        1.0,
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            "requests_total",
            "component=\"probe\",status=\"500\""
        ),
        1.0,
        "{text}"
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_interrupted_and_answered_504() {
    // Arrange
    let app = TestApp::spawn(|c| c.request_timeout = Duration::from_millis(500)).await;
    let cases = [
        ("/probe/spin?ms=10000", "a busy guest (epoch interruption)"),
        ("/probe/sleep?ms=10000", "a guest blocked in a host call"),
    ];

    for (path, why) in cases {
        // Act
        let started = Instant::now();
        let response = app.get(path).await;
        let took = started.elapsed();

        // Assert
        assert_eq!(response.status(), 504, "{why}");
        assert!(took < Duration::from_secs(3), "{why}: took {took:?}");
    }
    assert_eq!(app.get("/exact").await.status(), 200, "still serving");
    assert_eq!(
        metric(&app.metrics(), "timeouts_total", "component=\"probe\""),
        2.0
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413() {
    let app = TestApp::spawn(|c| c.max_body_bytes = 1024).await;
    let post = |len: usize| {
        app.http
            .post(format!("{}/probe/echo", app.base))
            .body(vec![b'x'; len])
            .send()
    };

    let small = post(1024).await.expect("request");
    let large = post(4096).await.expect("request");

    assert_eq!(small.status(), 200);
    let body: serde_json::Value = small.json().await.expect("json");
    assert_eq!(body["body_len"], 1024);
    assert_eq!(large.status(), 413);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_in_flight_requests_then_stops_accepting() {
    // Arrange
    let app = TestApp::spawn(|_| {}).await;
    let slow = {
        let http = app.http.clone();
        let url = format!("{}/probe/sleep?ms=700", app.base);
        tokio::spawn(async move { http.get(url).send().await })
    };
    app.wait_for_metric("requests_in_flight", "", 1.0).await;
    let base = app.base.clone();

    // Act
    app.shutdown().await;

    // Assert
    let response = slow
        .await
        .expect("join")
        .expect("in-flight request completes");
    assert_eq!(response.status(), 200);
    let refused = reqwest::get(format!("{base}/exact")).await;
    assert!(refused.is_err(), "the listener is closed after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_on_their_own_address() {
    let app =
        TestApp::spawn(|c| c.metrics_listen = Some("127.0.0.1:0".parse().expect("addr"))).await;
    assert_eq!(app.get("/exact").await.status(), 200);
    let addr = app
        .host
        .as_ref()
        .and_then(|h| h.metrics_addr())
        .expect("metrics address");

    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");

    assert!(
        metric(
            &text,
            "requests_total",
            "component=\"probe\",status=\"200\""
        ) >= 1.0,
        "{text}"
    );
    assert!(
        text.contains("devhost_request_duration_seconds_bucket"),
        "{text}"
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_wasm_fails_start_up_naming_the_build_command() {
    let wasm = crate::helpers::require_probe().display().to_string();
    let dir = crate::helpers::manifest_variant(|m| m.replacen(&wasm, "/nonexistent/probe.wasm", 1));
    let mut cfg = crate::helpers::config();
    cfg.manifest = dir.path().join("spin.toml");

    let err = devhost::Host::build(cfg)
        .await
        .expect_err("the probe's wasm is missing");

    let text = format!("{err:#}");
    assert!(text.contains("/nonexistent/probe.wasm"), "{text}");
    assert!(
        text.contains("cargo build --target wasm32-wasip2 --release -p devhost-probe"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiled_components_are_cached_on_disk_and_reused() {
    // Arrange: an empty cache; three components share one .wasm.
    let cache = crate::helpers::tempdir::TempDir::new();
    let cached_entries = || {
        std::fs::read_dir(cache.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
                    .count()
            })
            .unwrap_or(0)
    };

    // Act
    let first = TestApp::spawn(|c| c.cache_dir = Some(cache.path().to_path_buf())).await;
    let after_first = cached_entries();
    first.shutdown().await;
    let second = TestApp::spawn(|c| c.cache_dir = Some(cache.path().to_path_buf())).await;

    // Assert
    assert_eq!(after_first, 1, "one compiled artifact per distinct .wasm");
    assert_eq!(cached_entries(), 1, "a restart reuses the cached artifact");
    assert_eq!(second.get("/exact").await.status(), 200);
    second.shutdown().await;
}
