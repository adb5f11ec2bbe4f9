//! Runs the whole comparison and writes `bench/RESULTS.md`: creates and seeds the bench
//! database, starts the development host and the native baseline as separate processes on
//! loopback, runs every scenario × concurrency against both, reads the host's counters, its
//! peak memory and the cost of the sandbox on a no-I/O route.
//!
//! Use `bench/run` (it builds everything first); `bench/run --quick` takes one to two minutes.

use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bench::dataset::{DataSet, Params};
use bench::load::{self, Load, Outcome, Scenario};
use bench::prom;
use clap::Parser;

/// Benchmark the application on the development host against the native baseline.
#[derive(Debug, Parser)]
struct Args {
    /// Short run (about 1.5 s per measurement): one to two minutes in all.
    #[arg(long)]
    quick: bool,
    /// Measured seconds per scenario, concurrency and server (default 6, or 1.5 with --quick).
    #[arg(long)]
    duration: Option<f64>,
    /// Alternating devhost/native slices each measurement is split into (default 3, or 1
    /// with --quick).
    #[arg(long)]
    rounds: Option<u32>,
    /// Concurrency levels (keep-alive connections).
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,128")]
    connections: Vec<usize>,
    /// Database for the benchmark; it is created, migrated and refilled.
    #[arg(
        long,
        env = "BENCH_DB_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/dogetionary_bench"
    )]
    db_url: String,
    /// Pool maximum of both servers (the other pool settings are the host's defaults).
    #[arg(long, default_value_t = 16)]
    pool_max_size: usize,
    /// The application manifest.
    #[arg(long, default_value = "spin.toml")]
    manifest: PathBuf,
    /// Manifest of the no-I/O component, for the sandbox cost.
    #[arg(long, default_value = "crates/bench/noop.toml")]
    noop_manifest: PathBuf,
    /// Route of the no-I/O component in that manifest (the native server answers it too).
    #[arg(long, default_value = "/probe/spin?ms=0")]
    noop_path: String,
    /// Components of the start-up fixture (copies of `health`), timed cold and warm.
    #[arg(long, default_value_t = 50)]
    startup_components: usize,
    /// Where to write the report.
    #[arg(long, default_value = "bench/RESULTS.md")]
    out: PathBuf,
    /// The command line to print in the report (set by bench/run).
    #[arg(long, env = "BENCH_COMMAND")]
    command: Option<String>,
    /// Data set to seed and draw users from.
    #[command(flatten)]
    data: Params,
}

/// A benchmarked scenario and the component that serves it (for the host's counters).
const SCENARIOS: [(&str, Option<&str>); 5] = [
    ("saved_words", Some("saved-words")),
    ("due_counts", Some("due-counts")),
    ("submit", Some("reviews-submit")),
    ("health", Some("health")),
    ("mixed", None),
];

