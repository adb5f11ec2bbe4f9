use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, error_body, json_body, spawn_app};

/// Deterministic pseudo-random bytes (xorshift64*), so a failure is reproducible.
fn video_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Sends a range request and returns (status, Content-Range, body).
async fn fetch(
    app: &TestApp,
    id: i32,
    range: Option<&str>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = app.get_video(&id.to_string(), range).await;
    let status = response.status();
    let content_range = header(&response, "content-range");
    let length = header(&response, "content-length");
    let body = response.bytes().await.expect("read body").to_vec();
    if status != StatusCode::RANGE_NOT_SATISFIABLE {
        assert_eq!(
            length,
            Some(body.len().to_string()),
            "Content-Length of {range:?}"
        );
    }
    (status, content_range, body)
}

#[tokio::test]
async fn a_plain_get_returns_exactly_200_with_the_whole_video_and_its_headers() {
    // Arrange
    let app = spawn_app().await;
    let data = video_bytes(1000, 1);
    let id = app.insert_video("hello-clip", "mp4", &data).await;

    // Act
    let response = app.get_video(&id.to_string(), None).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let expect = [
        ("content-type", "video/mp4".to_owned()),
        ("content-length", "1000".to_owned()),
        ("accept-ranges", "bytes".to_owned()),
        ("etag", format!("\"{id}\"")),
        (
            "cache-control",
            "public, max-age=31536000, immutable".to_owned(),
        ),
        ("cdn-cache-control", "public, max-age=31536000".to_owned()),
        (
            "cloudflare-cdn-cache-control",
            "public, max-age=31536000".to_owned(),
        ),
    ];
    for (name, value) in expect {
        assert_eq!(header(&response, name), Some(value), "{name}");
    }
    assert_eq!(header(&response, "content-range"), None);
    assert_eq!(response.bytes().await.expect("read body").to_vec(), data);
    assert_eq!(
        app.usage_rows(&format!("/v3/videos/{id}"), 1).await.len(),
        1
    );
}

#[tokio::test]
async fn byte_ranges_are_served_with_206_and_content_range() {
    let app = spawn_app().await;
    let data = video_bytes(1000, 2);
    let id = app.insert_video("range-clip", "mp4", &data).await;
    let cases = [
        ("bytes=0-99", 0, 99, "first bytes"),
        ("bytes=200-299", 200, 299, "middle"),
        ("bytes=-100", 900, 999, "suffix"),
        ("bytes=900-", 900, 999, "open-ended"),
        ("bytes=0-", 0, 999, "open-ended from the start"),
        ("bytes=990-5000", 990, 999, "last position past the end"),
        ("bytes=-5000", 0, 999, "suffix longer than the video"),
        ("bytes=999-999", 999, 999, "last byte"),
    ];
    for (range, first, last, description) in cases {
        let (status, content_range, body) = fetch(&app, id, Some(range)).await;
        assert_eq!(status, StatusCode::PARTIAL_CONTENT, "{description}");
        assert_eq!(
            content_range,
            Some(format!("bytes {first}-{last}/1000")),
            "{description}"
        );
        assert_eq!(body, data[first..=last], "{description}");
    }
}

#[tokio::test]
async fn a_range_beyond_the_end_is_416_with_the_total_size() {
    let app = spawn_app().await;
    let id = app
        .insert_video("short", "mp4", &video_bytes(1000, 3))
        .await;

    for range in [
        "bytes=1000-",
        "bytes=1000-1100",
        "bytes=5000-6000",
        "bytes=-0",
    ] {
        let response = app.get_video(&id.to_string(), Some(range)).await;
        assert_eq!(
            header(&response, "content-range").as_deref(),
            Some("bytes */1000"),
            "{range}"
        );
        error_body(response, StatusCode::RANGE_NOT_SATISFIABLE, range).await;
    }
}

#[tokio::test]
async fn malformed_and_multiple_ranges_are_ignored_and_the_whole_video_sent() {
    let app = spawn_app().await;
    let data = video_bytes(1000, 4);
    let id = app.insert_video("whole", "mp4", &data).await;

    for range in [
        "bytes=0-1,5-9",
        "bytes=abc",
        "items=0-1",
        "bytes=10-5",
        "bytes=-",
    ] {
        let (status, content_range, body) = fetch(&app, id, Some(range)).await;
        assert_eq!(status, StatusCode::OK, "{range}");
        assert_eq!(content_range, None, "{range}");
        assert_eq!(body, data, "{range}");
    }
}

