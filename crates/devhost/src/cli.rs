//! `devhost up | migrate | build`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::database::{self, LocalCluster};
use crate::manifest::Manifest;
use crate::variables::{self, VariableSources};
use crate::{Host, HostConfig, PoolSettings};

/// Runs a Spin application (spin.toml) on wasmtime with a pooled Postgres, for development.
#[derive(Debug, Parser)]
#[command(name = "devhost", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the application described by the manifest.
    Up(UpArgs),
    /// Create the configured database if missing and apply migrations/ to it.
    Migrate(MigrateArgs),
    /// Run every component's `[component.<id>.build] command`, like `spin build`.
    Build(ManifestArgs),
}

#[derive(Debug, Args)]
struct ManifestArgs {
    /// Path of the application manifest.
    #[arg(
        short = 'f',
        long = "manifest",
        env = "DEVHOST_MANIFEST",
        default_value = "spin.toml"
    )]
    manifest: PathBuf,
}

#[derive(Debug, Args)]
struct VariableArgs {
    /// Set an application variable (name=value), like `spin up --variable`; repeatable.
    /// Beats SPIN_VARIABLE_<NAME> and the manifest default.
    #[arg(long = "variable", env = "DEVHOST_VARIABLE", value_parser = parse_variable)]
    variables: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct UpArgs {
    #[command(flatten)]
    manifest: ManifestArgs,

    #[command(flatten)]
    variables: VariableArgs,

    /// Address to serve the application on (port 0 picks a free port).
    #[arg(long, env = "DEVHOST_LISTEN", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,

    /// Run the components' build commands before serving.
    #[arg(long, env = "DEVHOST_BUILD")]
    build: bool,

    /// Most connections open to one database address (one pool for the whole application).
    #[arg(long, env = "DEVHOST_POOL_MAX_SIZE", default_value_t = 16)]
    pool_max_size: usize,

    /// How long a component's connection `open` waits for a free pooled connection
    /// before failing with "connection pool exhausted" (e.g. 5s, 500ms).
    #[arg(long, env = "DEVHOST_POOL_ACQUIRE_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pool_acquire_timeout: Duration,

    /// How long opening a new database connection may take.
    #[arg(long, env = "DEVHOST_POOL_CREATE_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pool_create_timeout: Duration,

    /// `statement_timeout` applied to every database connection.
    #[arg(long, env = "DEVHOST_STATEMENT_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    statement_timeout: Duration,

    /// Deadline for one request; a guest still running then is interrupted and answered 504.
    #[arg(long, env = "DEVHOST_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    request_timeout: Duration,

    /// Largest request body accepted, in bytes; larger bodies get 413.
    #[arg(long, env = "DEVHOST_MAX_BODY_BYTES", default_value_t = 20 * 1024 * 1024)]
    max_body_bytes: usize,

    /// Directory for compiled components (default: target/devhost-cache of the workspace).
    #[arg(long, env = "DEVHOST_CACHE_DIR")]
    cache_dir: Option<PathBuf>,

    /// Serve Prometheus metrics on this address (off when not given).
    #[arg(long, env = "DEVHOST_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,

    /// Skip creating and migrating the database at start-up.
    #[arg(long, env = "DEVHOST_NO_MIGRATE")]
    no_migrate: bool,
}

#[derive(Debug, Args)]
struct MigrateArgs {
    #[command(flatten)]
    manifest: ManifestArgs,

    #[command(flatten)]
    variables: VariableArgs,

    /// Database to migrate (default: the application's `db_url` variable, resolved as the
    /// components see it).
    #[arg(long, env = "DEVHOST_DB_URL")]
    db_url: Option<String>,
}

fn parse_variable(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected name=value, got {text:?}"))?;
    variables::validate_name(name)?;
    Ok((name.to_owned(), value.to_owned()))
}

/// Parses `30s`, `500ms`, `2m`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?} (use e.g. 30s, 500ms, 2m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {text:?} (use ms, s or m)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("invalid duration {text:?}: {e}"))
}

