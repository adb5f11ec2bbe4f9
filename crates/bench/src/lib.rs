//! Benchmark of the application on the development host against a native baseline, and the
//! pieces the fault harness shares with it.
//!
//! - [`dataset`]: the seeded data set (users, saved words, reviews) and [`seed`] that writes it.
//! - [`load`]: the closed-loop load generator with HDR latency histograms.
//! - [`native`]: the native axum server running the same SQL on the same pool settings.
//! - [`prom`]: reading the host's Prometheus counters.
//! - [`startup`]: the many-component application whose start-up the report times.

#![forbid(unsafe_code)]

pub mod dataset;
pub mod load;
pub mod native;
pub mod prom;
pub mod seed;
pub mod startup;

/// One plain connection (for seeding and checks), its driver task spawned.
pub async fn connect(db_url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("database connection closed: {e}");
        }
    });
    Ok(client)
}
