//! `POST /fix_next_review_dates` (and `/v3/...`), operator only: recomputes the latest
//! review's `next_review_date` of every saved word with `domain::next_review_date` over
//! the word's whole history and writes the ones that differ. Idempotent: a second run
//! changes nothing.
//!
//! Works in batches of [`BATCH`] words (keyset pagination by word id): one statement reads
//! a batch with the histories, one writes that batch's corrections (only when there are
//! some). Each batch commits on its own, so an interrupted run keeps what it fixed.

use chrono::NaiveDateTime;
use domain::Review;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// Words per batch.
const BATCH: i64 = 500;

#[derive(Deserialize)]
struct Word {
    word_id: i32,
    created_at: NaiveDateTime,
    latest_review_id: i32,
    latest_next_review: NaiveDateTime,
    history: Vec<Review>,
}

#[derive(Serialize)]
struct Correction {
    id: i32,
    next_review_date: NaiveDateTime,
}

#[derive(Serialize, Default)]
struct Statistics {
    total_checked: u64,
    correct_records: u64,
    updated_records: u64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Post], |_req, ctx| {
        let db = ctx.db()?;
        let mut stats = Statistics::default();
        let mut after = 0i32;
        loop {
            let words: Vec<Word> =
                db.fetch_all(queries::REPAIR_REVIEW_DATES_BATCH, &[&after, &BATCH])?;
            let corrections: Vec<Correction> = words
                .iter()
                .filter_map(|w| {
                    let next = domain::next_review_date(w.created_at, &w.history);
                    (next != w.latest_next_review).then_some(Correction {
                        id: w.latest_review_id,
                        next_review_date: next,
                    })
                })
                .collect();
            let checked = words.len() as u64;
            let updated = if corrections.is_empty() {
                0
            } else {
                let json = serde_json::to_value(&corrections).map_err(api::ApiError::internal)?;
                db.execute(queries::REPAIR_REVIEW_DATES_UPDATE, &[&json])?
            };
            stats.total_checked += checked;
            stats.updated_records += updated;
            stats.correct_records += checked - corrections.len() as u64;
            match words.last() {
                Some(last) if i64::try_from(words.len()).unwrap_or(i64::MAX) >= BATCH => {
                    after = last.word_id;
                }
                _ => break,
            }
        }
        api::ok(&serde_json::json!({
            "success": true,
            "message": format!(
                "Checked {} words, updated {} next review dates",
                stats.total_checked, stats.updated_records
            ),
            "statistics": stats,
        }))
    })
}
