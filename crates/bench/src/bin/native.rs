//! The native baseline server: the benchmarked endpoints without the sandbox, on the same pool
//! settings as `devhost up` (the flags have the same names and defaults).
//!
//! `native --listen 127.0.0.1:3001 --db-url postgres://postgres@127.0.0.1:5432/dogetionary_bench`

use std::net::SocketAddr;
use std::time::Duration;

use bench::native::{self, pool};
use clap::Parser;

/// Serves /health, /v3/saved_words, /v3/due_counts, /v3/reviews/submit and the no-I/O
/// /probe/spin natively.
#[derive(Debug, Parser)]
struct Args {
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:3001")]
    listen: SocketAddr,
    /// The database.
    #[arg(
        long,
        env = "BENCH_DB_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/dogetionary_bench"
    )]
    db_url: String,
    /// Most connections open at a time.
    #[arg(long, default_value_t = 16)]
    pool_max_size: usize,
    /// How long a request waits for a pooled connection before a 503 (e.g. 5s, 500ms).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pool_acquire_timeout: Duration,
    /// How long opening a connection may take.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pool_create_timeout: Duration,
    /// `statement_timeout` of every connection.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    statement_timeout: Duration,
}

/// `30s`, `500ms`, `2m` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?}"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("invalid duration unit in {text:?} (ms, s or m)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = pool::build(
        &args.db_url,
        &pool::Settings {
            max_size: args.pool_max_size,
            acquire_timeout: args.pool_acquire_timeout,
            create_timeout: args.pool_create_timeout,
            statement_timeout: args.statement_timeout,
        },
    )?;
    // Fail fast on a bad address, as the host's start-up check does.
    drop(pool.get().await?);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    println!("Serving http://{}", listener.local_addr()?);
    axum::serve(listener, native::router(pool))
        .with_graceful_shutdown(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        })
        .await?;
    Ok(())
}
