//! `GET /v3/saved_words?user_id=&due_only=`: the user's saved words with their review
//! statistics, ordered by next review date, in one statement. `due_only` (true/false/1/0)
//! keeps the words that are not known and due today (UTC) or earlier. Timestamps are
//! `YYYY-MM-DDTHH:MM:SSZ`; a word never reviewed is due the day after it was saved.

use chrono::NaiveDateTime;
use domain::{UserId, WindowCounts, iso8601, progress_level};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// A row of `queries::SAVED_WORDS`, answered as one item of `saved_words`.
#[derive(Deserialize, Serialize)]
struct SavedWord {
    id: i32,
    word: String,
    learning_language: String,
    native_language: String,
    metadata: serde_json::Value,
    #[serde(serialize_with = "iso8601::serialize")]
    created_at: NaiveDateTime,
    review_count: i64,
    correct_reviews: i64,
    incorrect_reviews: i64,
    #[serde(default)]
    word_progress_level: u8,
    interval_days: i32,
    #[serde(serialize_with = "iso8601::serialize")]
    next_review_date: NaiveDateTime,
    #[serde(serialize_with = "iso8601::serialize_option")]
    last_reviewed_at: Option<NaiveDateTime>,
    is_toefl: Option<bool>,
    is_ielts: Option<bool>,
    is_demo: Option<bool>,
    is_known: bool,
    #[serde(skip_serializing)]
    correct_by_window: [u32; 6],
    #[serde(skip_serializing)]
    wrong_by_window: [u32; 6],
}

/// The response body, serialized straight from the rows.
#[derive(Serialize)]
struct SavedWords<'a> {
    user_id: &'a UserId,
    saved_words: &'a [SavedWord],
    count: usize,
    due_only: bool,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let query = api::Query::of(req);
        let user = query.user_id()?;
        let due_only = query.flag("due_only")?.unwrap_or(false);
        let mut words: Vec<SavedWord> = ctx
            .db()?
            .fetch_all(queries::SAVED_WORDS, &[user.as_uuid(), &due_only])?;
        for word in &mut words {
            let windows = WindowCounts {
                correct: word.correct_by_window,
                wrong: word.wrong_by_window,
            };
            let correct_ever = u32::try_from(word.correct_reviews).unwrap_or(u32::MAX);
            word.word_progress_level = progress_level(correct_ever, &windows);
        }
        api::ok(&SavedWords {
            user_id: &user,
            count: words.len(),
            due_only,
            saved_words: &words,
        })
    })
}
