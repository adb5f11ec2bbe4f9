//! Applies closed-loop load to a running server and prints throughput, latency quantiles and
//! responses by status, one line per concurrency level.
//!
//! `loadgen --addr 127.0.0.1:3000 --scenario saved_words --connections 1,8,32 --duration 10`

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bench::dataset::{DataSet, Params};
use bench::load::{self, Load, Scenario};
use clap::Parser;

/// Closed-loop HTTP/1 load generator with HDR latency histograms.
#[derive(Debug, Parser)]
struct Args {
    /// Server address (loopback only).
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// saved_words, saved_words_due, due_counts, submit, health, mixed, or get:/any/path.
    #[arg(long, default_value = "saved_words")]
    scenario: String,
    /// Keep-alive connections; a comma-separated list runs each level in turn.
    #[arg(long, value_delimiter = ',', default_value = "8")]
    connections: Vec<usize>,
    /// Measured seconds per level.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Unmeasured warm-up seconds per level.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Stop each level after this many measured requests.
    #[arg(long)]
    requests: Option<u64>,
    /// Data set the users are drawn from (must match the seeded database).
    #[command(flatten)]
    data: Params,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.addr.ip().is_loopback(),
        "loadgen only targets loopback addresses"
    );
    let scenario = Scenario::named(&args.scenario)?;
    let data = Arc::new(DataSet::generate(args.data));
    println!("{} against http://{}", scenario.name, args.addr);
    for connections in args.connections {
        let plan = Load {
            warmup: Duration::from_secs_f64(args.warmup),
            max_requests: args.requests,
            ..Load::new(
                args.addr,
                connections,
                Duration::from_secs_f64(args.duration),
            )
        };
        let outcome = load::run(&plan, &scenario, data.clone()).await;
        println!("{outcome}");
    }
    Ok(())
}
