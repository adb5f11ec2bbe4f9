//! One `deadpool-postgres` pool per database address for the whole application.
//!
//! Differences from Spin 4.0.2 (64 connections per component and address, unbounded wait, no
//! reset): the maximum is configurable, the wait for a connection is bounded, every connection
//! gets a `statement_timeout` in its startup options, and a connection a request used is reset
//! with `ROLLBACK` and then `DISCARD ALL` before any other request can check it out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deadpool_postgres::{
    Hook, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime, TimeoutType,
};
use tokio_postgres::NoTls;

use crate::metrics::Metrics;

/// Pool sizing and timeouts (all also `up` flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections open to one address at a time.
    pub max_size: usize,
    /// How long a guest's `open` waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// How long establishing a new connection may take.
    pub create_timeout: Duration,
    /// `statement_timeout` set on every connection.
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_size: 16,
            acquire_timeout: Duration::from_secs(5),
            create_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// Why a checkout failed; the text goes to the guest as `connection-failed`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckoutError {
    /// Every connection stayed busy for the whole acquire timeout.
    #[error(
        "connection pool exhausted: all {max_size} connections to {label} stayed in use for {waited:?}"
    )]
    Exhausted {
        label: String,
        max_size: usize,
        waited: Duration,
    },
    /// The address is not a usable connection string.
    #[error("{0}")]
    Config(String),
    /// Connecting failed (refused, authentication, timeout, closed pool).
    #[error("{0}")]
    Connect(String),
}

struct AddressPool {
    pool: Pool,
    label: String,
}

/// All pools of one host.
pub(crate) struct Pools {
    settings: PoolSettings,
    pools: Mutex<HashMap<String, Arc<AddressPool>>>,
    metrics: Arc<Metrics>,
}