#[tokio::test]
async fn if_range_with_another_validator_sends_the_whole_video() {
    let app = spawn_app().await;
    let data = video_bytes(500, 5);
    let id = app.insert_video("validated", "mp4", &data).await;
    let url = app.url(&format!("/v3/videos/{id}"));

    let matching = app
        .client
        .get(&url)
        .header("range", "bytes=0-9")
        .header("if-range", format!("\"{id}\""))
        .send()
        .await
        .expect("send request");
    assert_eq!(matching.status(), StatusCode::PARTIAL_CONTENT);

    let stale = app
        .client
        .get(&url)
        .header("range", "bytes=0-9")
        .header("if-range", "\"someone-else\"")
        .send()
        .await
        .expect("send request");
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.bytes().await.expect("read body").to_vec(), data);
}

#[tokio::test]
async fn a_5_mb_video_read_by_successive_ranges_reassembles_byte_identical() {
    // Arrange
    let app = spawn_app().await;
    let data = video_bytes(5 * 1024 * 1024, 0x5EED);
    let id = app.insert_video("five-megabytes", "mp4", &data).await;
    let total = data.len();

    // Act: uneven chunks, so no boundary falls on a round number.
    let chunk = 1_000_003;
    let mut assembled = Vec::with_capacity(total);
    let mut first = 0;
    while first < total {
        let last = (first + chunk - 1).min(total - 1);
        let range = format!("bytes={first}-{last}");
        let (status, content_range, body) = fetch(&app, id, Some(&range)).await;
        assert_eq!(status, StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(content_range, Some(format!("bytes {first}-{last}/{total}")));
        assert_eq!(body.len(), last - first + 1, "{range}");
        assembled.extend_from_slice(&body);
        first = last + 1;
    }

    // Assert
    assert!(assembled == data, "the ranges reassemble the video");
    let (status, _, whole) = fetch(&app, id, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(whole == data, "a plain GET returns the whole video");
    let (status, content_range, tail) = fetch(&app, id, Some("bytes=-1024")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        content_range,
        Some(format!("bytes {}-{}/{total}", total - 1024, total - 1))
    );
    assert!(
        tail == data[total - 1024..],
        "the suffix is the last 1024 bytes"
    );
}

#[tokio::test]
async fn the_content_type_follows_the_stored_format() {
    let app = spawn_app().await;
    let cases = [
        ("mp4", "video/mp4"),
        ("mov", "video/quicktime"),
        ("webm", "video/webm"),
        ("m4v", "video/x-m4v"),
        ("xyz", "application/octet-stream"),
    ];
    for (format, content_type) in cases {
        let id = app.insert_video("typed", format, b"data").await;
        let response = app.get_video(&id.to_string(), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        assert_eq!(
            header(&response, "content-type").as_deref(),
            Some(content_type),
            "{format}"
        );
    }
}

#[tokio::test]
async fn unknown_ids_are_404_and_malformed_ids_400() {
    let app = spawn_app().await;

    let body = json_body(app.get_video("4242", None).await, StatusCode::NOT_FOUND).await;
    assert_eq!(body, json!({"error": "Video not found"}));

    for id in ["abc", "0", "-1", "1.5", "99999999999", "%20"] {
        let message = error_body(app.get_video(id, None).await, StatusCode::BAD_REQUEST, id).await;
        assert!(message.contains("video_id"), "{id}: {message}");
    }
    error_body(
        app.request(Method::POST, "/v3/videos/1").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "POST",
    )
    .await;
}

#[tokio::test]
async fn video_data_is_stored_uncompressed_so_ranges_read_only_their_chunks() {
    let app = spawn_app().await;

    let storage: i8 = app
        .db
        .query_one(
            "SELECT attstorage FROM pg_attribute \
             WHERE attrelid = 'videos'::regclass AND attname = 'video_data'",
            &[],
        )
        .await
        .expect("read the column's storage")
        .get(0);

    assert_eq!(storage as u8, b'e', "STORAGE EXTERNAL (migration V4)");
}
