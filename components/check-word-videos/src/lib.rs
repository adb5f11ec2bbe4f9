//! `GET /v3/api/check-word-videos?word&lang=en`: `{"word","has_videos","video_count"}`,
//! how many videos illustrate a word in a language (`word_to_video`). The word is
//! trimmed and lower-cased like a saved word and echoed that way; `lang` defaults to `en`.
//! One statement, on the index of `(word, learning_language, video_id)`.

use domain::{LanguageCode, Word};
use serde::Serialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Serialize)]
struct Answer {
    word: Word,
    has_videos: bool,
    video_count: i64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let query = api::Query::of(req);
        let word = query.required("word", Word::parse)?;
        let lang = query
            .optional("lang", LanguageCode::parse)?
            .map_or("en", LanguageCode::code);
        let video_count: i64 = ctx
            .db()?
            .fetch_scalar(queries::COUNT_WORD_VIDEOS, &[&word.as_str(), &lang])?;
        api::ok(&Answer {
            word,
            has_videos: video_count > 0,
            video_count,
        })
    })
}
