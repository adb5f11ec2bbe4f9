use reqwest::StatusCode;

use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn unknown_paths_get_a_json_404() {
    let app = spawn_app().await;

    for path in ["/nope", "/v3/nope", "/v3/saved_words/extra", "/v2/save"] {
        error_body(app.get(path).await, StatusCode::NOT_FOUND, path).await;
    }
}