/// Pool settings given to both servers: the host's defaults except the maximum.
const ACQUIRE_TIMEOUT: &str = "5s";
const CREATE_TIMEOUT: &str = "5s";
const STATEMENT_TIMEOUT: &str = "30s";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let load_before = load_average();
    let measured =
        Duration::from_secs_f64(args.duration.unwrap_or(if args.quick { 1.5 } else { 6.0 }));
    let rounds = args.rounds.unwrap_or(if args.quick { 1 } else { 3 });
    // Per slice: connections reopen, the pools and caches are already warm.
    let warmup = Duration::from_millis(500);
    let bin_dir = std::env::current_exe()?
        .parent()
        .context("executable directory")?
        .to_path_buf();
    let logs = PathBuf::from("target/bench");
    std::fs::create_dir_all(&logs)?;
    let db_host = db_host(&args.db_url)?;

    // Database: create, migrate, seed.
    let params = args.data;
    println!("preparing {} ...", args.db_url);
    run_tool(
        Command::new(bin_dir.join("devhost"))
            .args(["migrate", "--db-url", &args.db_url])
            .arg("-f")
            .arg(&args.manifest),
    )?;
    let data = Arc::new(DataSet::generate(params));
    let mut db = bench::connect(&args.db_url).await?;
    let seed_started = Instant::now();
    let counts = bench::seed::seed(&mut db, &data).await?;
    let seed_secs = seed_started.elapsed().as_secs_f64();
    let pg_version: String = db.query_one("SHOW server_version", &[]).await?.get(0);

    // Servers.
    let pool_flags = |max: usize| {
        vec![
            format!("--pool-max-size={max}"),
            format!("--pool-acquire-timeout={ACQUIRE_TIMEOUT}"),
            format!("--pool-create-timeout={CREATE_TIMEOUT}"),
            format!("--statement-timeout={STATEMENT_TIMEOUT}"),
        ]
    };
    let devhost_metrics = free_addr()?;
    let mut devhost_args = vec![
        "up".to_owned(),
        "--no-migrate".to_owned(),
        format!("--manifest={}", args.manifest.display()),
        format!("--variable=db_url={}", args.db_url),
        format!("--variable=db_host={db_host}"),
        format!("--metrics-listen={devhost_metrics}"),
    ];
    devhost_args.extend(pool_flags(args.pool_max_size));
    let devhost = Server::start("devhost", &bin_dir, &devhost_args, &logs).await?;
    let mut native_args = vec![format!("--db-url={}", args.db_url)];
    native_args.extend(pool_flags(args.pool_max_size));
    let native = Server::start("native", &bin_dir, &native_args, &logs).await?;

    // Scenarios.
    let mut rows = Vec::new();
    let mut round_trips = Vec::new();
    let mut rss_at_max = 0u64;
    let max_connections = args.connections.iter().copied().max().unwrap_or(0);
    for (name, component) in SCENARIOS {
        let scenario = Scenario::named(name)?;
        let before = scrape(devhost_metrics).await?;
        for &connections in &args.connections {
            // Alternate short slices of the two servers, so that other work on the machine
            // weighs on both alike.
            let plan = |addr| Load {
                warmup,
                ..Load::new(addr, connections, measured / rounds)
            };
            let (mut on_devhost, mut on_native) = (None::<Outcome>, None::<Outcome>);
            let (mut devhost_cpu, mut native_cpu) = (0, 0);
            for _ in 0..rounds {
                let sampler =
                    (connections == max_connections).then(|| RssSampler::start(devhost.pid()));
                let (slice, cpu) = run_on(&devhost, &plan(devhost.addr), &scenario, &data).await;
                if let Some(sampler) = sampler {
                    rss_at_max = rss_at_max.max(sampler.stop().await);
                }
                append(&mut on_devhost, slice);
                devhost_cpu += cpu;
                let (slice, cpu) = run_on(&native, &plan(native.addr), &scenario, &data).await;
                append(&mut on_native, slice);
                native_cpu += cpu;
            }
            let (Some(on_devhost), Some(on_native)) = (on_devhost, on_native) else {
                bail!("--rounds must be at least 1");
            };
            println!("{name:<12} devhost {on_devhost}");
            println!("{name:<12} native  {on_native}");
            rows.push(Row {
                scenario: name,
                connections,
                cpu_us: (
                    per_request_us(devhost_cpu, &on_devhost),
                    per_request_us(native_cpu, &on_native),
                ),
                devhost: on_devhost,
                native: on_native,
            });
        }
        if let Some(component) = component {
            let after = scrape(devhost_metrics).await?;
            round_trips.push(RoundTrips::between(name, component, &before, &after));
        }
    }
    let devhost_hwm = status_kib(devhost.pid(), "VmHWM")?;
    let native_hwm = status_kib(native.pid(), "VmHWM")?;
    drop(devhost);

    // Sandbox cost: the no-I/O component against the native no-I/O handler, one connection.
    let noop_args = vec![
        "up".to_owned(),
        "--no-migrate".to_owned(),
        format!("--manifest={}", args.noop_manifest.display()),
    ];
    let noop_host = Server::start("devhost-noop", &bin_dir, &noop_args, &logs).await?;
    let noop_scenario = Scenario::single("noop", load::Endpoint::Get(args.noop_path.clone()));
    let noop_plan = |addr| Load {
        warmup,
        max_requests: Some(if args.quick { 2_000 } else { 10_000 } / u64::from(rounds)),
        ..Load::new(addr, 1, Duration::from_secs(60))
    };
    let (mut noop_devhost, mut noop_native) = (None::<Outcome>, None::<Outcome>);
    let (mut devhost_cpu, mut native_cpu) = (0, 0);
    for _ in 0..rounds {
        let (slice, cpu) = run_on(
            &noop_host,
            &noop_plan(noop_host.addr),
            &noop_scenario,
            &data,
        )
        .await;
        append(&mut noop_devhost, slice);
        devhost_cpu += cpu;
        let (slice, cpu) = run_on(&native, &noop_plan(native.addr), &noop_scenario, &data).await;
        append(&mut noop_native, slice);
        native_cpu += cpu;
    }
    let (Some(noop_devhost), Some(noop_native)) = (noop_devhost, noop_native) else {
        bail!("--rounds must be at least 1");
    };
    let noop_cpu_us = (
        per_request_us(devhost_cpu, &noop_devhost),
        per_request_us(native_cpu, &noop_native),
    );
    println!("noop         devhost {noop_devhost}");
    println!("noop         native  {noop_native}");
    drop(noop_host);
    drop(native);

    println!("start-up of {} components ...", args.startup_components);
    let startup = measure_startup(&bin_dir, &logs, args.startup_components).await?;

    let report = Report {
        command: args
            .command
            .clone()
            .unwrap_or_else(|| std::env::args().collect::<Vec<_>>().join(" ")),
        pg_version,
        params,
        counts,
        seed_secs,
        pool_max_size: args.pool_max_size,
        warmup,
        measured,
        rounds,
        rows,
        round_trips,
        noop: (noop_devhost, noop_native),
        noop_cpu_us,
        noop_path: args.noop_path.clone(),
        memory: (devhost_hwm, rss_at_max, native_hwm, max_connections),
        startup,
        total: started.elapsed(),
        load_average: (load_before, load_average()),
    };
    let markdown = report.markdown()?;
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &markdown)?;
    println!(
        "\nwrote {} in {:.0} s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One scenario at one concurrency on both servers.
struct Row {
    scenario: &'static str,
    connections: usize,
    /// Server process CPU time per response (devhost, native), µs.
    cpu_us: (f64, f64),
    devhost: Outcome,
    native: Outcome,
}

/// The host's counters for one component over one scenario (all its concurrency levels).
struct RoundTrips {
    scenario: &'static str,
    component: &'static str,
    requests: f64,
    queries: f64,
    checkouts: f64,
}

impl RoundTrips {
    fn between(
        scenario: &'static str,
        component: &'static str,
        before: &[prom::Sample],
        after: &[prom::Sample],
    ) -> Self {
        let delta = |name: &str| {
            let filter = [("component", component)];
            prom::sum(after, name, &filter) - prom::sum(before, name, &filter)
        };
        Self {
            scenario,
            component,
            requests: delta("devhost_requests_total"),
            queries: delta("devhost_queries_total"),
            checkouts: delta("devhost_pool_checkouts_total"),
        }
    }
}

struct Report {
    command: String,
    pg_version: String,
    params: Params,
    counts: bench::seed::Counts,
    seed_secs: f64,
    pool_max_size: usize,
    warmup: Duration,
    measured: Duration,
    rounds: u32,
    rows: Vec<Row>,
    round_trips: Vec<RoundTrips>,
    noop: (Outcome, Outcome),
    /// Server CPU time per no-I/O request (devhost, native), µs.
    noop_cpu_us: (f64, f64),
    noop_path: String,
    /// devhost VmHWM, devhost max sampled VmRSS at the top concurrency, native VmHWM (KiB),
    /// and that concurrency.
    memory: (u64, u64, u64, usize),
    startup: Startup,
    total: Duration,
    /// `/proc/loadavg` (1 min) before and after the run: other work on the machine skews
    /// every number.
    load_average: (String, String),
}

impl Report {
    fn markdown(&self) -> anyhow::Result<String> {
        let mut md = String::new();
        let (cores, memory, cpu) = machine();
        writeln!(md, "# Benchmark: development host vs native baseline\n")?;
        writeln!(
            md,
            "Written by `report` on {} in {:.0} s. Re-run with the command below; numbers vary \
             from machine to machine and run to run.\n",
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
            self.total.as_secs_f64()
        )?;
        writeln!(md, "| | |\n|---|---|")?;
        writeln!(md, "| Command | `{}` |", self.command)?;
        writeln!(
            md,
            "| Machine | {cores} cores (`nproc`), {memory} memory, {cpu} |"
        )?;
        writeln!(
            md,
            "| Load average (1 min) | {} before, {} after (above 0: other work competed for the cores) |",
            self.load_average.0, self.load_average.1
        )?;
        writeln!(
            md,
            "| rustc | {} |",
            command_output("rustc", &["--version"])
        )?;
        writeln!(md, "| wasmtime | {} |", locked_version("wasmtime"))?;
        writeln!(md, "| PostgreSQL | {} |", self.pg_version)?;
        writeln!(
            md,
            "| Data set | {} users × {} saved words × {} reviews, seed {} ({} users, {} saved words, \
             {} reviews, {} bundle words; seeded in {:.1} s) |",
            self.params.users,
            self.params.words_per_user,
            self.params.reviews_per_word,
            self.params.seed,
            self.counts.users,
            self.counts.saved_words,
            self.counts.reviews,
            self.counts.bundle_words,
            self.seed_secs
        )?;
        writeln!(
            md,
            "| Pool (both servers) | deadpool-postgres, max {}, acquire timeout {ACQUIRE_TIMEOUT}, \
             create timeout {CREATE_TIMEOUT}, statement_timeout {STATEMENT_TIMEOUT} |",
            self.pool_max_size
        )?;
        writeln!(
            md,
            "| Each measurement | closed loop on keep-alive HTTP/1 connections, {:.1} s measured \
             per server in {} alternating slices (devhost, native, ...), each after a {:.1} s \
             warm-up |\n",
            self.measured.as_secs_f64(),
            self.rounds,
            self.warmup.as_secs_f64()
        )?;

        writeln!(md, "## Targets (reported, not asserted)\n")?;
        writeln!(md, "| Target | Measured | Met |\n|---|---|---|")?;
        let (noop_devhost, noop_native) = &self.noop;
        let sandbox_us = (noop_devhost.quantile_ms(0.5) - noop_native.quantile_ms(0.5)) * 1000.0;
        target(
            &mut md,
            "sandbox cost (no-I/O component − native no-op, 1 connection, p50) ≤ 40 µs",
            &format!(
                "{sandbox_us:.0} µs (server CPU: {:.0} µs)",
                self.noop_cpu_us.0 - self.noop_cpu_us.1
            ),
            sandbox_us <= 40.0,
        )?;
        for (scenario, min_ratio, p99_limit) in [
            ("saved_words", 0.9, Some(1.2)),
            ("due_counts", 0.9, Some(1.2)),
            ("submit", 0.9, Some(1.2)),
            ("health", 0.7, None),
        ] {
            let Some(row) = self
                .rows
                .iter()
                .find(|r| r.scenario == scenario && r.connections == 32)
            else {
                continue;
            };
            let ratio = row.devhost.throughput() / row.native.throughput().max(1e-9);
            target(
                &mut md,
                &format!("{scenario} throughput at 32 connections ≥ {min_ratio}× native"),
                &format!("{ratio:.2}×"),
                ratio >= min_ratio,
            )?;
            if let Some(limit) = p99_limit {
                let p99 = row.devhost.quantile_ms(0.99) / row.native.quantile_ms(0.99).max(1e-9);
                target(
                    &mut md,
                    &format!("{scenario} p99 at 32 connections ≤ {limit}× native"),
                    &format!("{p99:.2}×"),
                    p99 <= limit,
                )?;
            }
        }
        let startup = &self.startup;
        target(
            &mut md,
            &format!(
                "warm start-up of {} components (compile cache filled) ≤ 1 s",
                startup.components
            ),
            &format!("{:.2} s", startup.warm.as_secs_f64()),
            startup.warm <= Duration::from_secs(1),
        )?;
        target(
            &mut md,
            &format!(
                "cold start-up of {} components (empty compile cache) ≤ 20 s",
                startup.components
            ),
            &format!("{:.1} s", startup.cold.as_secs_f64()),
            startup.cold <= Duration::from_secs(20),
        )?;
        let (hwm, rss_at_max, native_hwm, max_connections) = self.memory;
        target(
            &mut md,
            &format!("devhost peak memory with {max_connections} connections ≤ 100 MB"),
            &format!("{:.0} MB (VmHWM over the whole run)", mb(hwm)),
            mb(hwm) <= 100.0,
        )?;
        for (scenario, limit, text) in [
            (
                "saved_words",
                2.0,
                "saved_words statements/request = 1 + usage row",
            ),
            ("submit", 4.0, "reviews/submit statements/request ≤ 4"),
        ] {
            if let Some(rt) = self.round_trips.iter().find(|r| r.scenario == scenario) {
                let per = rt.queries / rt.requests.max(1.0);
                target(&mut md, text, &format!("{per:.2}"), per <= limit)?;
            }
        }

        writeln!(md, "\n## Throughput and latency\n")?;
        writeln!(
            md,
            "Latency in ms (send to last body byte). Ratios are devhost / native. Server CPU is \
             the server process's CPU time (all threads, Postgres not included) per response.\n"
        )?;
        writeln!(
            md,
            "| Scenario | Conns | devhost req/s | native req/s | req/s ratio | devhost p50 / p90 / p99 / max | \
             native p50 / p90 / p99 / max | p99 ratio | server CPU µs/req devhost / native | \
             devhost statuses | native statuses |"
        )?;
        writeln!(md, "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|")?;
        for row in &self.rows {
            writeln!(
                md,
                "| {} | {} | {:.0} | {:.0} | {:.2} | {} | {} | {:.2} | {:.0} / {:.0} | {} | {} |",
                row.scenario,
                row.connections,
                row.devhost.throughput(),
                row.native.throughput(),
                row.devhost.throughput() / row.native.throughput().max(1e-9),
                quantiles(&row.devhost),
                quantiles(&row.native),
                row.devhost.quantile_ms(0.99) / row.native.quantile_ms(0.99).max(1e-9),
                row.cpu_us.0,
                row.cpu_us.1,
                row.devhost.status_summary(),
                row.native.status_summary()
            )?;
        }

        writeln!(md, "\n## Round trips per request (devhost counters)\n")?;
        writeln!(
            md,
            "From `devhost_queries_total` (spin:postgres `query` + `execute` calls) and \
             `devhost_pool_checkouts_total` over each scenario's runs, warm-ups included.\n"
        )?;
        writeln!(
            md,
            "| Scenario | Component | Requests | Statements | Statements / request | Checkouts / request |"
        )?;
        writeln!(md, "|---|---|--:|--:|--:|--:|")?;
        for rt in &self.round_trips {
            writeln!(
                md,
                "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} |",
                rt.scenario,
                rt.component,
                rt.requests,
                rt.queries,
                rt.queries / rt.requests.max(1.0),
                rt.checkouts / rt.requests.max(1.0)
            )?;
        }

        writeln!(md, "\n## Sandbox cost\n")?;
        writeln!(
            md,
            "`GET {}` on one connection: a component that does no I/O on the host, against the \
             native server's handler that does the same nothing.\n",
            self.noop_path
        )?;
        writeln!(
            md,
            "| | Requests | req/s | p50 (µs) | p99 (µs) | server CPU per request (µs) |\n\
             |---|--:|--:|--:|--:|--:|"
        )?;
        let cpu = [self.noop_cpu_us.0, self.noop_cpu_us.1];
        for ((name, o), cpu) in [("devhost", noop_devhost), ("native", noop_native)]
            .into_iter()
            .zip(cpu)
        {
            writeln!(
                md,
                "| {name} | {} | {:.0} | {:.0} | {:.0} | {cpu:.1} |",
                o.responses(),
                o.throughput(),
                o.quantile_ms(0.5) * 1000.0,
                o.quantile_ms(0.99) * 1000.0
            )?;
        }
        writeln!(
            md,
            "| difference | | | {sandbox_us:.0} | {:.0} | {:.1} |\n",
            (noop_devhost.quantile_ms(0.99) - noop_native.quantile_ms(0.99)) * 1000.0,
            self.noop_cpu_us.0 - self.noop_cpu_us.1
        )?;
        writeln!(
            md,
            "At one connection the latency difference also holds the host's extra thread \
             hand-offs (the guest runs in its own task), whose wake-ups cost more on an idle VM \
             than on a busy one; the CPU column is the sandbox's own work per request."
        )?;

        writeln!(md, "\n## Start-up\n")?;
        writeln!(
            md,
            "`devhost up` on {n} copies of the `health` component under {n} routes (each copy \
             carries a distinct custom section, so the compile cache holds {n} entries): time \
             from starting the process to its listener accepting a connection. Cold starts \
             with an empty compile cache; warm reuses the cache the cold run filled.\n",
            n = self.startup.components
        )?;
        writeln!(md, "| Start | Seconds |\n|---|--:|")?;
        writeln!(md, "| cold | {:.2} |", self.startup.cold.as_secs_f64())?;
        writeln!(md, "| warm | {:.2} |", self.startup.warm.as_secs_f64())?;

        writeln!(md, "\n## Memory\n")?;
        writeln!(md, "| Process | Measure | MB |\n|---|---|--:|")?;
        writeln!(
            md,
            "| devhost | VmHWM (peak RSS over the whole run) | {:.0} |",
            mb(hwm)
        )?;
        writeln!(
            md,
            "| devhost | highest VmRSS sampled during the {max_connections}-connection runs | {:.0} |",
            mb(rss_at_max)
        )?;
        writeln!(md, "| native | VmHWM | {:.0} |", mb(native_hwm))?;

        writeln!(md, "\n## Notes\n")?;
        writeln!(
            md,
            "- Scenarios pick a random seeded user per request (upper-case user ids, as the iOS \
             client sends them). `saved_words` is `GET /v3/saved_words?due_only=false`; \
             `submit` posts a review of one of the user's saved words (75% right answers)."
        )?;
        writeln!(
            md,
            "- `mixed` uses the original Locust load test's weights with the endpoints this \
             application has: practice-status (3) → `GET /v3/saved_words?due_only=true`, review \
             batch (5) → `GET /v3/saved_words`, submit (4) → `POST /v3/reviews/submit`, due counts \
             (2) → `GET /v3/due_counts`."
        )?;
        writeln!(
            md,
            "- The native server (`crates/bench`, binary `native`) runs the `queries` crate's \
             statements on the same pool settings, writes the same usage row, and resets each \
             used connection with `ROLLBACK` + `DISCARD ALL` before reuse, as the host does."
        )?;
        writeln!(
            md,
            "- Statements per request count every spin:postgres call: saved_words and due_counts \
             are their query plus the usage row; reviews/submit is `BEGIN`, `REVIEW_PREPARE`, \
             `REVIEW_INSERT`, `COMMIT` and the usage row. Each statement is prepared then executed \
             (about two round trips, as on Spin), and a used connection is reset with `ROLLBACK` + \
             `DISCARD ALL` before reuse."
        )?;
        writeln!(
            md,
            "- Load generator, servers and PostgreSQL share the same cores, so absolute numbers \
             are lower than on separate machines; the ratios compare like with like."
        )?;
        Ok(md)
    }
}

/// Start-up times of the many-component fixture.
struct Startup {
    components: usize,
    cold: Duration,
    warm: Duration,
}

/// Times `devhost up` on `components` copies of `health.wasm`: first with an empty compile
/// cache, then with the cache that run filled.
async fn measure_startup(
    bin_dir: &Path,
    logs: &Path,
    components: usize,
) -> anyhow::Result<Startup> {
    let dir = logs.join("startup");
    let cache = logs.join("startup-cache");
    for d in [&dir, &cache] {
        if d.exists() {
            std::fs::remove_dir_all(d)?;
        }
    }
    std::fs::create_dir_all(&dir)?;
    bench::startup::write_copies(
        &dir,
        Path::new("target/wasm32-wasip2/release/health.wasm"),
        components,
    )?;
    let args = vec![
        "up".to_owned(),
        "--no-migrate".to_owned(),
        format!("--manifest={}", dir.join("spin.toml").display()),
        format!("--cache-dir={}", cache.display()),
    ];
    let mut times = Vec::new();
    for _ in ["cold", "warm"] {
        let started = Instant::now();
        let server = Server::start("devhost-startup", bin_dir, &args, logs).await?;
        times.push(started.elapsed());
        drop(server);
    }
    Ok(Startup {
        components,
        cold: times[0],
        warm: times[1],
    })
}

/// Runs `plan` against `server`, also returning the server's CPU time (ns, all threads) from
/// the end of the warm-up to the end of the run.
async fn run_on(
    server: &Server,
    plan: &Load,
    scenario: &Scenario,
    data: &Arc<DataSet>,
) -> (Outcome, u64) {
    let pid = server.pid();
    let warmup = plan.warmup;
    let start = tokio::spawn(async move {
        tokio::time::sleep(warmup).await;
        cpu_ns(pid)
    });
    let outcome = load::run(plan, scenario, data.clone()).await;
    let end = cpu_ns(pid);
    let start = start.await.unwrap_or(end);
    (outcome, end.saturating_sub(start))
}

/// CPU time of every thread of a process so far, in ns (`/proc/<pid>/task/*/schedstat`).
fn cpu_ns(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn per_request_us(cpu_ns: u64, outcome: &Outcome) -> f64 {
    cpu_ns as f64 / 1000.0 / outcome.responses().max(1) as f64
}

fn append(total: &mut Option<Outcome>, slice: Outcome) {
    match total {
        Some(total) => total.append(&slice),
        None => *total = Some(slice),
    }
}

fn target(md: &mut String, what: &str, measured: &str, met: bool) -> std::fmt::Result {
    writeln!(
        md,
        "| {what} | {measured} | {} |",
        if met { "yes" } else { "**no**" }
    )
}

fn quantiles(o: &Outcome) -> String {
    format!(
        "{:.2} / {:.2} / {:.2} / {:.1}",
        o.quantile_ms(0.5),
        o.quantile_ms(0.9),
        o.quantile_ms(0.99),
        o.max_ms()
    )
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// A server process on a free loopback port, stopped on drop.
struct Server {
    name: &'static str,
    addr: SocketAddr,
    child: Child,
}

impl Server {
    async fn start(
        name: &'static str,
        bin_dir: &Path,
        args: &[String],
        logs: &Path,
    ) -> anyhow::Result<Self> {
        let program = if name == "native" {
            bin_dir.join("native")
        } else {
            bin_dir.join("devhost")
        };
        let addr = free_addr()?;
        let log = std::fs::File::create(logs.join(format!("{name}.log")))?;
        let child = Command::new(&program)
            .args(args)
            .arg(format!("--listen={addr}"))
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let mut server = Self { name, addr, child };
        server.wait_ready(logs).await?;
        Ok(server)
    }

    async fn wait_ready(&mut self, logs: &Path) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(logs.join(format!("{}.log", self.name)))
                    .unwrap_or_default();
                bail!("{} exited with {status}:\n{log}", self.name);
            }
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bail!("{} did not listen on {} within 120 s", self.name, self.addr)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM for a graceful stop, then SIGKILL if it lingers.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Samples a process's VmRSS every 50 ms until stopped; returns the highest (KiB).
struct RssSampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let highest = Arc::new(AtomicU64::new(0));
        let task = {
            let stop = stop.clone();
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(kib) = status_kib(pid, "VmRSS") {
                        highest.fetch_max(kib, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                highest.load(Ordering::Relaxed)
            })
        };
        Self { stop, task }
    }

    async fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or(0)
    }
}

