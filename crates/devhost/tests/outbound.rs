//! `allowed_outbound_hosts` for Postgres and HTTP, matched literally as Spin does.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_open_is_refused_outside_the_allow_list() {
    // Arrange
    let app = TestApp::spawn(|_| {}).await;
    let cases = [
        (
            "",
            None,
            "address postgres://127.0.0.1:5432 is not permitted",
            "catch-all allows nothing",
        ),
        (
            "/probe",
            Some("postgres://postgres@localhost:5432/postgres"),
            "address postgres://localhost:5432 is not permitted",
            "localhost is not 127.0.0.1",
        ),
        (
            "/probe",
            Some("postgres://postgres@127.0.0.1:5433/postgres"),
            "address postgres://127.0.0.1:5433 is not permitted",
            "another port",
        ),
    ];

    for (prefix, url, message, why) in cases {
        // Act
        let result = app.query_at(prefix, url, "SELECT 1").await;

        // Assert
        assert_eq!(
            result["error"]["kind"], "connection-failed",
            "{why}: {result}"
        );
        assert_eq!(result["error"]["message"], message, "{why}");
    }
    app.shutdown().await;
}

async fn tiny_http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_http_is_denied_unless_the_host_is_listed_literally() {
    // Arrange: the probe allows http://127.0.0.1:* only.
    let port = tiny_http_server().await;
    let app = TestApp::spawn(|_| {}).await;

    // Act
    let (_, allowed) = app
        .get_json(&format!("/probe/http?url=http://127.0.0.1:{port}/ok"))
        .await;
    let (_, by_name) = app
        .get_json(&format!("/probe/http?url=http://localhost:{port}/ok"))
        .await;
    let (_, from_catch_all) = app
        .get_json(&format!("/http?url=http://127.0.0.1:{port}/ok"))
        .await;

    // Assert
    assert_eq!(allowed["status"], 204, "{allowed}");
    assert_eq!(by_name["error"], "HttpRequestDenied", "{by_name}");
    assert_eq!(
        from_catch_all["error"], "HttpRequestDenied",
        "{from_catch_all}"
    );
    app.shutdown().await;
}
