//! `spawn_app()` and the `TestApp` every test drives: the development host
//! in-process on an ephemeral port, serving the repository's `spin.toml`
//! against a fresh, migrated database that is dropped when the test ends.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use devhost::{Host, HostConfig, RunningHost};
use reqwest::{Response, StatusCode};
use serde_json::Value;
use uuid::Uuid;

/// The server the tests create their databases on.
/// `TEST_DATABASE_SERVER` overrides it (no trailing database name).
fn database_server() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// Logs are opt-in: `TEST_LOG=1 cargo test -p api-tests`.
static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "info".into()),
            )
            .with_test_writer()
            .try_init();
    }
});

/// Host start-ups are serialized: the first one compiles every component into
/// the on-disk cache, the ones after it load the cached artifacts.
static HOST_BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long a test waits for work a component does after its response (the usage row).
pub const SETTLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);
/// How often it looks while waiting.
const SETTLE_POLL: std::time::Duration = std::time::Duration::from_millis(10);

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// A connection to this test's database, for arranging and asserting.
    pub db: tokio_postgres::Client,
    db_name: String,
    host: Option<RunningHost>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_serving(None, &[]).await
}

/// Like `spawn_app`, but the components are given `db_url` instead of the
/// test's own database (which `TestApp::db` still reaches).
pub async fn spawn_app_with_db_url(db_url: &str) -> TestApp {
    spawn_app_serving(Some(db_url), &[]).await
}

/// Starts the host on a fresh database. The components get `components_db_url` as
/// `db_url` (default: the test's database) and `variables` with the highest precedence.
async fn spawn_app_serving(components_db_url: Option<&str>, variables: &[(&str, &str)]) -> TestApp {
    LazyLock::force(&TRACING);
    if let Some(app) = crate::deployment::spawn(components_db_url, variables).await {
        return app;
    }

    let db_name = format!("dogetionary_test_{}", Uuid::new_v4().simple());
    let db_url = format!("{}/{db_name}", database_server());
    devhost::ensure_database(&db_url)
        .await
        .expect("create the test database");
    devhost::migrate(&db_url)
        .await
        .expect("migrate the test database");

    let root = workspace_root();
    let config = HostConfig {
        manifest: root.join("spin.toml"),
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        cache_dir: Some(root.join("target").join("devhost-cache")),
        variables: std::iter::once(("db_url", components_db_url.unwrap_or(&db_url)))
            .chain(variables.iter().copied())
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        ..HostConfig::default()
    };
    let host = {
        let _guard = HOST_BUILD.lock().await;
        Host::build(config).await.unwrap_or_else(|e| {
            panic!("start the development host (did `scripts/build-wasm` run?): {e:#}")
        })
    }
    .spawn();

    let (db, connection) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
        .await
        .expect("connect to the test database");
    tokio::spawn(connection);

    TestApp {
        address: format!("http://{}", host.local_addr()),
        client: reqwest::Client::new(),
        db,
        db_name,
        host: Some(host),
    }
}

impl TestApp {
    /// An app served elsewhere (`crate::deployment`): nothing to stop or drop.
    pub fn against(address: String, db: tokio_postgres::Client) -> TestApp {
        TestApp {
            address,
            client: reqwest::Client::new(),
            db,
            db_name: String::new(),
            host: None,
        }
    }

    /// Sends a request; the response keeps its method (for `crate::openapi::observe`).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let request = request.build().expect("build request");
        let method = request.method().clone();
        let mut response = self.client.execute(request).await.expect("send request");
        response.extensions_mut().insert(method);
        response
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.host.take());
        if self.db_name.is_empty() {
            crate::deployment::release();
            return;
        }
        let name = self.db_name.clone();
        let admin_url = format!("{}/postgres", database_server());
        // Drop runs inside the test's runtime, which cannot be blocked on; a
        // short-lived thread with its own runtime removes the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let (client, connection) =
                    tokio_postgres::connect(&admin_url, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await?;
                anyhow::Ok(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test database: {e:#}");
        }
    }
}

