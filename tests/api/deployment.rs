//! The suite against an already-running server instead of the in-process host.
//!
//! - `DOGETIONARY_BASE_URL`: the server, such as `http://127.0.0.1:3000`.
//! - `DOGETIONARY_DB_URL`: the database that server uses, a scratch one: like the
//!   in-process tests, each test starts on a freshly migrated database, so its schema
//!   `public` is dropped and migrated again before every test, and the tests run one at a
//!   time.
//! - `DOGETIONARY_VARIABLES` (optional): the application variables the server was started
//!   with that differ from `spin.toml`'s defaults, as `name=value` separated by spaces,
//!   such as `admin_token=test-operator-token-7f3a`.
//!
//! A test runs only if it needs exactly those variables. A test that needs others (the AI
//! fake provider, an operator token the server lacks...) or the in-process host (its
//! components pointed at another database) cannot run there: `scripts/test-deployment`
//! first runs the suite with `DOGETIONARY_PLAN=<file>`, where every `spawn_*` only writes
//! down the tests that cannot run and stops the test, then runs the rest with `--skip`.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::helpers::TestApp;

struct Deployment {
    base_url: String,
    db_url: String,
    variables: BTreeMap<String, String>,
}

static DEPLOYMENT: LazyLock<Option<Deployment>> = LazyLock::new(|| {
    let base_url = std::env::var("DOGETIONARY_BASE_URL")
        .ok()
        .filter(|v| !v.is_empty())?;
    let db_url = std::env::var("DOGETIONARY_DB_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .expect("DOGETIONARY_BASE_URL needs DOGETIONARY_DB_URL, the server's database");
    let variables = std::env::var("DOGETIONARY_VARIABLES")
        .unwrap_or_default()
        .split_whitespace()
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .expect("DOGETIONARY_VARIABLES holds name=value pairs");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    Some(Deployment {
        base_url: base_url.trim_end_matches('/').to_owned(),
        db_url,
        variables,
    })
});

/// Why the running test cannot run against the server, if it cannot.
fn obstacle(
    deployment: &Deployment,
    components_db_url: Option<&str>,
    variables: &[(&str, &str)],
) -> Option<String> {
    if components_db_url.is_some() {
        return Some("needs the in-process host (components on another database)".to_owned());
    }
    let wanted: BTreeMap<String, String> = variables
        .iter()
        .filter(|(name, _)| *name != "db_url")
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    (wanted != deployment.variables).then(|| {
        let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
        format!(
            "needs the variables {:?} (the server has {:?})",
            names(&wanted),
            names(&deployment.variables)
        )
    })
}

/// `spawn_app`'s way to the server: `None` without `DOGETIONARY_BASE_URL`.
pub async fn spawn(components_db_url: Option<&str>, variables: &[(&str, &str)]) -> Option<TestApp> {
    let deployment = DEPLOYMENT.as_ref()?;
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_owned();
    let obstacle = obstacle(deployment, components_db_url, variables);
    if let Ok(plan) = std::env::var("DOGETIONARY_PLAN") {
        if let Some(reason) = &obstacle {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&plan)
                .expect("open the DOGETIONARY_PLAN file");
            // One write per line: tests append concurrently.
            file.write_all(format!("{test}\t{reason}\n").as_bytes())
                .expect("write the DOGETIONARY_PLAN file");
        }
        panic!(
            "planning the run against {}: no request sent",
            deployment.base_url
        );
    }
    if let Some(reason) = obstacle {
        panic!(
            "{test} cannot run against {}: it {reason}; scripts/test-deployment skips such tests",
            deployment.base_url
        );
    }
    assert!(
        !IN_USE.swap(true, Ordering::SeqCst),
        "the tests share the server's database: run them one at a time (scripts/test-deployment)"
    );
    let (db, connection) = tokio_postgres::connect(&deployment.db_url, tokio_postgres::NoTls)
        .await
        .expect("connect to DOGETIONARY_DB_URL");
    tokio::spawn(connection);
    db.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        .await
        .expect("empty DOGETIONARY_DB_URL");
    devhost::migrate(&deployment.db_url)
        .await
        .expect("migrate DOGETIONARY_DB_URL");
    Some(TestApp::against(deployment.base_url.clone(), db))
}

/// Set while a test holds the server's database.
static IN_USE: AtomicBool = AtomicBool::new(false);

/// Called when a test's app is dropped: the next test may take the database.
pub fn release() {
    IN_USE.store(false, Ordering::SeqCst);
}
