//! Restart: PostgreSQL stops and starts again under a steady stream of saves. During the
//! outage requests fail fast with 503; they succeed again within 5 s of its return; every save
//! answered 201 is in the database.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bench::dataset::DataSet;
use bench::load;
use bytes::Bytes;
use devhost::PoolSettings;
use http_body_util::Full;

use crate::helpers::{long, spawn_app};

const WRITERS: usize = 8;

/// One save and what came back.
struct Event {
    sent: Instant,
    took: Duration,
    /// `None`: no HTTP response at all.
    status: Option<u16>,
    retry_after: bool,
    word: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_fail_fast_while_postgres_is_down_and_recover_after_it_returns() {
    // Arrange
    let pool = PoolSettings {
        max_size: 8,
        acquire_timeout: Duration::from_secs(1),
        create_timeout: Duration::from_secs(1),
        ..PoolSettings::default()
    };
    let mut app = spawn_app(pool, 40).await;
    let outage = Duration::from_secs(if long() { 10 } else { 2 });
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| tokio::spawn(writer(i, app.addr, app.data.clone(), stop.clone())))
        .collect();

    // Act: steady load, stop the server (fast shutdown: sessions are killed), wait, start it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    tokio::task::block_in_place(|| app.cluster.stop()).expect("stop PostgreSQL");
    let down = Instant::now();
    tokio::time::sleep(outage).await;
    let restarting = Instant::now();
    tokio::task::block_in_place(|| app.cluster.resume()).expect("start PostgreSQL");
    let up = Instant::now();
    tokio::time::sleep(Duration::from_secs(if long() { 15 } else { 6 })).await;
    stop.store(true, Ordering::Relaxed);
    let mut events = Vec::new();
    for writer in writers {
        events.extend(writer.await.expect("writer task"));
    }

    app.reconnect_admin().await;

    // Report
    let during: Vec<&Event> = events
        .iter()
        .filter(|e| e.sent >= down && e.sent + e.took <= restarting)
        .collect();
    let first_success_after_up = events
        .iter()
        .filter(|e| e.sent >= up && e.status.is_some_and(|s| (200..300).contains(&s)))
        .map(|e| e.sent + e.took - up)
        .min();
    let late_failures: Vec<&Event> = events
        .iter()
        .filter(|e| e.sent >= up + Duration::from_secs(5))
        .filter(|e| e.status != Some(201))
        .collect();
    let saved: Vec<String> = events
        .iter()
        .filter(|e| e.status == Some(201))
        .map(|e| e.word.clone())
        .collect();
    let in_db: i64 = app
        .admin
        .query_one(
            "SELECT count(*) FROM saved_words WHERE word = ANY($1)",
            &[&saved],
        )
        .await
        .expect("count saved words")
        .get(0);
    let mut outage_ms: Vec<f64> = during.iter().map(|e| e.took.as_secs_f64() * 1e3).collect();
    outage_ms.sort_by(f64::total_cmp);
    let mut statuses = std::collections::BTreeMap::new();
    for e in &events {
        *statuses.entry(e.status.unwrap_or(0)).or_insert(0u64) += 1;
    }
    println!(
        "restart: {} saves by {WRITERS} writers, outage {:.1} s, statuses {statuses:?} (0 = no response)",
        events.len(),
        outage.as_secs_f64()
    );
    println!(
        "  during the outage: {} answers, statuses {:?}, latency median {:.1} ms, max {:.1} ms",
        during.len(),
        during
            .iter()
            .map(|e| e.status)
            .collect::<std::collections::BTreeSet<_>>(),
        outage_ms.get(outage_ms.len() / 2).copied().unwrap_or(0.0),
        outage_ms.last().copied().unwrap_or(0.0)
    );
    println!(
        "  first success {:?} after PostgreSQL accepted connections again (restart took {:?}); \
         {} failures later than 5 s after",
        first_success_after_up,
        up - restarting,
        late_failures.len()
    );
    println!(
        "  {} saves answered 201, {in_db} of their words in the database",
        saved.len()
    );

    // Assert
    assert!(
        !during.is_empty(),
        "no request was answered during the outage"
    );
    for e in &during {
        assert!(
            e.status == Some(503) && e.retry_after,
            "during the outage: {:?} (Retry-After: {})",
            e.status,
            e.retry_after
        );
        assert!(
            e.took < app.pool.acquire_timeout + app.pool.create_timeout + Duration::from_secs(2),
            "an outage answer took {:?}",
            e.took
        );
    }
    let recovered = first_success_after_up.expect("no save succeeded after the restart");
    assert!(
        recovered <= Duration::from_secs(5),
        "first success {recovered:?} after the restart"
    );
    assert!(
        late_failures.is_empty(),
        "saves failed more than 5 s after the restart: {:?}",
        late_failures.iter().map(|e| e.status).collect::<Vec<_>>()
    );
    assert_eq!(
        in_db,
        saved.len() as i64,
        "every save answered 201 is in the database"
    );
    app.shutdown().await;
}

/// Saves a new word (`restart-<writer>-<n>`) for a seeded user, one request after another,
/// each on a fresh connection, until `stop`.
async fn writer(
    index: usize,
    addr: SocketAddr,
    data: Arc<DataSet>,
    stop: Arc<AtomicBool>,
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) && n < 100_000 {
        n += 1;
        let user = &data.users[(index * 7 + n) % data.users.len()];
        let word = format!("restart-{index}-{n}");
        let body = serde_json::json!({
            "user_id": user.id.to_string().to_uppercase(),
            "word": word,
            "learning_language": "en",
            "native_language": user.native_language,
        });
        let request = http::Request::post("/v3/save")
            .header(http::header::HOST, addr.to_string())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("request");
        let sent = Instant::now();
        let response =
            tokio::time::timeout(Duration::from_secs(30), load::send(addr, request)).await;
        let (status, retry_after) = match response {
            Ok(Ok((parts, _))) => (
                Some(parts.status.as_u16()),
                parts.headers.contains_key(http::header::RETRY_AFTER),
            ),
            _ => (None, false),
        };
        events.push(Event {
            sent,
            took: sent.elapsed(),
            status,
            retry_after,
            word,
        });
    }
    events
}
