//! `POST /v3/words/batch/forgetting-curves` `{user_id, word_ids: [int]}`:
//! `{"curves": [...], "not_found": [ids]}`, every curve shaped as the single-word
//! endpoint's (`domain::word_curve`). All the words and their histories come from one
//! statement. `word_ids` holds 1 to 100 ids (integers or strings of digits); duplicates
//! count once; curves and `not_found` follow the order of first mention. Ids that are
//! not the user's words (another user's, deleted, never existing) are listed in
//! `not_found`.

use chrono::NaiveDateTime;
use domain::Review;
use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// The most ids one request may ask for.
const MAX_IDS: usize = 100;

#[derive(Deserialize)]
struct Saved {
    id: i32,
    word: String,
    created_at: NaiveDateTime,
    history: Vec<Review>,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let ids = body.id_list("word_ids", 1, MAX_IDS)?;
        let saved: Vec<Saved> = ctx.db()?.fetch_all(
            queries::WORDS_WITH_HISTORY,
            &[&serde_json::json!(ids), user.as_uuid()],
        )?;
        let mut curves = Vec::with_capacity(saved.len());
        let mut not_found = Vec::new();
        for id in ids {
            match saved.iter().find(|s| s.id == id) {
                Some(s) => curves.push(domain::word_curve(s.id, &s.word, s.created_at, &s.history)),
                None => not_found.push(id),
            }
        }
        api::ok(&serde_json::json!({
            "curves": curves,
            "not_found": not_found,
        }))
    })
}
