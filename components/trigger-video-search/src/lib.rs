//! `POST /v3/api/trigger-video-search`: `{word, learning_language = "en"}`. The original
//! started a thread that searched clips, scored them and uploaded them; a component has
//! no background, so the word is recorded in `video_search_requests` (once per word and
//! language; asking again counts the request) and the operator route
//! `POST /v3/admin/video-search/process`, called by a scheduler, hands queued words to
//! the video search service. One statement; no outbound call, so it answers the same
//! whether or not a video search service is configured.

use domain::{LanguageCode, Word};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Queued {
    status: String,
    request_count: i32,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let word = body.required("word", Word::parse)?;
        let language = body
            .optional("learning_language", LanguageCode::parse)?
            .unwrap_or(LanguageCode::ENGLISH);
        let queued: Queued = ctx.db()?.fetch_one(
            queries::VIDEO_SEARCH_ENQUEUE,
            &[&word.as_str(), &language.code()],
        )?;
        let (status, message) = if queued.status == "done" {
            ("done", format!("Videos were already searched for '{word}'"))
        } else {
            ("queued", format!("Video search queued for '{word}'"))
        };
        api::ok(&serde_json::json!({
            "status": status,
            "word": word,
            "learning_language": language.code(),
            "request_count": queued.request_count,
            "message": message,
        }))
    })
}