/// Parses the command line and runs it.
pub async fn run() -> anyhow::Result<()> {
    crate::telemetry::init();
    match Cli::parse().command {
        Command::Up(args) => up(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Build(args) => crate::build::build_all(&Manifest::load(&args.manifest)?),
    }
}

async fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let db_url = match args.db_url {
        Some(url) => url,
        None => {
            let manifest = Manifest::load(&args.manifest.manifest)?;
            let overrides = args.variables.variables.into_iter().collect();
            let values = variables::resolve_application(
                &manifest.variables,
                &VariableSources::from_process(overrides),
            )?;
            values
                .get("db_url")
                .cloned()
                .context("the manifest declares no `db_url` variable; pass --db-url")?
        }
    };
    database::ensure_database(&db_url).await?;
    database::migrate(&db_url).await?;
    println!("Database {} is up to date", database::redact(&db_url));
    Ok(())
}

async fn up(args: UpArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let manifest = Manifest::load(&args.manifest.manifest)?;
    if args.build {
        crate::build::build_all(&manifest)?;
    }
    let mut overrides: HashMap<String, String> = args.variables.variables.into_iter().collect();
    let values = variables::resolve_application(
        &manifest.variables,
        &VariableSources::from_process(overrides.clone()),
    )?;

    let mut _cluster: Option<LocalCluster> = None;
    if let Some(db_url) = values.get("db_url").filter(|_| !args.no_migrate) {
        let db_url = if database::server_reachable(db_url) {
            db_url.clone()
        } else if let Some(bin) = database::find_postgres_binaries() {
            let dir = crate::engine::default_cache_dir(&manifest.dir).with_file_name("devhost-pg");
            println!(
                "Nothing listens at {}; starting a private PostgreSQL cluster in {}",
                database::redact(db_url),
                dir.display()
            );
            let cluster = LocalCluster::start(&bin, &dir)?;
            let dbname = db_url
                .parse::<tokio_postgres::Config>()
                .ok()
                .and_then(|c| c.get_dbname().map(str::to_owned))
                .unwrap_or_else(|| "postgres".to_owned());
            let url = cluster.url(&dbname);
            overrides.insert("db_url".into(), url.clone());
            if manifest.variables.contains_key("db_host") {
                overrides.insert("db_host".into(), format!("127.0.0.1:{}", cluster.port));
            }
            _cluster = Some(cluster);
            url
        } else {
            bail!(
                "no PostgreSQL server at {} and no PostgreSQL binaries to start one; point the application at a database with SPIN_VARIABLE_DB_URL (and SPIN_VARIABLE_DB_HOST for allowed_outbound_hosts), or --variable db_url=... --variable db_host=...",
                database::redact(db_url)
            );
        };
        database::ensure_database(&db_url).await?;
        database::migrate(&db_url).await?;
    }

    let config = HostConfig {
        manifest: args.manifest.manifest,
        listen: args.listen,
        pool: PoolSettings {
            max_size: args.pool_max_size,
            acquire_timeout: args.pool_acquire_timeout,
            create_timeout: args.pool_create_timeout,
            statement_timeout: args.statement_timeout,
        },
        request_timeout: args.request_timeout,
        max_body_bytes: args.max_body_bytes,
        cache_dir: args.cache_dir,
        variables: overrides,
        metrics_listen: args.metrics_listen,
    };
    let host = Host::build(config).await?;
    let base = format!("http://{}", host.local_addr());
    println!("\nServing {base}");
    println!("Available Routes:");
    for (route, component) in host.routes() {
        println!("  {component}: {base}{route}");
    }
    if let Some(metrics) = host.metrics_addr() {
        println!("Metrics: http://{metrics}/metrics");
    }
    tracing::info!("ready in {} ms", started.elapsed().as_millis());
    host.run_until_stopped().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations_accept_seconds_milliseconds_and_minutes() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("fast").is_err());
    }

    #[test]
    fn variables_need_a_valid_name_and_an_equals_sign() {
        assert_eq!(
            parse_variable("db_url=postgres://a@b/c?x=y"),
            Ok(("db_url".into(), "postgres://a@b/c?x=y".into()))
        );
        assert!(parse_variable("novalue").is_err());
        assert!(parse_variable("Bad=1").is_err());
    }

    #[test]
    fn every_flag_has_help_text_and_an_env_var() {
        let mut cli = Cli::command();
        cli.build();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                if ["help", "version"].contains(&arg.get_id().as_str()) {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "{} --{} has no help",
                    sub.get_name(),
                    arg.get_id()
                );
                assert!(
                    arg.get_env().is_some(),
                    "{} --{} has no env var",
                    sub.get_name(),
                    arg.get_id()
                );
                assert!(
                    arg.get_long().is_some(),
                    "{} {} is not --long",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
