//! Application and component variables: defaults, templates, overrides, required values,
//! `SPIN_VARIABLE_<NAME>`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestApp, config, manifest_variant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn component_variables_render_their_templates_from_defaults() {
    let app = TestApp::spawn(|_| {}).await;
    let (status, body) = app.get_json("/probe/var/greeting").await;
    assert_eq!(status, 200);
    assert_eq!(body["value"], "hello, world");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_beats_the_default() {
    let app = TestApp::spawn(|c| {
        c.variables.insert("greeting".into(), "howdy".into());
    })
    .await;
    let (_, body) = app.get_json("/probe/var/greeting").await;
    assert_eq!(body["value"], "howdy, world");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undefined_and_invalid_names_get_spins_error_kinds() {
    let app = TestApp::spawn(|_| {}).await;
    let cases = [
        ("/probe/var/not_declared", 404, "undefined"),
        ("/probe/var/Bad-Name", 400, "invalid-name"),
        ("/probe/var/db_host", 404, "undefined"),
    ];
    for (path, status, kind) in cases {
        let (got_status, body) = app.get_json(path).await;
        assert_eq!(got_status, status, "{path}");
        assert_eq!(body["error"], kind, "{path}");
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_variable_without_a_value_fails_start_up() {
    // Arrange
    let dir = manifest_variant(|m| {
        m.replace(
            "greeting = { default = \"hello\" }",
            "greeting = { required = true }",
        )
    });
    let mut cfg = config();
    cfg.manifest = dir.path().join("spin.toml");

    // Act
    let err = devhost::Host::build(cfg)
        .await
        .expect_err("greeting is required");

    // Assert
    let text = format!("{err:#}");
    assert!(text.contains("SPIN_VARIABLE_GREETING"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spin_variable_env_vars_override_defaults_in_the_devhost_binary() {
    // Arrange: the real binary, with the env var only it sees; it prints the URL it serves.
    crate::helpers::require_probe();
    let mut child = Command::new(env!("CARGO_BIN_EXE_devhost"))
        .args([
            "up",
            "--no-migrate",
            "--listen",
            "127.0.0.1:0",
            "--manifest",
        ])
        .arg(crate::helpers::fixture_manifest())
        .env("SPIN_VARIABLE_ENV_GREETING", "from the environment")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start devhost");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut base = None;
    let mut routes = Vec::new();
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        if let Some(url) = line.strip_prefix("Serving ") {
            base = Some(url.trim().to_owned());
        } else if line.starts_with("  ") {
            routes.push(line.trim().to_owned());
            if routes.len() == 7 {
                break;
            }
        }
    }
    let base = base.expect("devhost printed the URL it serves");

    // Act
    let body: serde_json::Value = reqwest::get(format!("{base}/probe/var/env_greeting"))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");

    // Assert
    assert_eq!(body["value"], "from the environment");
    assert!(
        routes.contains(&format!("catch-all: {base} (wildcard)")),
        "{routes:?}"
    );
    assert!(
        routes.contains(&format!("probe: {base}/exact/:id")),
        "{routes:?}"
    );

    // SIGTERM shuts it down gracefully with exit status 0.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "devhost exited with {exit}");
}
