//! The same pool as the development host's: deadpool-postgres with a bounded wait, a create
//! timeout, `statement_timeout` in the startup options, and every used connection reset with
//! `ROLLBACK` then `DISCARD ALL` (pipelined, in the background) before it goes back to the
//! pool.

use std::time::Duration;

use deadpool_postgres::{
    Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio_postgres::NoTls;

/// Pool sizing and timeouts, as the host's `PoolSettings`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most connections open at a time.
    pub max_size: usize,
    /// How long a request waits for a free connection (then 503).
    pub acquire_timeout: Duration,
    /// How long opening a connection may take.
    pub create_timeout: Duration,
    /// `statement_timeout` of every connection.
    pub statement_timeout: Duration,
}

/// Builds the pool (no connection is opened yet).
pub fn build(db_url: &str, settings: &Settings) -> anyhow::Result<Pool> {
    let mut config: tokio_postgres::Config = db_url.parse()?;
    config.options(format!(
        "-c statement_timeout={}",
        settings.statement_timeout.as_millis()
    ));
    config.application_name("native");
    config.connect_timeout(settings.create_timeout);
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager)
        .max_size(settings.max_size)
        .wait_timeout(Some(settings.acquire_timeout))
        .create_timeout(Some(settings.create_timeout))
        .recycle_timeout(Some(settings.create_timeout))
        .runtime(Runtime::Tokio1)
        .build()?)
}

/// A connection checked out for one request. Dropped, it is reset in the background and only
/// then returned to the pool; a failed reset closes it.
pub struct Conn(Option<Object>);

impl Conn {
    /// Checks a connection out, waiting at most the acquire timeout.
    pub async fn checkout(pool: &Pool) -> Result<Self, PoolError> {
        pool.get().await.map(|object| Self(Some(object)))
    }

    /// The client.
    pub fn client(&self) -> &tokio_postgres::Client {
        self.0.as_deref().expect("present until dropped")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(object) = self.0.take() else { return };
        tokio::spawn(async move {
            // As the host: two simple queries, pipelined into one round trip.
            let reset = async {
                tokio::try_join!(
                    object.simple_query("ROLLBACK"),
                    object.simple_query("DISCARD ALL")
                )
            };
            if tokio::time::timeout(Duration::from_secs(5), reset)
                .await
                .is_ok_and(|r| r.is_ok())
            {
                drop(object);
            } else {
                drop(Object::take(object));
            }
        });
    }
}
