//! Fills a migrated database with the benchmark data set (it empties the tables first).
//!
//! `seed --db-url postgres://postgres@127.0.0.1:5432/dogetionary_bench`

use std::time::Instant;

use bench::dataset::{DataSet, Params};
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
    /// Data set to write.
    #[command(flatten)]
    data: Params,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let data = DataSet::generate(args.data);
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
