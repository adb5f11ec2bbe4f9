//! `POST /v3/api/trigger-video-search` queues a word; the operator route
//! `POST /v3/admin/video-search/process` hands queued words to the video search service
//! (a fake on loopback here).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use axum::response::{IntoResponse, Response as AxumResponse};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::contract::assert_client_decodes;
use crate::helpers::{
    ADMIN_TOKEN, TestApp, error_body, json_body, spawn_app, spawn_app_with_variables,
};

const TRIGGER: &str = "/v3/api/trigger-video-search";
const PROCESS: &str = "/v3/admin/video-search/process";
const SERVICE_KEY: &str = "video-service-key-31";

/// How the fake service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 202 `{"status": "accepted", "videos_found": 2}`.
    Accept,
    /// 500.
    Fail,
    /// 200 with a body that is not JSON.
    Invalid,
}

#[derive(Debug)]
struct ServiceState {
    mode: Mode,
    delay: Option<Duration>,
    /// (path, authorization header, JSON body) of every request.
    calls: Vec<(String, String, Value)>,
}

/// A fake video search service on loopback.
struct FakeVideoService {
    address: SocketAddr,
    state: Arc<Mutex<ServiceState>>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeVideoService {
    async fn start(mode: Mode) -> FakeVideoService {
        let state = Arc::new(Mutex::new(ServiceState {
            mode,
            delay: None,
            calls: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake video service");
        let address = listener.local_addr().expect("address");
        let app = Router::new()
            .fallback(serve_search)
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeVideoService {
            address,
            state,
            server,
        }
    }

    fn set_mode(&self, mode: Mode) {
        if let Ok(mut s) = self.state.lock() {
            s.mode = mode;
        }
    }

    fn set_delay(&self, delay: Duration) {
        if let Ok(mut s) = self.state.lock() {
            s.delay = Some(delay);
        }
    }

    fn calls(&self) -> Vec<(String, String, Value)> {
        self.state
            .lock()
            .map(|s| s.calls.clone())
            .unwrap_or_default()
    }

    /// The application variables pointing at this service, with the operator token.
    fn variables(&self) -> Vec<(String, String)> {
        vec![
            ("admin_token".to_owned(), ADMIN_TOKEN.to_owned()),
            (
                "video_search_base_url".to_owned(),
                format!("http://{}/api", self.address),
            ),
            ("video_search_host".to_owned(), self.address.to_string()),
            ("video_search_api_key".to_owned(), SERVICE_KEY.to_owned()),
        ]
    }
}

impl Drop for FakeVideoService {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve_search(
    State(state): State<Arc<Mutex<ServiceState>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> AxumResponse {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let (mode, delay) = match state.lock() {
        Ok(mut s) => {
            s.calls
                .push((uri.path().to_owned(), authorization, request));
            (s.mode, s.delay)
        }
        Err(_) => (Mode::Fail, None),
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    match mode {
        Mode::Accept => (
            AxumStatus::ACCEPTED,
            axum::Json(json!({"status": "accepted", "videos_found": 2})),
        )
            .into_response(),
        Mode::Fail => (AxumStatus::INTERNAL_SERVER_ERROR, "search backend down").into_response(),
        Mode::Invalid => (AxumStatus::OK, "accepted, probably").into_response(),
    }
}

async fn spawn_app_with_service(service: &FakeVideoService) -> TestApp {
    let variables = service.variables();
    let borrowed: Vec<(&str, &str)> = variables
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    spawn_app_with_variables(&borrowed).await
}

impl TestApp {
    pub async fn trigger_video_search(&self, word: &str) -> Value {
        let body = json_body(
            self.post_json(TRIGGER, &json!({"word": word, "learning_language": "en"}))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_client_decodes("POST", TRIGGER, &body);
        body
    }

    pub async fn process_video_searches(&self, query: &str) -> reqwest::Response {
        self.admin_post(&format!("{PROCESS}{query}"), &json!({}))
            .await
    }

    /// (status, attempts) of a queued word.
    async fn queued(&self, word: &str) -> (String, i32) {
        let row = self
            .db
            .query_one(
                "SELECT status, attempts FROM video_search_requests WHERE word = $1",
                &[&word],
            )
            .await
            .expect("a queued word");
        (row.get(0), row.get(1))
    }
}

#[tokio::test]
async fn a_trigger_queues_the_word_once_and_counts_repeats() {
    // No video search service configured: the trigger only queues.
    let app = spawn_app().await;

    let first = app.trigger_video_search(" Serendipity ").await;
    let again = app.trigger_video_search("serendipity").await;
    let default_language = json_body(
        app.post_json(TRIGGER, &json!({"word": "kite"})).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(first["status"], "queued");
    assert_eq!(first["word"], "serendipity");
    assert_eq!(first["learning_language"], "en");
    assert_eq!(first["request_count"], 1);
    assert_eq!(again["request_count"], 2);
    assert_eq!(default_language["learning_language"], "en");
    assert_eq!(
        app.count("SELECT count(*) FROM video_search_requests")
            .await,
        2
    );
    assert_eq!(app.queued("serendipity").await, ("pending".to_owned(), 0));
}

#[tokio::test]
async fn bad_triggers_are_400s_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (json!({}), "word"),
        (json!({"word": "  "}), "word"),
        (json!({"word": 5}), "word"),
        (
            json!({"word": "kite", "learning_language": "xx"}),
            "learning_language",
        ),
    ];
    for (body, field) in cases {
        let message = error_body(
            app.post_json(TRIGGER, &body).await,
            StatusCode::BAD_REQUEST,
            field,
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    error_body(
        app.post_raw(TRIGGER, "[1]").await,
        StatusCode::BAD_REQUEST,
        "array",
    )
    .await;
    let response = app.request(reqwest::Method::GET, TRIGGER).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        app.count("SELECT count(*) FROM video_search_requests")
            .await,
        0
    );
}

#[tokio::test]
async fn a_run_hands_queued_words_to_the_service_and_marks_them_done() {
    // Arrange
    let service = FakeVideoService::start(Mode::Accept).await;
    let app = spawn_app_with_service(&service).await;
    for word in ["apple", "banana", "cherry"] {
        app.trigger_video_search(word).await;
    }

    // Act
    let body = json_body(app.process_video_searches("?limit=2").await, StatusCode::OK).await;
    let rest = json_body(app.process_video_searches("").await, StatusCode::OK).await;
    let idle = json_body(app.process_video_searches("").await, StatusCode::OK).await;

    // Assert: two words, then the third, then nothing.
    assert_eq!(
        body,
        json!({"success": true, "claimed": 2, "done": 2, "retrying": 0, "failed": 0, "released": 0})
    );
    assert_eq!(rest["claimed"], 1);
    assert_eq!(rest["done"], 1);
    assert_eq!(idle["claimed"], 0);
    let calls = service.calls();
    assert_eq!(calls.len(), 3);
    for (path, authorization, request) in &calls {
        assert_eq!(path, "/api/search");
        assert_eq!(authorization, &format!("Bearer {SERVICE_KEY}"));
        assert_eq!(request["learning_language"], "en");
    }
    let words: Vec<&str> = calls.iter().filter_map(|c| c.2["word"].as_str()).collect();
    assert_eq!(
        words,
        vec!["apple", "banana", "cherry"],
        "oldest request first"
    );
    let done = app
        .count(
            "SELECT count(*) FROM video_search_requests \
             WHERE status = 'done' AND videos_found = 2 AND processed_at IS NOT NULL",
        )
        .await;
    assert_eq!(done, 3);

    // A word already searched is not queued again.
    let again = app.trigger_video_search("apple").await;
    assert_eq!(again["status"], "done");
}

#[tokio::test]
async fn failed_calls_are_retried_until_the_word_is_marked_failed() {
    for mode in [Mode::Fail, Mode::Invalid] {
        let service = FakeVideoService::start(mode).await;
        let app = spawn_app_with_service(&service).await;
        app.trigger_video_search("kite").await;

        let first = json_body(app.process_video_searches("").await, StatusCode::OK).await;
        assert_eq!(first["retrying"], 1, "{mode:?}");
        assert_eq!(
            app.queued("kite").await,
            ("pending".to_owned(), 1),
            "{mode:?}"
        );
        for _ in 0..4 {
            json_body(app.process_video_searches("").await, StatusCode::OK).await;
        }
        assert_eq!(
            app.queued("kite").await,
            ("failed".to_owned(), 5),
            "{mode:?}"
        );
        let error = app
            .count("SELECT count(*) FROM video_search_requests WHERE last_error IS NOT NULL")
            .await;
        assert_eq!(error, 1, "{mode:?}");
        let idle = json_body(app.process_video_searches("").await, StatusCode::OK).await;
        assert_eq!(idle["claimed"], 0, "a failed word is not tried again");

        // Asking again puts it back; a working service then takes it.
        app.trigger_video_search("kite").await;
        assert_eq!(
            app.queued("kite").await,
            ("pending".to_owned(), 0),
            "{mode:?}"
        );
        service.set_mode(Mode::Accept);
        let body = json_body(app.process_video_searches("").await, StatusCode::OK).await;
        assert_eq!(body["done"], 1, "{mode:?}");
        assert_eq!(service.calls().len(), 6, "{mode:?}");
    }
}

#[tokio::test]
async fn a_slow_service_cannot_hold_a_run_past_its_budget() {
    let service = FakeVideoService::start(Mode::Accept).await;
    service.set_delay(Duration::from_secs(30));
    let app = spawn_app_with_service(&service).await;
    for word in ["one", "two", "three", "four", "five"] {
        app.trigger_video_search(word).await;
    }

    let started = Instant::now();
    let body = json_body(app.process_video_searches("?limit=5").await, StatusCode::OK).await;
    let elapsed = started.elapsed();

    assert!(elapsed < Duration::from_millis(9500), "took {elapsed:?}");
    assert_eq!(body["claimed"], 5);
    assert_eq!(body["done"], 0);
    let retrying = body["retrying"].as_i64().unwrap_or(-1);
    let released = body["released"].as_i64().unwrap_or(-1);
    assert_eq!(retrying + released, 5, "{body}");
    assert!(
        released >= 1,
        "the last words are not tried after the budget: {body}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM video_search_requests WHERE status = 'pending'")
            .await,
        5,
        "every word waits for the next run"
    );
    assert_eq!(
        app.count("SELECT coalesce(sum(attempts), 0) FROM video_search_requests")
            .await,
        retrying,
        "a released word's attempt is not counted"
    );
}

#[tokio::test]
async fn without_a_service_a_run_is_a_503_and_the_queue_is_untouched() {
    let app = spawn_app_with_variables(&[("admin_token", ADMIN_TOKEN)]).await;
    app.trigger_video_search("kite").await;

    let message = error_body(
        app.process_video_searches("").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no service",
    )
    .await;

    assert_eq!(message, "Video search is not configured");
    assert_eq!(app.queued("kite").await, ("pending".to_owned(), 0));
}

#[tokio::test]
async fn runs_need_the_operator_token_and_a_sane_limit() {
    let service = FakeVideoService::start(Mode::Accept).await;
    let app = spawn_app_with_service(&service).await;
    app.trigger_video_search("kite").await;

    let anonymous = app
        .admin_request(reqwest::Method::POST, PROCESS, None, None)
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = app
        .admin_request(reqwest::Method::POST, PROCESS, Some("wrong"), None)
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    for query in ["?limit=0", "?limit=51", "?limit=ten"] {
        let message = error_body(
            app.process_video_searches(query).await,
            StatusCode::BAD_REQUEST,
            query,
        )
        .await;
        assert!(message.contains("limit"), "{query}: {message}");
    }
    let get = app.admin_get(PROCESS).await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(service.calls().is_empty());
    assert_eq!(app.queued("kite").await, ("pending".to_owned(), 0));
}
