//! Shared set-up: a throwaway database, the probe application on an ephemeral port, and one
//! method per probe endpoint.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use devhost::{Host, HostConfig, RunningHost};
use serde_json::{Value, json};
use tokio_postgres::NoTls;

pub const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const BUILD_COMMAND: &str = "cargo build --target wasm32-wasip2 --release -p devhost-probe";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/devhost sits two levels below the workspace root")
        .to_path_buf()
}

pub fn fixture_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spin.toml")
}

/// The probe must have been built; the tests never build it themselves.
pub fn require_probe() -> PathBuf {
    let wasm = workspace_root().join("target/wasm32-wasip2/release/devhost_probe.wasm");
    assert!(
        wasm.is_file(),
        "{} is missing: build the probe first with `{BUILD_COMMAND}` (the repository's test script builds every component)",
        wasm.display()
    );
    wasm
}

/// Writes a variant of the fixture manifest (with `edit` applied) into a fresh directory,
/// with absolute component sources.
pub fn manifest_variant(edit: impl FnOnce(String) -> String) -> tempdir::TempDir {
    let wasm = require_probe();
    let text = std::fs::read_to_string(fixture_manifest()).expect("fixture manifest");
    let text = text.replace(
        "../../../../target/wasm32-wasip2/release/devhost_probe.wasm",
        &wasm.display().to_string(),
    );
    let dir = tempdir::TempDir::new();
    std::fs::write(dir.path().join("spin.toml"), edit(text)).expect("write manifest");
    dir
}

/// A database created for one test and dropped when the value is dropped.
pub struct TestDb {
    pub url: String,
    pub name: String,
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn create() -> TestDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "devhost_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        devhost::ensure_database(&url)
            .await
            .expect("create the test database (is PostgreSQL running on 127.0.0.1:5432?)");
        let db = TestDb { url, name };
        db.batch("CREATE TABLE probe_log (id serial PRIMARY KEY, note text NOT NULL UNIQUE)")
            .await;
        db
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .expect("connect to the test database");
        tokio::spawn(connection);
        client
    }

    pub async fn batch(&self, sql: &str) {
        self.client().await.batch_execute(sql).await.expect(sql);
    }

    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        self.client()
            .await
            .query_one(sql, &[])
            .await
            .expect(sql)
            .get(0)
    }

    /// Backends of this database that sit inside a transaction without running anything.
    pub async fn idle_in_transaction(&self) -> i64 {
        let client = admin().await;
        client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
                &[&self.name],
            )
            .await
            .expect("pg_stat_activity")
            .get(0)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let url = self.url.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(devhost::database::drop_database(&url))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

pub async fn admin() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(ADMIN_URL, NoTls)
        .await
        .expect("connect as admin");
    tokio::spawn(connection);
    client
}

/// The probe application running in-process on an ephemeral port.
pub struct TestApp {
    pub host: Option<RunningHost>,
    pub base: String,
    pub http: reqwest::Client,
    pub db: Option<TestDb>,
}

pub fn config() -> HostConfig {
    devhost::telemetry::init_for_tests();
    require_probe();
    HostConfig {
        manifest: fixture_manifest(),
        listen: "127.0.0.1:0".parse().expect("addr"),
        ..HostConfig::default()
    }
}

impl TestApp {
    /// The probe app without a database of its own.
    pub async fn spawn(configure: impl FnOnce(&mut HostConfig)) -> TestApp {
        let mut config = config();
        configure(&mut config);
        Self::start(config, None).await
    }

    /// The probe app with `db_url` pointing at a fresh database.
    pub async fn spawn_with_db(configure: impl FnOnce(&mut HostConfig)) -> TestApp {
        let db = TestDb::create().await;
        let mut config = config();
        config.variables.insert("db_url".into(), db.url.clone());
        configure(&mut config);
        Self::start(config, Some(db)).await
    }

    async fn start(config: HostConfig, db: Option<TestDb>) -> TestApp {
        let host = Host::build(config).await.expect("host builds");
        let base = format!("http://{}", host.local_addr());
        TestApp {
            host: Some(host.spawn()),
            base,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            db,
        }
    }

    pub fn db(&self) -> &TestDb {
        self.db
            .as_ref()
            .expect("this app was spawned with a database")
    }

    pub fn metrics(&self) -> String {
        self.host
            .as_ref()
            .map(|h| h.metrics_text())
            .unwrap_or_default()
    }

    /// Waits until the metric (summed over series matching `labels`) reaches at least
    /// `at_least`, polling every 10 ms; panics after 10 s, naming what it waited for.
    pub async fn wait_for_metric(&self, name: &str, labels: &str, at_least: f64) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.metrics();
            if metric(&text, name, labels) >= at_least {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{name}{{{labels}}} did not reach {at_least} within 10 s:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn pg(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "probe {path} failed for {body}");
        response.json().await.expect("json")
    }

    /// Runs `sql` with `query` through the probe; returns rows or `{"error": ...}`.
    pub async fn query(&self, sql: &str, params: Value) -> Value {
        self.pg("/probe/pg/query", json!({ "sql": sql, "params": params }))
            .await
    }

    pub async fn query_at(&self, path_prefix: &str, url: Option<&str>, sql: &str) -> Value {
        let mut body = json!({ "sql": sql, "params": [] });
        if let Some(url) = url {
            body["url"] = json!(url);
        }
        self.pg(&format!("{path_prefix}/pg/query"), body).await
    }

    pub async fn execute(&self, sql: &str, params: Value) -> Value {
        self.pg("/probe/pg/execute", json!({ "sql": sql, "params": params }))
            .await
    }

    /// The single value of the first row, as `{"t": type, "v": value}`.
    pub async fn query_value(&self, sql: &str, params: Value) -> Value {
        let result = self.query(sql, params).await;
        result["rows"][0][0].clone()
    }

    pub async fn shutdown(mut self) {
        if let Some(host) = self.host.take() {
            host.shutdown().await.expect("graceful shutdown");
        }
    }
}

/// Reads `name{labels} value` from Prometheus text (0 when absent).
pub fn metric(text: &str, name: &str, labels: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("devhost_{name}")))
        .filter(|l| labels.split(',').all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A temporary directory removed on drop.
pub mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    pub struct TempDir(PathBuf);

    static NEXT: AtomicU32 = AtomicU32::new(0);

    impl TempDir {
        pub fn new() -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "devhost-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
