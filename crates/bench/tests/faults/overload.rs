//! Overload: 256 concurrent clients against a pool of 16. Postgres never runs out of
//! connections; every answer is a 2xx, or, with a short acquire timeout, a 503 that says when
//! to retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use bench::load::{Outcome, Scenario};
use devhost::PoolSettings;

use crate::helpers::{TestApp, long, spawn_app};

const CLIENTS: usize = 256;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_fifty_six_clients_on_a_pool_of_sixteen_get_answers_not_errors() {
    // Arrange: a cluster with room for the pool (max_connections 40 ≥ 16 + admin sessions).
    let patient = PoolSettings {
        max_size: 16,
        ..PoolSettings::default()
    };
    let mut app = spawn_app(patient.clone(), 40).await;
    let duration = Duration::from_secs(if long() { 30 } else { 4 });
    let scenario = Scenario::mixed();

    // Act 1: the default acquire timeout (5 s) outlasts the queue: everyone waits their turn.
    let (waiting, peak_waiting) = overload(&app, &scenario, duration).await;
    let settled_waiting = app.settled_backends().await;

    // Act 2: a 10 ms acquire timeout: whoever cannot get a connection soon is told to retry.
    let impatient = PoolSettings {
        acquire_timeout: Duration::from_millis(10),
        ..patient
    };
    app.restart_host(impatient).await;
    let (shedding, peak_shedding) = overload(&app, &scenario, duration).await;
    let settled_shedding = app.settled_backends().await;
    let log = app.server_log();

    // Report
    for (name, outcome, peak, settled) in [
        (
            "acquire timeout 5 s",
            &waiting,
            peak_waiting,
            settled_waiting,
        ),
        (
            "acquire timeout 10 ms",
            &shedding,
            peak_shedding,
            settled_shedding,
        ),
    ] {
        println!("overload, {CLIENTS} clients, pool max 16, {name}:");
        println!("  {outcome}");
        for ((_, endpoint), statuses) in scenario.mix.iter().zip(&outcome.statuses_by_endpoint) {
            println!("    {endpoint:?}: {statuses:?}");
        }
        println!(
            "  503 without Retry-After: {}; peak host backends {peak}; afterwards {} backends, {} idle in transaction",
            outcome.unavailable_without_retry_after, settled.0, settled.1
        );
    }

    // Assert
    assert!(
        !log.contains("too many connections") && !log.contains("too many clients"),
        "Postgres refused connections:\n{log}"
    );
    for (outcome, peak, settled) in [
        (&waiting, peak_waiting, settled_waiting),
        (&shedding, peak_shedding, settled_shedding),
    ] {
        assert_eq!(outcome.transport_errors, 0, "requests without a response");
        assert!(peak <= 16, "{peak} backends for a pool of 16");
        assert_eq!(settled.1, 0, "backends left idle in transaction");
    }
    assert_eq!(
        waiting.successes(),
        waiting.responses(),
        "with a 5 s acquire timeout every answer is 2xx: {}",
        waiting.status_summary()
    );
    for status in shedding.statuses.keys() {
        assert!(
            (200..300).contains(status) || *status == 503,
            "with a 10 ms acquire timeout answers are 2xx or 503: {}",
            shedding.status_summary()
        );
    }
    assert_eq!(
        shedding.unavailable_without_retry_after, 0,
        "every 503 carries Retry-After"
    );
    app.shutdown().await;
}

/// Runs `scenario` with [`CLIENTS`] connections while sampling the host's backends (by
/// `application_name`) on a separate session; returns the outcome and the peak count.
async fn overload(app: &TestApp, scenario: &Scenario, duration: Duration) -> (Outcome, i64) {
    let sampler = bench::connect(&app.db_url)
        .await
        .expect("sampler connection");
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicI64::new(0));
    let task = {
        let (done, peak) = (done.clone(), peak.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Ok(row) = sampler
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity \
                         WHERE datname = current_database() AND application_name = 'devhost'",
                        &[],
                    )
                    .await
                {
                    peak.fetch_max(row.get(0), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let outcome = app.load(scenario, CLIENTS, None, duration).await;
    done.store(true, Ordering::Relaxed);
    let _ = task.await;
    (outcome, peak.load(Ordering::Relaxed))
}
