//! Spin's route precedence and the `spin-*` request headers.

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_most_specific_route_serves_each_path() {
    // Arrange
    let app = TestApp::spawn(|_| {}).await;
    let cases = [
        ("/exact", "probe", "/exact", "exact route"),
        ("/exact/7", "probe", "/exact/:id", "named segment"),
        ("/wild/x/y", "wild", "/wild/...", "wildcard"),
        (
            "/wild/deep/x",
            "probe",
            "/wild/deep/...",
            "longer wildcard prefix wins",
        ),
        (
            "/wild/deep",
            "probe",
            "/wild/deep/...",
            "wildcard matches its bare prefix",
        ),
        (
            "/exactly",
            "catch-all",
            "/...",
            "no partial segment matches",
        ),
        ("/", "catch-all", "/...", "root falls to the catch-all"),
    ];

    for (path, component, route, why) in cases {
        // Act
        let (status, body) = app.get_json(path).await;

        // Assert
        assert_eq!(status, 200, "{why}: {path}");
        assert_eq!(body["component"], component, "{why}: {path}");
        assert_eq!(
            body["headers"]["spin-matched-route"], route,
            "{why}: {path}"
        );
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spin_header_is_set_as_spin_sets_it() {
    // Arrange
    let app = TestApp::spawn(|_| {}).await;
    let port = app.base.rsplit(':').next().unwrap_or_default().to_owned();

    // Act
    let (status, body) = app.get_json("/users/42/items/a%20b?x=1&y=2").await;

    // Assert
    assert_eq!(status, 200);
    let h = &body["headers"];
    assert_eq!(
        h["spin-full-url"],
        format!("http://127.0.0.1:{port}/users/42/items/a%20b?x=1&y=2")
    );
    assert_eq!(h["spin-path-info"], "");
    assert_eq!(h["spin-matched-route"], "/users/:user_id/items/:item_id");
    assert_eq!(h["spin-base-path"], "/");
    assert_eq!(h["spin-component-route"], "/users/:user_id/items/:item_id");
    assert_eq!(
        h["spin-raw-component-route"],
        "/users/:user_id/items/:item_id"
    );
    assert_eq!(h["spin-path-match-user-id"], "42");
    assert_eq!(h["spin-path-match-item-id"], "a%20b");
    let client = h["spin-client-addr"].as_str().unwrap_or_default();
    assert!(client.starts_with("127.0.0.1:"), "client addr {client}");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wildcard_path_info_keeps_the_trailing_slash() {
    let app = TestApp::spawn(|_| {}).await;
    let cases = [
        ("/probe", ""),
        ("/probe/", "/"),
        ("/probe/a/b", "/a/b"),
        ("/probe/a/b/", "/a/b/"),
    ];
    for (path, info) in cases {
        let (_, body) = app.get_json(path).await;
        assert_eq!(body["headers"]["spin-path-info"], info, "path {path}");
        assert_eq!(
            body["headers"]["spin-component-route"], "/probe",
            "path {path}"
        );
        assert_eq!(
            body["headers"]["spin-raw-component-route"], "/probe/...",
            "path {path}"
        );
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_no_route_matches_gets_an_empty_404() {
    // Arrange: the fixture without its catch-all route.
    let dir = crate::helpers::manifest_variant(|m| {
        m.replace(
            "route = \"/...\"\ncomponent = \"catch-all\"",
            "route = \"/only-this\"\ncomponent = \"catch-all\"",
        )
    });
    let app = TestApp::spawn(|c| c.manifest = dir.path().join("spin.toml")).await;

    // Act
    let response = app.get("/nothing/here").await;

    // Assert
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap_or_default(), "");
    assert_eq!(app.get("/only-this").await.status(), 200);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_gets_a_fresh_instance() {
    let app = TestApp::spawn(|_| {}).await;
    for _ in 0..5 {
        let (_, body) = app.get_json("/exact").await;
        assert_eq!(body["served_by_instance"], 1, "an instance was reused");
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spin_well_known_health_answers_ok() {
    let app = TestApp::spawn(|_| {}).await;
    let response = app.get("/.well-known/spin/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap_or_default(), "OK");
    app.shutdown().await;
}
