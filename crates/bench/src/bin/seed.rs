//! Fills a migrated database with the benchmark data set (it empties the tables first).
//!
//! `seed --db-url postgres://postgres@127.0.0.1:5432/dogetionary_bench`

use std::time::Instant;

use bench::dataset::{self, DataSet, Params};
use clap::Parser;

/// Writes the seeded data set: users × saved words × reviews.
#[derive(Debug, Parser)]
struct Args {
    /// Database to fill; it must be migrated (`devhost migrate --db-url ...`).
    #[arg(
        long,
        env = "BENCH_DB_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/dogetionary_bench"
    )]
    db_url: String,
    /// Generator seed; the same seed gives the same rows.
    #[arg(long, default_value_t = dataset::DEFAULT_SEED)]
    seed: u64,
    /// Users.
    #[arg(long, default_value_t = 1_000)]
    users: usize,
    /// Saved words per user.
    #[arg(long, default_value_t = 50)]
    words: usize,
    /// Reviews per saved word.
    #[arg(long, default_value_t = 5)]
    reviews: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let data = DataSet::generate(Params {
        seed: args.seed,
        users: args.users,
        words_per_user: args.words,
        reviews_per_word: args.reviews,
    });
    let mut client = bench::connect(&args.db_url).await?;
    let counts = bench::seed::seed(&mut client, &data).await?;
    println!(
        "seeded {} users, {} saved words, {} reviews, {} bundle words in {:.1} s",
        counts.users,
        counts.saved_words,
        counts.reviews,
        counts.bundle_words,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