/// A `/proc/<pid>/status` field in KiB.
fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}

async fn scrape(addr: SocketAddr) -> anyhow::Result<Vec<prom::Sample>> {
    let (status, body) = load::get(addr, "/metrics").await?;
    anyhow::ensure!(status.is_success(), "metrics endpoint answered {status}");
    Ok(prom::parse(&String::from_utf8_lossy(&body)))
}

fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// `host:port` of a database URL, as `allowed_outbound_hosts` spells it.
fn db_host(db_url: &str) -> anyhow::Result<String> {
    let config: tokio_postgres::Config = db_url.parse()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        _ => bail!("the database URL must name a TCP host"),
    };
    Ok(format!(
        "{host}:{}",
        config.get_ports().first().copied().unwrap_or(5432)
    ))
}

fn run_tool(cmd: &mut Command) -> anyhow::Result<()> {
    let output = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !output.status.success() {
        bail!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The version of `package` in the workspace's Cargo.lock.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let needle = format!("name = \"{package}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|i| lock[i + needle.len()..].split('"').next())
        .unwrap_or("unknown")
        .to_owned()
}

/// The 1-minute load average.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// (`nproc`, total memory, CPU model).
fn machine() -> (usize, String, String) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("unknown".to_owned(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
    (cores, memory, cpu)
}
