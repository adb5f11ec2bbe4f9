//! Prometheus metrics, one registry per host (many hosts can share a test process).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::pool::Pools;

/// Every metric the host records.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) requests: IntCounterVec,
    pub(crate) latency: HistogramVec,
    pub(crate) in_flight: IntGauge,
    pub(crate) traps: IntCounterVec,
    pub(crate) timeouts: IntCounterVec,
    pub(crate) queries: IntCounterVec,
    pub(crate) checkouts: IntCounterVec,
    pub(crate) acquire_wait: HistogramVec,
    pub(crate) exhausted: IntCounterVec,
    pub(crate) discarded: IntCounterVec,
    pool_size: IntGaugeVec,
    pool_idle: IntGaugeVec,
    pool_in_use: IntGaugeVec,
    pool_waiting: IntGaugeVec,
    pool_max: IntGaugeVec,
}

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

impl Metrics {
    pub(crate) fn new() -> anyhow::Result<Metrics> {
        let registry = Registry::new_custom(Some("devhost".into()), None)?;
        let counter = |name: &str, help: &str, labels: &[&str]| -> anyhow::Result<IntCounterVec> {
            let c = IntCounterVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(c.clone()))?;
            Ok(c)
        };
        let gauge = |name: &str, help: &str| -> anyhow::Result<IntGaugeVec> {
            let g = IntGaugeVec::new(Opts::new(name, help), &["pool"])?;
            registry.register(Box::new(g.clone()))?;
            Ok(g)
        };
        let histogram = |name: &str, help: &str, label: &str| -> anyhow::Result<HistogramVec> {
            let h = HistogramVec::new(
                HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()),
                &[label],
            )?;
            registry.register(Box::new(h.clone()))?;
            Ok(h)
        };
        Ok(Metrics {
            requests: counter(
                "requests_total",
                "HTTP requests by component and response status",
                &["component", "status"],
            )?,
            latency: histogram(
                "request_duration_seconds",
                "Time from receiving a request to handing its response head to the client",
                "component",
            )?,
            in_flight: {
                let g = IntGauge::new(
                    "requests_in_flight",
                    "Requests received whose guest has not finished yet",
                )?;
                registry.register(Box::new(g.clone()))?;
                g
            },
            traps: counter("traps_total", "Guest traps", &["component"])?,
            timeouts: counter(
                "timeouts_total",
                "Requests interrupted at the request deadline",
                &["component"],
            )?,
            queries: counter(
                "queries_total",
                "spin:postgres query and execute calls",
                &["component"],
            )?,
            checkouts: counter(
                "pool_checkouts_total",
                "spin:postgres connections opened (pool checkouts)",
                &["component"],
            )?,
            acquire_wait: histogram(
                "pool_acquire_wait_seconds",
                "Time a guest's open waited for a pooled connection",
                "pool",
            )?,
            exhausted: counter(
                "pool_exhausted_total",
                "Opens that failed because every connection stayed busy",
                &["pool"],
            )?,
            discarded: counter(
                "pool_discarded_connections_total",
                "Connections closed instead of reused",
                &["pool", "reason"],
            )?,
            pool_size: gauge("pool_connections", "Open connections")?,
            pool_idle: gauge("pool_idle_connections", "Connections waiting in the pool")?,
            pool_in_use: gauge("pool_in_use_connections", "Connections checked out")?,
            pool_waiting: gauge("pool_waiting_opens", "Opens waiting for a connection")?,
            pool_max: gauge("pool_max_connections", "Configured maximum")?,
            registry,
        })
    }

    /// The registry in Prometheus text format, with pool gauges refreshed.
    pub(crate) fn render(&self, pools: &Pools) -> String {
        for (label, status) in pools.statuses() {
            let set = |g: &IntGaugeVec, v: usize| {
                g.with_label_values(&[&label])
                    .set(i64::try_from(v).unwrap_or(i64::MAX));
            };
            set(&self.pool_size, status.size);
            set(&self.pool_idle, status.available);
            set(
                &self.pool_in_use,
                status.size.saturating_sub(status.available),
            );
            set(&self.pool_waiting, status.waiting);
            set(&self.pool_max, status.max_size);
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!("encoding metrics failed: {e}");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
