//! `POST /v3/admin/videos/batch-upload` and
//! `GET /v3/admin/bundles/{bundle_name}/words-needing-videos`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_TOKEN, TestApp, error_body, json_body, spawn_admin_app, spawn_app_with_variables,
};

const UPLOAD: &str = "/v3/admin/videos/batch-upload";

/// Standard base64 of `bytes`, written out here so the test does not share the
/// component's decoder.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn clip(name: &str, bytes: &[u8], words: &[&str]) -> Value {
    json!({
        "slug": format!("{name}-slug"),
        "name": name,
        "video_data_base64": base64(bytes),
        "size_bytes": bytes.len(),
        "transcript": format!("a line from {name}"),
        "metadata": {"movie_title": name, "year": 1999},
        "word_mappings": words
            .iter()
            .map(|w| json!({"word": w, "relevance_score": 0.8, "timestamp": 12.5}))
            .collect::<Vec<_>>(),
    })
}

async fn upload(app: &TestApp, body: &Value) -> Value {
    json_body(app.admin_post(UPLOAD, body).await, StatusCode::OK).await
}

#[tokio::test]
async fn videos_and_mappings_are_stored_once_and_then_reported_as_existing() {
    let app = spawn_admin_app().await;
    let first: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let body = json!({
        "source_id": "clipcafe",
        "videos": [clip("matrix", &first, &["choice", "Red"]), clip("up", b"abc", &["balloon"])],
    });
    let response = upload(&app, &body).await;
    assert_eq!(response["success"], json!(true));
    assert_eq!(response["total_videos"], json!(2));
    assert_eq!(response["total_mappings"], json!(3));
    let results = response["results"].as_array().expect("results");
    assert_eq!(results[0]["slug"], "matrix-slug");
    assert_eq!(results[0]["status"], "created");
    assert_eq!(results[0]["mappings_created"], 2);
    assert_eq!(results[0]["mappings_skipped"], 0);
    assert_eq!(results[1]["status"], "created");
    let matrix_id = results[0]["video_id"].as_i64().expect("video_id") as i32;

    let row = app
        .db
        .query_one(
            "SELECT video_data, size_bytes, format, source_id, transcript, metadata->>'movie_title' \
             FROM videos WHERE id = $1",
            &[&matrix_id],
        )
        .await
        .expect("video row");
    assert_eq!(row.get::<_, Vec<u8>>(0), first);
    assert_eq!(row.get::<_, Option<i32>>(1), Some(1000));
    assert_eq!(row.get::<_, String>(2), "mp4");
    assert_eq!(row.get::<_, Option<String>>(3).as_deref(), Some("clipcafe"));
    assert_eq!(
        row.get::<_, Option<String>>(4).as_deref(),
        Some("a line from matrix")
    );
    assert_eq!(row.get::<_, Option<String>>(5).as_deref(), Some("matrix"));
    let mapped: Vec<String> = app
        .db
        .query(
            "SELECT word || ':' || learning_language || ':' || relevance_score::text || ':' || \
             transcript_source FROM word_to_video WHERE video_id = $1 ORDER BY word",
            &[&matrix_id],
        )
        .await
        .expect("mappings")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(mapped, ["choice:en:0.80:metadata", "red:en:0.80:metadata"]);

    // The same upload again, with one more word: nothing duplicated.
    let mut again = body.clone();
    again["videos"][0]["word_mappings"]
        .as_array_mut()
        .expect("mappings")
        .push(json!({"word": "spoon", "relevance_score": 1}));
    let response = upload(&app, &again).await;
    let results = response["results"].as_array().expect("results");
    assert_eq!(results[0]["status"], "existed");
    assert_eq!(results[0]["video_id"], json!(matrix_id));
    assert_eq!(results[0]["mappings_created"], 1);
    assert_eq!(results[0]["mappings_skipped"], 2);
    assert_eq!(results[1]["status"], "existed");
    assert_eq!(app.count("SELECT count(*) FROM videos").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM word_to_video").await, 4);
}

#[tokio::test]
async fn a_failure_on_the_third_video_stores_none_of_them() {
    let app = spawn_admin_app().await;
    // Something only the database refuses, so validation passes and the third
    // statement of the transaction fails.
    app.db
        .batch_execute("ALTER TABLE videos ADD CONSTRAINT no_poison CHECK (name <> 'poison')")
        .await
        .expect("constraint");
    let body = json!({"videos": [
        clip("one", b"1111", &["first"]),
        clip("two", b"2222", &["second"]),
        clip("poison", b"3333", &["third"]),
    ]});
    let response = app.admin_post(UPLOAD, &body).await;
    let message = error_body(response, StatusCode::INTERNAL_SERVER_ERROR, "poison").await;
    assert!(!message.contains("no_poison"), "{message}");
    assert_eq!(app.count("SELECT count(*) FROM videos").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM word_to_video").await, 0);
    // The connection went back clean: the next upload works.
    upload(&app, &json!({"videos": [clip("one", b"1111", &["first"])]})).await;
    assert_eq!(app.count("SELECT count(*) FROM videos").await, 1);
}

#[tokio::test]
async fn invalid_videos_are_refused_naming_the_field() {
    let app =
        spawn_app_with_variables(&[("admin_token", ADMIN_TOKEN), ("max_video_bytes", "100")]).await;
    let ok = clip("fine", b"fine", &["fine"]);
    let with = |change: &dyn Fn(&mut Value)| {
        let mut bad = clip("bad", b"bad!", &["bad"]);
        change(&mut bad);
        json!({"videos": [ok.clone(), bad]})
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "videos"),
        (json!({"videos": []}), "videos"),
        (json!({"videos": {"slug": "x"}}), "videos"),
        (json!({"videos": ["x"]}), "videos[0]"),
        (
            with(&|v| v["video_data_base64"] = json!("not base64!!")),
            "videos[1].video_data_base64",
        ),
        (
            with(&|v| v["video_data_base64"] = json!(base64(&[7u8; 101]))),
            "videos[1] (slug 'bad-slug')",
        ),
        (with(&|v| v["slug"] = Value::Null), "videos[1].slug"),
        (with(&|v| v["name"] = json!(7)), "videos[1].name"),
        (
            with(&|v| v["size_bytes"] = json!(5)),
            "videos[1].size_bytes",
        ),
        (with(&|v| v["metadata"] = json!([1])), "videos[1].metadata"),
        (
            with(&|v| v["word_mappings"][0]["relevance_score"] = json!(1.5)),
            "videos[1].word_mappings[0].relevance_score",
        ),
        (
            with(&|v| v["word_mappings"][0]["learning_language"] = json!("xx")),
            "videos[1].word_mappings[0].learning_language",
        ),
        (
            with(&|v| v["word_mappings"][0]["word"] = json!(" ")),
            "videos[1].word_mappings[0].word",
        ),
        (
            with(&|v| {
                v["word_mappings"] = json!([{"word": "Same"}, {"word": "same"}]);
            }),
            "videos[1].word_mappings[1].word",
        ),
        (
            json!({"source_id": "s".repeat(101), "videos": [ok.clone()]}),
            "source_id",
        ),
    ];
    for (body, field) in cases {
        let message = error_body(
            app.admin_post(UPLOAD, &body).await,
            StatusCode::BAD_REQUEST,
            field,
        )
        .await;
        assert!(message.contains(field), "{field}: {message}");
    }
    // A body over the upload limit (twice max_video_bytes plus 1 MiB) is a 413.
    let huge = json!({"videos": [ok.clone()], "padding": "p".repeat(1024 * 1024 + 300)});
    let response = app.admin_post(UPLOAD, &huge).await;
    error_body(response, StatusCode::PAYLOAD_TOO_LARGE, "huge body").await;
    assert_eq!(app.count("SELECT count(*) FROM videos").await, 0);

    // A video of exactly the limit is fine.
    upload(&app, &json!({"videos": [clip("limit", &[1u8; 100], &[])]})).await;
    assert_eq!(app.count("SELECT count(*) FROM videos").await, 1);
}

#[tokio::test]
async fn words_needing_videos_are_the_bundle_words_without_a_mapping() {
    let app = spawn_admin_app().await;
    // Counted from an empty table, without the word lists migration V7 ships.
    app.clear_bundles().await;
    json_body(
        app.admin_post(
            "/v3/test-prep/batch-populate",
            &json!({"bundle": "demo", "words": ["cherry", "apple", "banana"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    upload(
        &app,
        &json!({"videos": [clip("fruit", b"fruit", &["banana"])]}),
    )
    .await;
    // A mapping in another language does not count.
    upload(
        &app,
        &json!({"videos": [{"slug": "fr", "name": "fr", "video_data_base64": base64(b"fr"),
                            "word_mappings": [{"word": "apple", "learning_language": "fr"}]}]}),
    )
    .await;

    let body = json_body(
        app.admin_get("/v3/admin/bundles/demo/words-needing-videos")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body,
        json!({"bundle": "demo", "words": ["apple", "cherry"], "total_count": 2})
    );
    let body = json_body(
        app.admin_get("/v3/admin/bundles/ielts_beginner/words-needing-videos")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body,
        json!({"bundle": "ielts_beginner", "words": [], "total_count": 0})
    );

    for bundle in ["sat", "DEMO", "toefl", "demo%20"] {
        let path = format!("/v3/admin/bundles/{bundle}/words-needing-videos");
        let message = error_body(app.admin_get(&path).await, StatusCode::BAD_REQUEST, bundle).await;
        assert!(message.contains("bundle_name"), "{bundle}: {message}");
    }
    let message = error_body(
        app.admin_get("/v3/admin/bundles/demo/words-needing-videos?language=xx")
            .await,
        StatusCode::BAD_REQUEST,
        "language",
    )
    .await;
    assert!(message.contains("language"), "{message}");
}