/// A user id as the iOS client makes them: `UUID().uuidString`, upper-case.
pub fn new_user_id() -> String {
    Uuid::new_v4().to_string().to_uppercase()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    pub async fn post_raw(&self, path: &str, body: &'static str) -> Response {
        let request = self.client.post(self.url(path));
        self.send(
            request
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }

    pub async fn request(&self, method: reqwest::Method, path: &str) -> Response {
        self.send(self.client.request(method, self.url(path))).await
    }

    pub async fn get_health(&self, path: &str) -> Response {
        self.get(path).await
    }

    pub async fn get_languages(&self) -> Response {
        self.get("/languages").await
    }

    pub async fn get_preferences(&self, user_id: &str) -> Response {
        self.get(&format!("/v3/users/{user_id}/preferences")).await
    }

    pub async fn post_preferences(&self, user_id: &str, body: &Value) -> Response {
        self.post_json(&format!("/v3/users/{user_id}/preferences"), body)
            .await
    }

    pub async fn post_save(&self, body: &Value) -> Response {
        self.post_json("/v3/save", body).await
    }

    pub async fn post_unsave(&self, body: &Value) -> Response {
        self.post_json("/v3/unsave", body).await
    }

    /// `query` is appended verbatim, the way the iOS client builds URLs.
    pub async fn get_saved_words(&self, query: &str) -> Response {
        self.get(&format!("/v3/saved_words?{query}")).await
    }

    pub async fn post_review(&self, body: &Value) -> Response {
        self.post_json("/v3/reviews/submit", body).await
    }

    pub async fn get_due_counts(&self, query: &str) -> Response {
        self.get(&format!("/v3/due_counts?{query}")).await
    }

    /// Saves `word` (en → zh) for `user_id` and returns its id.
    pub async fn save_word(&self, user_id: &str, word: &str) -> i64 {
        let response = self
            .post_save(&serde_json::json!({
                "user_id": user_id,
                "word": word,
                "learning_language": "en",
                "native_language": "zh",
            }))
            .await;
        let body = json_body(response, StatusCode::CREATED).await;
        body["word_id"].as_i64().expect("word_id is an integer")
    }

    /// Submits one review of `word` (en → zh) and returns the response body.
    pub async fn review(&self, user_id: &str, word: &str, correct: bool) -> Value {
        let response = self
            .post_review(&serde_json::json!({
                "user_id": user_id,
                "word": word,
                "learning_language": "en",
                "native_language": "zh",
                "response": correct,
            }))
            .await;
        json_body(response, StatusCode::OK).await
    }

    /// Moves every stored instant of this user `days` into the past, as if
    /// that much time had gone by since the rows were written.
    pub async fn travel_forward(&self, user_id: &str, days: i64) {
        let user: Uuid = user_id.parse().expect("user id is a UUID");
        let shift = format!("{days} days");
        self.db
            .execute(
                "UPDATE saved_words SET created_at = created_at - $2::text::interval \
                 WHERE user_id = $1",
                &[&user, &shift],
            )
            .await
            .expect("shift saved_words");
        self.db
            .execute(
                "UPDATE reviews SET reviewed_at = reviewed_at - $2::text::interval, \
                 next_review_date = next_review_date - $2::text::interval WHERE user_id = $1",
                &[&user, &shift],
            )
            .await
            .expect("shift reviews");
    }

    /// Waits (at most [`SETTLE_LIMIT`]) until the in-process host runs no guest, so the
    /// work components do after their response (the usage row) is done. Against a
    /// deployment (`crate::deployment`) there is no such gauge and it returns at once.
    pub async fn settled(&self) {
        let Some(host) = &self.host else { return };
        let started = std::time::Instant::now();
        while started.elapsed() < SETTLE_LIMIT {
            let idle = host.metrics_text().lines().any(|line| {
                !line.starts_with('#')
                    && line.contains("requests_in_flight ")
                    && line.trim_end().ends_with(" 0")
            });
            if idle {
                return;
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }

    /// Rows of `api_usage_logs` for `endpoint`, oldest first, once there are at least
    /// `expected` of them (or as they are after [`SETTLE_LIMIT`]). Components write the
    /// row after the response, so it can land just after the client read the body.
    pub async fn usage_rows(&self, endpoint: &str, expected: usize) -> Vec<tokio_postgres::Row> {
        self.settled().await;
        let started = std::time::Instant::now();
        loop {
            let rows = self
                .db
                .query(
                    "SELECT endpoint, method, user_id, response_status, duration_ms, user_agent, \
                     api_version FROM api_usage_logs WHERE endpoint = $1 ORDER BY id",
                    &[&endpoint],
                )
                .await
                .expect("read api_usage_logs");
            if rows.len() >= expected || started.elapsed() > SETTLE_LIMIT {
                return rows;
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }

    /// The single number `sql` returns, once it is at least `expected` (or as it is
    /// after [`SETTLE_LIMIT`]): for rows written after a response, such as usage rows.
    pub async fn count_reaching(&self, sql: &str, expected: i64) -> i64 {
        self.settled().await;
        let started = std::time::Instant::now();
        loop {
            let n = self.count(sql).await;
            if n >= expected || started.elapsed() > SETTLE_LIMIT {
                return n;
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.db
            .query_one(sql, &[])
            .await
            .expect("count query")
            .get(0)
    }
}

/// Asserts the status and the JSON content type, and returns the body.
pub async fn json_body(response: Response, expected: StatusCode) -> Value {
    let (method, url) = (response.extensions().get().cloned(), response.url().clone());
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("read body");
    assert_eq!(status, expected, "unexpected status; body: {text}");
    assert!(
        content_type.starts_with("application/json"),
        "content-type is {content_type:?}; body: {text}"
    );
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"));
    crate::openapi::observe(method.as_ref(), &url, status, &content_type, Some(&body));
    body
}

/// Asserts a `{"error": "..."}` body with the expected status; returns the message.
pub async fn error_body(response: Response, expected: StatusCode, case: &str) -> String {
    let (method, url) = (response.extensions().get().cloned(), response.url().clone());
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("read body");
    assert_eq!(status, expected, "{case}: unexpected status; body: {text}");
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{case}: error body is not JSON ({e}): {text}"));
    let message = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}: no string `error` field: {text}"));
    assert!(!message.is_empty(), "{case}: empty error message");
    crate::openapi::observe(method.as_ref(), &url, status, &content_type, Some(&body));
    message.to_owned()
}

/// Asserts an ISO 8601 UTC instant the iOS client's ISO8601DateFormatter
/// parses: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn assert_iso_instant(value: &Value, field: &str) -> chrono::NaiveDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string: {value}"));
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap_or_else(|e| panic!("{field} = {text:?} is not YYYY-MM-DDTHH:MM:SSZ: {e}"))
}

/// Like `spawn_app`, with extra application variables (`admin_token`,
/// `max_video_bytes`...) given to the host as `--variable` would.
pub async fn spawn_app_with_variables(variables: &[(&str, &str)]) -> TestApp {
    spawn_app_serving(None, variables).await
}

/// The operator token the admin tests configure.
pub const ADMIN_TOKEN: &str = "test-operator-token-7f3a";

/// An app whose operator routes accept `Authorization: Bearer ADMIN_TOKEN`.
pub async fn spawn_admin_app() -> TestApp {
    spawn_app_with_variables(&[("admin_token", ADMIN_TOKEN)]).await
}

impl TestApp {
    /// A request to an operator route, with `Authorization: Bearer <token>` when
    /// `token` is given, and a JSON body when `body` is.
    pub async fn admin_request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// `POST path` with the right operator token.
    pub async fn admin_post(&self, path: &str, body: &Value) -> Response {
        self.admin_request(reqwest::Method::POST, path, Some(ADMIN_TOKEN), Some(body))
            .await
    }

    /// `GET path` with the right operator token.
    pub async fn admin_get(&self, path: &str) -> Response {
        self.admin_request(reqwest::Method::GET, path, Some(ADMIN_TOKEN), None)
            .await
    }
}

impl TestApp {
    pub async fn post_feedback(&self, body: &Value) -> Response {
        self.post_json("/v3/feedback", body).await
    }

    pub async fn post_content_report(&self, body: &Value) -> Response {
        self.post_json("/v3/content/report", body).await
    }

    /// `query` is appended verbatim, the way the iOS client builds URLs.
    pub async fn get_app_version(&self, query: &str) -> Response {
        self.get(&format!("/v3/app-version?{query}")).await
    }

    /// GET `/v3/videos/{id}` with an optional `Range` header.
    pub async fn get_video(&self, id: &str, range: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(&format!("/v3/videos/{id}")));
        if let Some(range) = range {
            request = request.header("range", range);
        }
        self.send(request).await
    }

    /// Stores a video directly (no endpoint uploads one) and returns its id.
    pub async fn insert_video(&self, name: &str, format: &str, data: &[u8]) -> i32 {
        let size = i32::try_from(data.len()).expect("test videos are small");
        self.db
            .query_one(
                "INSERT INTO videos (name, format, video_data, size_bytes) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &format, &data, &size],
            )
            .await
            .expect("insert video")
            .get(0)
    }
}

/// The model chains `spawn_app_with_ai` configures: two models for every use but the
/// profile, so the fallback can be tested.
pub const AI_MODELS: [(&str, &str); 5] = [
    ("ai_definition_models", "def-a,def-b"),
    ("ai_profile_models", "profile-a"),
    ("ai_scene_models", "scene-a,scene-b"),
    ("ai_tts_models", "tts-a,tts-b"),
    ("ai_image_models", "image-a,image-b"),
];

/// `spawn_app`, with the AI provider variables pointing at `provider`
/// (`ai_base_url`, `ai_host` and the [`AI_MODELS`] chains).
pub async fn spawn_app_with_ai(provider: &crate::fake_provider::FakeProvider) -> TestApp {
    let mut variables: Vec<(String, String)> = AI_MODELS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    variables.push(("ai_base_url".to_owned(), provider.base_url()));
    variables.push(("ai_host".to_owned(), provider.host()));
    spawn_app_with_ai_variables(variables).await
}

/// `spawn_app`, with these application variables added (the test database's `db_url`
/// is set too).
pub async fn spawn_app_with_ai_variables(extra: Vec<(String, String)>) -> TestApp {
    let borrowed: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    spawn_app_with_variables(&borrowed).await
}
