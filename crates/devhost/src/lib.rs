#![doc = include_str!("../README.md")]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

/// `wasmtime::component::bindgen!` output for the Spin interfaces.
mod bindings;
/// `[component.<id>.build]` commands.
pub mod build;
/// The `devhost` command line.
pub mod cli;
/// Migrations, database creation, and the private development cluster.
pub mod database;
/// Engine, compile cache, linker, epoch ticker.
mod engine;
/// `spin.toml` into typed structs.
pub mod manifest;
/// Prometheus metrics.
mod metrics;
/// `allowed_outbound_hosts` parsing and matching.
pub mod outbound;
/// `spin:postgres@4.0.0` host implementation.
mod pg;
/// The Postgres pools.
pub mod pool;
/// Spin's route matching and request headers.
pub mod router;
/// The HTTP server and request path.
mod server;
/// Per-request store data.
mod state;
/// Tracing setup.
pub mod telemetry;
/// Application variables and templates.
pub mod variables;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

pub use crate::database::{ensure_database, migrate};
pub use crate::pool::PoolSettings;

use crate::manifest::Manifest;
use crate::outbound::AllowedHosts;
use crate::server::{App, ComponentRuntime};
use crate::state::{ComponentInfo, Shared};
use crate::variables::{ComponentVariables, VariableSources};

/// Everything `up` can be told; every field is also a flag of `devhost up`.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// The application manifest.
    pub manifest: PathBuf,
    /// Address to serve the application on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Postgres pool sizing and timeouts.
    pub pool: PoolSettings,
    /// Deadline for one request, guest work included.
    pub request_timeout: Duration,
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// Compile cache directory (default: `target/devhost-cache` of the manifest's workspace).
    pub cache_dir: Option<PathBuf>,
    /// Application variable values with the highest precedence, like `SPIN_VARIABLE_<NAME>`.
    pub variables: HashMap<String, String>,
    /// Address for the Prometheus endpoint; off when `None`.
    pub metrics_listen: Option<SocketAddr>,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            manifest: PathBuf::from("spin.toml"),
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            pool: PoolSettings::default(),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 20 * 1024 * 1024,
            cache_dir: None,
            variables: HashMap::new(),
            metrics_listen: None,
        }
    }
}

