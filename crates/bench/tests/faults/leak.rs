//! Leak soak: successes, validation errors, database errors inside transactions and traps
//! inside open transactions, then no transaction is left open, no backend is left over, and
//! every later request is correct.

use std::time::{Duration, Instant};

use bench::load::{Endpoint, Scenario};
use devhost::PoolSettings;

use crate::helpers::{assert_requests_are_correct, long, spawn_app};

/// Review inserts of every tenth saved word fail inside the submit's transaction (after its
/// first statement has locked the word), as a broken constraint or a full disk would.
const SABOTAGE: &str = r#"
CREATE FUNCTION sabotage_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.word_id % 10 = 0 THEN
        RAISE EXCEPTION 'sabotaged review insert';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sabotage_reviews BEFORE INSERT ON reviews
    FOR EACH ROW EXECUTE FUNCTION sabotage_reviews();
"#;

const UNSABOTAGE: &str = "DROP TRIGGER sabotage_reviews ON reviews";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soak_of_errors_and_traps_leaves_no_transaction_open_and_no_backend_behind() {
    // Arrange
    let pool = PoolSettings {
        max_size: 8,
        ..PoolSettings::default()
    };
    let app = spawn_app(pool, 40).await;
    app.admin.batch_execute(SABOTAGE).await.expect("sabotage");
    let reviews_before = app.count("SELECT count(*) FROM reviews").await;
    let requests = if long() { 50_000 } else { 10_000 };
    // (weight, endpoint, statuses it may answer)
    let mix: [(u32, Endpoint, &[u16]); 8] = [
        (6, Endpoint::SavedWords { due_only: false }, &[200]),
        (5, Endpoint::SubmitReview, &[200, 500]),
        (2, Endpoint::DueCounts, &[200]),
        (
            2,
            Endpoint::Get("/v3/saved_words?user_id=not-a-uuid".into()),
            &[400],
        ),
        (
            1,
            Endpoint::Post("/v3/reviews/submit".into(), r#"{"word":"x"}"#.into()),
            &[400],
        ),
        (
            1,
            Endpoint::Post(
                "/probe/pg/query".into(),
                r#"{"sql":"SELECT no_such_column FROM saved_words"}"#.into(),
            ),
            &[200],
        ),
        (
            1,
            Endpoint::Post("/probe/pg/begin-trap".into(), "stranded?".into()),
            &[500],
        ),
        (1, Endpoint::Get("/probe/trap".into()), &[500]),
    ];
    let scenario = Scenario {
        name: "soak".into(),
        mix: mix.iter().map(|(w, e, _)| (*w, e.clone())).collect(),
    };

    // Act
    let started = Instant::now();
    let outcome = app
        .load(&scenario, 16, Some(requests), Duration::from_secs(600))
        .await;
    let elapsed = started.elapsed();
    let (backends, idle_in_transaction) = app.settled_backends().await;
    let stranded = app.count("SELECT count(*) FROM probe_log").await;
    let reviews_added = app.count("SELECT count(*) FROM reviews").await - reviews_before;

    // Report
    println!(
        "leak soak: {} responses in {:.1} s ({:.0} req/s), 16 connections, pool max {}",
        outcome.responses(),
        elapsed.as_secs_f64(),
        outcome.throughput(),
        app.pool.max_size
    );
    for ((_, endpoint, _), statuses) in mix.iter().zip(&outcome.statuses_by_endpoint) {
        println!("  {endpoint:?}: {statuses:?}");
    }
    println!(
        "  afterwards: {backends} backends (pool max {}), {idle_in_transaction} idle in transaction, \
         {stranded} rows from trapped transactions, {reviews_added} reviews added",
        app.pool.max_size
    );
    let metrics = app.metrics();
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("devhost_traps_total") || l.starts_with("devhost_pool_discarded"))
    {
        println!("  {line}");
    }

    // Assert
    assert_eq!(outcome.transport_errors, 0, "requests without a response");
    assert_eq!(outcome.responses(), requests);
    for ((_, endpoint, allowed), statuses) in mix.iter().zip(&outcome.statuses_by_endpoint) {
        for status in statuses.keys() {
            assert!(
                allowed.contains(status),
                "{endpoint:?} answered {status}: {statuses:?}"
            );
        }
    }
    assert_eq!(idle_in_transaction, 0, "backends left idle in transaction");
    assert!(
        backends <= app.pool.max_size as i64,
        "{backends} backends for a pool of {}",
        app.pool.max_size
    );
    assert_eq!(stranded, 0, "a trapped transaction's insert was committed");
    let submitted = outcome.statuses_by_endpoint[1]
        .get(&200)
        .copied()
        .unwrap_or(0);
    assert_eq!(
        reviews_added, submitted as i64,
        "reviews in the database vs submits answered 200"
    );
    app.admin.batch_execute(UNSABOTAGE).await.expect("repair");
    assert_requests_are_correct(&app, 20).await;
    app.shutdown().await;
}
