//! `spawn_app`: a throwaway cluster, a migrated and seeded database, and the development host
//! serving `tests/faults/spin.toml` in process on a free port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bench::dataset::{DataSet, Params};
use bench::load::{self, Load, Outcome, Scenario};
use bytes::Bytes;
use devhost::{Host, HostConfig, PoolSettings, RunningHost};
use http_body_util::Full;
use tokio::sync::{Mutex, MutexGuard};

use crate::cluster::Cluster;

/// The tests share two cores: one at a time.
static SERIAL: Mutex<()> = Mutex::const_new(());

/// Long versions (the full request counts) run with `FAULTS_LONG=1`.
pub fn long() -> bool {
    std::env::var_os("FAULTS_LONG").is_some_and(|v| v != "0")
}

/// The `.wasm` files the manifest names.
const WASM: [&str; 6] = [
    "health",
    "save",
    "saved_words",
    "reviews_submit",
    "due_counts",
    "devhost_probe",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn require_wasm() {
    let dir = workspace_root().join("target/wasm32-wasip2/release");
    let missing: Vec<&str> = WASM
        .iter()
        .copied()
        .filter(|name| !dir.join(format!("{name}.wasm")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "missing components {missing:?} in {}: build them first with `scripts/build-wasm`",
        dir.display()
    );
}

/// Fields drop in order: the host and the admin session before the cluster stops.
pub struct TestApp {
    host: Option<RunningHost>,
    pub admin: tokio_postgres::Client,
    pub addr: SocketAddr,
    pub pool: PoolSettings,
    pub db_url: String,
    pub data: Arc<DataSet>,
    pub cluster: Cluster,
    _serial: MutexGuard<'static, ()>,
}

/// The data set of every fault test: small, so seeding takes well under a second.
pub fn params() -> Params {
    Params {
        users: 50,
        words_per_user: 20,
        reviews_per_word: 3,
        ..Params::default()
    }
}

/// Starts a cluster with `max_connections`, creates, migrates and seeds a database, and
/// serves the application on it with `pool`.
pub async fn spawn_app(pool: PoolSettings, max_connections: u32) -> TestApp {
    require_wasm();
    devhost::telemetry::init_for_tests();
    let serial = SERIAL.lock().await;
    let cluster = Cluster::start(max_connections).expect("start a throwaway PostgreSQL cluster");
    let db_url = cluster.url("faults");
    devhost::ensure_database(&db_url)
        .await
        .expect("create the database");
    devhost::migrate(&db_url).await.expect("migrate");
    let data = Arc::new(DataSet::generate(params()));
    let mut admin = bench::connect(&db_url).await.expect("admin connection");
    bench::seed::seed(&mut admin, &data).await.expect("seed");
    admin
        .batch_execute("CREATE TABLE probe_log (id SERIAL PRIMARY KEY, note TEXT)")
        .await
        .expect("create probe_log");
    let mut app = TestApp {
        cluster,
        db_url,
        data,
        admin,
        pool,
        host: None,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        _serial: serial,
    };
    app.restart_host(app.pool.clone()).await;
    app
}

impl TestApp {
    /// (Re)starts the host with `pool`.
    pub async fn restart_host(&mut self, pool: PoolSettings) {
        if let Some(host) = self.host.take() {
            host.shutdown().await.expect("host shutdown");
        }
        let config = HostConfig {
            manifest: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/faults/spin.toml"),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            pool: pool.clone(),
            variables: [
                ("db_url".to_owned(), self.db_url.clone()),
                ("db_host".to_owned(), self.cluster.host()),
            ]
            .into(),
            ..HostConfig::default()
        };
        let host = Host::build(config).await.expect("build the host").spawn();
        self.addr = host.local_addr();
        self.host = Some(host);
        self.pool = pool;
    }

    /// A new admin session (after a server restart killed the old one).
    pub async fn reconnect_admin(&mut self) {
        self.admin = bench::connect(&self.db_url)
            .await
            .expect("admin connection");
    }

    /// Prometheus text of the host.
    pub fn metrics(&self) -> String {
        self.host
            .as_ref()
            .map(RunningHost::metrics_text)
            .unwrap_or_default()
    }

    /// Runs `scenario` with `connections` until `requests` responses or `limit`.
    pub async fn load(
        &self,
        scenario: &Scenario,
        connections: usize,
        requests: Option<u64>,
        limit: Duration,
    ) -> Outcome {
        let plan = Load {
            warmup: Duration::ZERO,
            max_requests: requests,
            request_timeout: Duration::from_secs(60),
            ..Load::new(self.addr, connections, limit)
        };
        load::run(&plan, scenario, self.data.clone()).await
    }

    /// One request; returns status, `Retry-After` presence and the JSON body.
    pub async fn send(
        &self,
        method: http::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, bool, serde_json::Value) {
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, self.addr.to_string());
        if body.is_some() {
            request = request.header(http::header::CONTENT_TYPE, "application/json");
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = request.body(Full::new(Bytes::from(body))).expect("request");
        let (parts, body) = load::send(self.addr, request).await.expect("a response");
        (
            parts.status.as_u16(),
            parts.headers.contains_key(http::header::RETRY_AFTER),
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    /// (backends of this database, of which `idle in transaction`) seen by the admin session,
    /// not counting itself.
    pub async fn backends(&self) -> (i64, i64) {
        let row = self
            .admin
            .query_one(
                "SELECT count(*), count(*) FILTER (WHERE state LIKE 'idle in transaction%') \
                 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .await
            .expect("read pg_stat_activity");
        (row.get(0), row.get(1))
    }

    /// Waits up to 5 s for the host's background connection resets to finish, then returns
    /// [`TestApp::backends`].
    pub async fn settled_backends(&self) -> (i64, i64) {
        let mut seen = self.backends().await;
        for _ in 0..50 {
            if seen.1 == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            seen = self.backends().await;
        }
        seen
    }

    /// A scalar from the admin session.
    pub async fn count(&self, sql: &str) -> i64 {
        self.admin
            .query_one(sql, &[])
            .await
            .expect("count query")
            .get(0)
    }

    /// The server log of the cluster.
    pub fn server_log(&self) -> String {
        self.cluster.server_log()
    }

    /// Stops the host.
    pub async fn shutdown(mut self) {
        if let Some(host) = self.host.take() {
            host.shutdown().await.expect("host shutdown");
        }
    }
}

/// Checks that later requests are correct: for `users` seeded users, saved words lists
/// every word, due counts add up, and a review submit answers 200.
pub async fn assert_requests_are_correct(app: &TestApp, users: usize) {
    for user in app.data.users.iter().take(users) {
        let id = user.id.to_string().to_uppercase();
        let (status, _, body) = app
            .send(
                http::Method::GET,
                &format!("/v3/saved_words?user_id={id}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "saved_words for {id}: {body}");
        assert_eq!(
            body["count"].as_u64(),
            Some(user.words.len() as u64),
            "saved_words count for {id}: {body}"
        );
        let (status, _, body) = app
            .send(
                http::Method::GET,
                &format!("/v3/due_counts?user_id={id}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "due_counts for {id}: {body}");
        let (overdue, total) = (body["overdue_count"].as_u64(), body["total_count"].as_u64());
        assert!(
            matches!((overdue, total), (Some(o), Some(t)) if o <= t && t <= user.words.len() as u64),
            "due_counts for {id}: {body}"
        );
        let word = app.data.word(user.words[0]);
        let (status, _, body) = app
            .send(
                http::Method::POST,
                "/v3/reviews/submit",
                Some(serde_json::json!({
                    "user_id": id, "word": word, "learning_language": "en",
                    "native_language": user.native_language, "response": true,
                })),
            )
            .await;
        assert_eq!(status, 200, "review submit for {id}: {body}");
    }
}
