use reqwest::StatusCode;

use crate::helpers::{json_body, spawn_app};

#[tokio::test]
async fn languages_lists_the_57_supported_languages_sorted_by_code() {
    let app = spawn_app().await;

    let body = json_body(app.get_languages().await, StatusCode::OK).await;

    assert_eq!(body["count"], 57);
    let languages = body["languages"].as_array().expect("languages array");
    assert_eq!(languages.len(), 57);
    let codes: Vec<&str> = languages
        .iter()
        .map(|l| l["code"].as_str().expect("code is a string"))
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "not sorted by code");
    for (code, name) in [
        ("af", "Afrikaans"),
        ("en", "English"),
        ("zh", "Chinese"),
        ("tl", "Tagalog"),
    ] {
        let entry = languages
            .iter()
            .find(|l| l["code"] == code)
            .unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(entry["name"], name, "{code}");
    }
    assert!(!codes.contains(&"pa"), "pa is not a supported language");
}