/// A validated, compiled and bound application, not yet serving.
pub struct Host {
    app: Arc<App>,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    local_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("app", &self.app.name)
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// A host serving in a background task.
pub struct RunningHost {
    app: Arc<App>,
    local_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<anyhow::Result<()>>,
    metrics_server: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningHost")
            .field("app", &self.app.name)
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// Validates the manifest and variables, compiles every component, builds the pools and
    /// binds the listeners.
    pub async fn build(config: HostConfig) -> anyhow::Result<Host> {
        let manifest = Manifest::load(&config.manifest)?;
        let sources = VariableSources::from_process(config.variables.clone());
        let app_values = variables::resolve_application(&manifest.variables, &sources)?;

        let (router, duplicates) = router::Router::build(
            manifest
                .http_triggers
                .iter()
                .map(|t| (t.component.as_str(), &t.route)),
        )?;
        for dup in &duplicates {
            tracing::error!(
                "The following component routes are duplicates and will never be used: {}: {} (duplicate of {})",
                dup.replaced_id,
                dup.route,
                dup.effective_id
            );
        }

        let engine = engine::create_engine()?;
        let linker = engine::linker(&engine)?;
        let cache_dir = config
            .cache_dir
            .clone()
            .unwrap_or_else(|| engine::default_cache_dir(&manifest.dir));
        let metrics = Arc::new(metrics::Metrics::new()?);
        let shared = Arc::new(Shared {
            pools: pool::Pools::new(config.pool.clone(), metrics.clone()),
            metrics,
            local_addr: OnceLock::new(),
        });

        let mut components = HashMap::new();
        let mut db_addresses = Vec::new();
        for decl in manifest.components.values() {
            let rendered_hosts = decl
                .allowed_outbound_hosts
                .iter()
                .map(|h| variables::render(h, &app_values))
                .collect::<anyhow::Result<Vec<_>>>()
                .with_context(|| format!("component `{}` allowed_outbound_hosts", decl.id))?;
            let allowed = AllowedHosts::parse(&rendered_hosts)
                .with_context(|| format!("component `{}`", decl.id))?;
            let variables = ComponentVariables::resolve(&decl.id, &decl.variables, &app_values)?;
            db_addresses.extend(
                variables
                    .values()
                    .filter(|v| v.starts_with("postgres://") || v.starts_with("postgresql://"))
                    .map(str::to_owned),
            );

            if !decl.source_path.is_file() {
                bail!(
                    "component `{}`: {} does not exist; build it first with `{}` (or `devhost build`, or `devhost up --build`)",
                    decl.id,
                    decl.source_path.display(),
                    decl.build_hint()
                );
            }
            let watch = engine::Stopwatch::start();
            let (component, cached) =
                engine::load_component(&engine, &decl.source_path, &cache_dir)
                    .with_context(|| format!("component `{}`", decl.id))?;
            tracing::debug!(
                component = %decl.id,
                cached,
                ms = watch.ms(),
                "component ready"
            );
            let pre = engine::pre_instantiate(&linker, &component)
                .with_context(|| format!("component `{}` cannot run on this host", decl.id))?;
            let info = Arc::new(ComponentInfo {
                id: Arc::from(decl.id.as_str()),
                variables,
                allowed: Arc::new(allowed),
                environment: decl
                    .environment
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            });
            components.insert(decl.id.clone(), ComponentRuntime { info, pre });
        }

        db_addresses.sort();
        db_addresses.dedup();
        for address in &db_addresses {
            if let Err(e) = shared.pools.warm_up(address).await {
                tracing::warn!("database not reachable at start-up: {e}");
            }
        }

        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let local_addr = listener.local_addr()?;
        let _ = shared.local_addr.set(local_addr);
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} for metrics"))?,
            ),
            None => None,
        };
        let metrics_addr = match &metrics_listener {
            Some(l) => Some(l.local_addr()?),
            None => None,
        };

        let ticker = engine::EpochTicker::start(engine.clone())?;
        let app = Arc::new(App {
            name: manifest.application.name.clone(),
            version: manifest.application.version.clone(),
            engine,
            router,
            components,
            shared,
            request_timeout: config.request_timeout,
            max_body_bytes: config.max_body_bytes,
            instance_slots: Arc::new(Semaphore::new(engine::MAX_CONCURRENT_INSTANCES as usize)),
            next_request_id: AtomicU64::new(1),
            _ticker: ticker,
        });
        Ok(Host {
            app,
            listener,
            metrics_listener,
            local_addr,
            metrics_addr,
        })
    }

    /// The bound application address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The bound metrics address, when metrics are on.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Prometheus text of this host's registry.
    pub fn metrics_text(&self) -> String {
        self.app.shared.metrics.render(&self.app.shared.pools)
    }

    /// `(route as Spin prints it, component id)` in manifest order.
    pub fn routes(&self) -> Vec<(String, String)> {
        self.app
            .router
            .routes()
            .map(|(route, component)| (route, component.to_owned()))
            .collect()
    }

    /// Serves in a tokio task.
    pub fn spawn(self) -> RunningHost {
        let (shutdown, receiver) = watch::channel(false);
        let server = tokio::spawn(server::serve(
            self.app.clone(),
            self.listener,
            receiver.clone(),
        ));
        let metrics_server = self
            .metrics_listener
            .map(|l| tokio::spawn(server::serve_metrics(self.app.clone(), l, receiver)));
        RunningHost {
            app: self.app,
            local_addr: self.local_addr,
            metrics_addr: self.metrics_addr,
            shutdown,
            server,
            metrics_server,
        }
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let running = self.spawn();
        wait_for_signal().await?;
        tracing::info!("shutting down: finishing in-flight requests");
        running.shutdown().await
    }
}

impl RunningHost {
    /// The bound application address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The bound metrics address, when metrics are on.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Prometheus text of this host's registry.
    pub fn metrics_text(&self) -> String {
        self.app.shared.metrics.render(&self.app.shared.pools)
    }

    /// Stops accepting, lets in-flight requests finish, closes the pools.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        if let Some(metrics) = self.metrics_server {
            let _ = metrics.await;
        }
        self.server.await.context("server task failed")?
    }
}

async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