impl Pools {
    pub(crate) fn new(settings: PoolSettings, metrics: Arc<Metrics>) -> Pools {
        Pools {
            settings,
            pools: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    fn pool_for(&self, address: &str) -> Result<Arc<AddressPool>, CheckoutError> {
        let mut pools = self
            .pools
            .lock()
            .map_err(|_| CheckoutError::Connect("connection pool registry is poisoned".into()))?;
        if let Some(pool) = pools.get(address) {
            return Ok(pool.clone());
        }
        let pool = Arc::new(self.create_pool(address)?);
        pools.insert(address.to_owned(), pool.clone());
        Ok(pool)
    }

    fn create_pool(&self, address: &str) -> Result<AddressPool, CheckoutError> {
        let mut config: tokio_postgres::Config = address
            .parse()
            .map_err(|e: tokio_postgres::Error| CheckoutError::Config(e.to_string()))?;
        let timeout = format!(
            "-c statement_timeout={}",
            self.settings.statement_timeout.as_millis()
        );
        let options = match config.get_options() {
            Some(existing) if !existing.is_empty() => format!("{existing} {timeout}"),
            _ => timeout,
        };
        config.options(&options);
        if config.get_application_name().is_none() {
            config.application_name("devhost");
        }
        config.connect_timeout(self.settings.create_timeout);
        let label = pool_label(&config);

        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let discards = self
            .metrics
            .discarded
            .with_label_values(&[&label, "closed"]);
        let pool = Pool::builder(manager)
            .max_size(self.settings.max_size)
            .wait_timeout(Some(self.settings.acquire_timeout))
            .create_timeout(Some(self.settings.create_timeout))
            .recycle_timeout(Some(self.settings.create_timeout))
            .runtime(Runtime::Tokio1)
            .pre_recycle(Hook::sync_fn(move |client, _| {
                if client.is_closed() {
                    discards.inc();
                }
                Ok(())
            }))
            .build()
            .map_err(|e| CheckoutError::Config(e.to_string()))?;
        Ok(AddressPool { pool, label })
    }

    /// Takes a connection for one guest `open`.
    pub(crate) async fn checkout(&self, address: &str) -> Result<PooledClient, CheckoutError> {
        let pool = self.pool_for(address)?;
        let started = Instant::now();
        let result = pool.pool.get().await;
        self.metrics
            .acquire_wait
            .with_label_values(&[&pool.label])
            .observe(started.elapsed().as_secs_f64());
        match result {
            Ok(object) => Ok(PooledClient {
                object: Some(object),
                used: false,
                in_flight: false,
                label: pool.label.clone(),
                metrics: self.metrics.clone(),
            }),
            Err(PoolError::Timeout(TimeoutType::Wait)) => {
                self.metrics
                    .exhausted
                    .with_label_values(&[&pool.label])
                    .inc();
                Err(CheckoutError::Exhausted {
                    label: pool.label.clone(),
                    max_size: self.settings.max_size,
                    waited: started.elapsed(),
                })
            }
            Err(PoolError::Timeout(kind)) => Err(CheckoutError::Connect(format!(
                "timed out ({kind:?}) connecting to {}",
                pool.label
            ))),
            Err(PoolError::Backend(e)) => Err(CheckoutError::Connect(format!("{e:?}"))),
            Err(e) => Err(CheckoutError::Connect(e.to_string())),
        }
    }

    /// Opens (and returns) one connection so a bad address fails early.
    pub(crate) async fn warm_up(&self, address: &str) -> Result<(), CheckoutError> {
        self.checkout(address).await.map(drop)
    }

    /// Closes every pool: idle connections now, busy ones when they come back.
    pub(crate) fn close(&self) {
        if let Ok(pools) = self.pools.lock() {
            for pool in pools.values() {
                pool.pool.close();
            }
        }
    }

    /// `(label, status)` of every pool, for the metrics gauges.
    pub(crate) fn statuses(&self) -> Vec<(String, deadpool_postgres::Status)> {
        self.pools
            .lock()
            .map(|pools| {
                pools
                    .values()
                    .map(|p| (p.label.clone(), p.pool.status()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `host:port/dbname`, without credentials.
fn pool_label(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}

/// A checked-out connection owned by one guest `connection` resource.
///
/// Dropping it (guest drop, trap, timeout: any way the Store goes away) hands the connection
/// to a background reset; only after the reset succeeds does it go back to the pool.
pub(crate) struct PooledClient {
    object: Option<Object>,
    used: bool,
    in_flight: bool,
    label: String,
    metrics: Arc<Metrics>,
}

impl PooledClient {
    /// Marks the start of a statement; the connection needs a reset from now on.
    pub(crate) fn begin(&mut self) -> Option<&tokio_postgres::Client> {
        self.used = true;
        self.in_flight = true;
        self.object.as_deref().map(|wrapper| &**wrapper)
    }

    /// Marks the end of a statement that ran to completion.
    pub(crate) fn end(&mut self) {
        self.in_flight = false;
    }
}

impl Drop for PooledClient {
    fn drop(&mut self) {
        let Some(object) = self.object.take() else {
            return;
        };
        if !self.used {
            return;
        }
        let guard = ResetGuard {
            object: Some(object),
            label: self.label.clone(),
            metrics: self.metrics.clone(),
        };
        let cancel_first = self.in_flight;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(guard.reset(cancel_first));
        }
    }
}

const RESET_TIMEOUT: Duration = Duration::from_secs(5);

/// Owns a used connection until it is reset; dropped early, it closes the connection rather
/// than let it return with a transaction or session state.
struct ResetGuard {
    object: Option<Object>,
    label: String,
    metrics: Arc<Metrics>,
}

impl ResetGuard {
    async fn reset(mut self, cancel_first: bool) {
        let Some(object) = self.object.as_ref() else {
            return;
        };
        if cancel_first {
            let token = object.cancel_token();
            if let Err(e) = tokio::time::timeout(RESET_TIMEOUT, token.cancel_query(NoTls)).await {
                tracing::warn!(pool = %self.label, "cancelling an abandoned statement timed out: {e}");
            }
        }
        // Two separate simple queries (DISCARD ALL refuses to run inside the implicit
        // transaction of a multi-statement string), pipelined: one round trip, in order.
        let reset = async {
            tokio::try_join!(
                object.simple_query("ROLLBACK"),
                object.simple_query("DISCARD ALL")
            )
            .map(drop)
        };
        match tokio::time::timeout(RESET_TIMEOUT, reset).await {
            Ok(Ok(())) => {
                self.object.take();
            }
            Ok(Err(e)) => {
                tracing::warn!(pool = %self.label, "discarding a connection whose reset failed: {e}")
            }
            Err(_) => {
                tracing::warn!(pool = %self.label, "discarding a connection whose reset timed out")
            }
        }
    }
}

impl Drop for ResetGuard {
    fn drop(&mut self) {
        if let Some(object) = self.object.take() {
            drop(Object::take(object));
            self.metrics
                .discarded
                .with_label_values(&[&self.label, "reset_failed"])
                .inc();
        }
    }
}
