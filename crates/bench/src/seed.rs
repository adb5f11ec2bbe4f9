//! Writes a [`DataSet`] into a migrated database with `COPY`, in one transaction: users'
//! preferences, their saved words, a review history per word, and a bundle vocabulary that
//! some saved words belong to.

use std::fmt::Write as _;

use bytes::Bytes;
use chrono::{Duration, NaiveDateTime, Utc};
use futures::SinkExt;
use rand::Rng;
use tokio_postgres::Client;

use crate::dataset::DataSet;

/// Rows written per table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// `user_preferences` rows.
    pub users: u64,
    /// `saved_words` rows.
    pub saved_words: u64,
    /// `reviews` rows.
    pub reviews: u64,
    /// `bundle_vocabularies` rows.
    pub bundle_words: u64,
}

/// Empties the tables the data set fills (and the usage log), then writes `data`.
pub async fn seed(client: &mut Client, data: &DataSet) -> anyhow::Result<Counts> {
    let now = Utc::now().naive_utc();
    let tx = client.transaction().await?;
    tx.batch_execute(
        "TRUNCATE reviews, saved_words, user_preferences, api_usage_logs, bundle_vocabularies \
         RESTART IDENTITY CASCADE",
    )
    .await?;
    let mut counts = Counts::default();

    let mut csv = String::new();
    for (i, user) in data.users.iter().enumerate() {
        let _ = writeln!(
            csv,
            "{},en,{},bench-user-{i},Every word is a new adventure!,{}",
            user.id,
            user.native_language,
            ts(now - Duration::days(200))
        );
    }
    counts.users = copy(
        &tx,
        "user_preferences (user_id, learning_language, native_language, user_name, user_motto, created_at)",
        csv,
    )
    .await?;

    // Every fifth vocabulary word is a TOEFL word and every seventh an IELTS word, at one of
    // three levels; levels are cumulative (a beginner word is also intermediate and advanced).
    let mut csv = String::new();
    for (i, word) in data.vocabulary.iter().enumerate() {
        let levels = |every: usize| {
            let level = if i % every == 0 {
                1 + (i / every) % 3
            } else {
                0
            };
            [level == 1, level == 1 || level == 2, level >= 1]
        };
        let (toefl, ielts) = (levels(5), levels(7));
        if toefl[2] || ielts[2] {
            let _ = writeln!(
                csv,
                "{word},en,{},{},{},{},{},{}",
                toefl[0], toefl[1], toefl[2], ielts[0], ielts[1], ielts[2]
            );
        }
    }
    counts.bundle_words = copy(
        &tx,
        "bundle_vocabularies (word, language, is_toefl_beginner, is_toefl_intermediate, \
         is_toefl_advanced, is_ielts_beginner, is_ielts_intermediate, is_ielts_advanced)",
        csv,
    )
    .await?;

    let mut rng = data.review_rng();
    let (mut words_csv, mut reviews_csv) = (String::new(), String::new());
    let mut word_id = 0u64;
    for user in &data.users {
        for &index in &user.words {
            word_id += 1;
            // Saved 20 to 180 days ago; reviewed `reviews_per_word` times since, each review
            // scheduling the next one further out after a correct answer.
            let created = now - Duration::minutes(rng.random_range(20 * 1440..180 * 1440));
            let is_known = rng.random_bool(0.03);
            let _ = writeln!(
                words_csv,
                "{word_id},{},{},en,{},{is_known},{},{{}}",
                user.id,
                data.word(index),
                user.native_language,
                ts(created)
            );
            // Reviews at random times between saving and now; each stores the next review
            // date the real schedule gives for the history so far.
            let span = (now - created).num_minutes().max(1);
            let mut times: Vec<i64> = (0..data.params.reviews_per_word)
                .map(|_| rng.random_range(0..span))
                .collect();
            times.sort_unstable();
            let mut history = Vec::with_capacity(times.len());
            for minutes in times {
                let at = created + Duration::minutes(minutes);
                let correct = rng.random_bool(0.75);
                history.push(domain::Review::new(at, correct));
                let next = domain::next_review_date(created, &history);
                let _ = writeln!(
                    reviews_csv,
                    "{},{word_id},{correct},{},{}",
                    user.id,
                    ts(at),
                    ts(next)
                );
            }
        }
    }
    counts.saved_words = copy(
        &tx,
        "saved_words (id, user_id, word, learning_language, native_language, is_known, created_at, metadata)",
        words_csv,
    )
    .await?;
    counts.reviews = copy(
        &tx,
        "reviews (user_id, word_id, response, reviewed_at, next_review_date)",
        reviews_csv,
    )
    .await?;
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('saved_words', 'id'), (SELECT max(id) FROM saved_words))",
    )
    .await?;
    tx.commit().await?;
    client
        .batch_execute("ANALYZE user_preferences, saved_words, reviews, bundle_vocabularies")
        .await?;
    Ok(counts)
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

async fn copy(
    tx: &tokio_postgres::Transaction<'_>,
    target: &str,
    csv: String,
) -> anyhow::Result<u64> {
    let sink = tx
        .copy_in(&format!("COPY {target} FROM STDIN (FORMAT csv)"))
        .await?;
    futures::pin_mut!(sink);
    sink.send(Bytes::from(csv)).await?;
    Ok(sink.finish().await?)
}
