//! `POST /v3/test-prep/run-daily-job`, operator only (run it from cron once a day): adds
//! up to [`WORDS_PER_USER`] words of their bundle, alphabetically among those they have
//! not saved, to every user with a `test_prep`, and records the day on the user
//! (`last_test_words_added`). A user already served today (UTC) is skipped, so a second
//! run the same day changes nothing.
//!
//! Users are served in batches of [`USERS_PER_BATCH`], one statement each, until a batch
//! comes back short (at most [`MAX_BATCHES`] batches per request).

use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// Words added per user per day (the original's `DAILY_TEST_WORDS`).
const WORDS_PER_USER: i64 = 10;
/// Users per statement.
const USERS_PER_BATCH: i64 = 500;
/// Upper bound on the loop (5 million users per run).
const MAX_BATCHES: u32 = 10_000;

#[derive(Deserialize)]
struct Batch {
    users_processed: i64,
    words_added: i64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve_admin(req, out, &[Method::Post], |_req, ctx| {
        let db = ctx.db()?;
        let (mut users, mut words, mut batches) = (0i64, 0i64, 0u32);
        while batches < MAX_BATCHES {
            let batch: Batch = db.fetch_one(
                queries::DAILY_TEST_WORDS_BATCH,
                &[&USERS_PER_BATCH, &WORDS_PER_USER],
            )?;
            batches += 1;
            users += batch.users_processed;
            words += batch.words_added;
            if batch.users_processed < USERS_PER_BATCH {
                break;
            }
        }
        api::ok(&serde_json::json!({
            "success": true,
            "users_processed": users,
            "words_added": words,
            "batches": batches,
        }))
    })
}
