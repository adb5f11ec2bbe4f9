//! Closed-loop HTTP/1 load: `connections` keep-alive connections, each sending its next request
//! as soon as the previous response is read, for a fixed time or a fixed number of requests.
//! Latencies (send to last body byte) go into an HDR histogram in microseconds.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use tokio::net::TcpStream;

use crate::dataset::DataSet;

/// One kind of request a scenario sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /v3/saved_words?user_id=..&due_only=..` for a random user.
    SavedWords {
        /// The `due_only` parameter.
        due_only: bool,
    },
    /// `GET /v3/due_counts?user_id=..` for a random user.
    DueCounts,
    /// `POST /v3/reviews/submit` of one of a random user's saved words.
    SubmitReview,
    /// `GET` of a fixed path (`/health`, a no-I/O route, ...).
    Get(String),
    /// `POST` of a fixed JSON body to a fixed path.
    Post(String, String),
}

/// A weighted mix of endpoints.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name used in reports.
    pub name: String,
    /// (weight, endpoint) pairs.
    pub mix: Vec<(u32, Endpoint)>,
}

impl Scenario {
    /// A scenario of one endpoint.
    pub fn single(name: &str, endpoint: Endpoint) -> Self {
        Self {
            name: name.to_owned(),
            mix: vec![(1, endpoint)],
        }
    }

    /// The original's Locust `PracticeModeUser` weights (practice-status 3, review batch 5,
    /// submit 4, due counts 2), mapped to the endpoints this application has: practice-status
    /// and the review batch both read the user's saved words (`due_only=true` for the status,
    /// the whole list for the batch).
    pub fn mixed() -> Self {
        Self {
            name: "mixed".to_owned(),
            mix: vec![
                (3, Endpoint::SavedWords { due_only: true }),
                (5, Endpoint::SavedWords { due_only: false }),
                (4, Endpoint::SubmitReview),
                (2, Endpoint::DueCounts),
            ],
        }
    }

    /// The scenario called `name`: `saved_words`, `saved_words_due`, `due_counts`, `submit`,
    /// `health`, `mixed`, or `get:/any/path`.
    pub fn named(name: &str) -> anyhow::Result<Self> {
        Ok(match name {
            "saved_words" => Self::single(name, Endpoint::SavedWords { due_only: false }),
            "saved_words_due" => Self::single(name, Endpoint::SavedWords { due_only: true }),
            "due_counts" => Self::single(name, Endpoint::DueCounts),
            "submit" => Self::single(name, Endpoint::SubmitReview),
            "health" => Self::single(name, Endpoint::Get("/health".to_owned())),
            "mixed" => Self::mixed(),
            other => match other.strip_prefix("get:") {
                Some(path) if path.starts_with('/') => {
                    Self::single(name, Endpoint::Get(path.to_owned()))
                }
                _ => anyhow::bail!("unknown scenario {other:?}"),
            },
        })
    }

    /// A random index into `mix`, by weight.
    fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total: u32 = self.mix.iter().map(|(w, _)| w).sum();
        let mut ticket = rng.random_range(0..total.max(1));
        for (i, (weight, _)) in self.mix.iter().enumerate() {
            if ticket < *weight {
                return i;
            }
            ticket -= weight;
        }
        0
    }
}

/// Builds one request of `endpoint` for a random user of `data`. User ids are upper-case, as
/// the iOS client sends them.
pub fn request(
    endpoint: &Endpoint,
    data: &DataSet,
    host: &str,
    rng: &mut ChaCha8Rng,
) -> http::Request<Full<Bytes>> {
    let user = &data.users[rng.random_range(0..data.users.len())];
    let user_id = user.id.to_string().to_uppercase();
    let (method, uri, body) = match endpoint {
        Endpoint::SavedWords { due_only } => (
            http::Method::GET,
            format!("/v3/saved_words?user_id={user_id}&due_only={due_only}"),
            None,
        ),
        Endpoint::DueCounts => (
            http::Method::GET,
            format!("/v3/due_counts?user_id={user_id}"),
            None,
        ),
        Endpoint::SubmitReview => {
            let word = data.word(user.words[rng.random_range(0..user.words.len())]);
            let body = json!({
                "user_id": user_id,
                "word": word,
                "learning_language": "en",
                "native_language": user.native_language,
                "response": rng.random_bool(0.75),
            });
            (
                http::Method::POST,
                "/v3/reviews/submit".to_owned(),
                Some(body.to_string()),
            )
        }
        Endpoint::Get(path) => (http::Method::GET, path.clone(), None),
        Endpoint::Post(path, body) => (http::Method::POST, path.clone(), Some(body.clone())),
    };
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::HOST, host);
    if body.is_some() {
        builder = builder.header(http::header::CONTENT_TYPE, "application/json");
    }
    let body = Full::new(Bytes::from(body.unwrap_or_default()));
    builder
        .body(body)
        .expect("a request built from valid parts")
}

/// How much load to apply.
#[derive(Debug, Clone)]
pub struct Load {
    /// Server address (loopback).
    pub addr: SocketAddr,
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Measured time; the run stops starting requests after `warmup + duration`.
    pub duration: Duration,
    /// Unmeasured time at the start (connections open, caches warm).
    pub warmup: Duration,
    /// Stop after this many measured requests, if set.
    pub max_requests: Option<u64>,
    /// A request taking longer than this counts as a transport error.
    pub request_timeout: Duration,
    /// Seed of the request sequence (connection `i` uses `seed + i`).
    pub seed: u64,
}

impl Load {
    /// `connections` connections for `duration`, one second of warm-up, 30 s request timeout.
    pub fn new(addr: SocketAddr, connections: usize, duration: Duration) -> Self {
        Self {
            addr,
            connections,
            duration,
            warmup: Duration::from_secs(1),
            max_requests: None,
            request_timeout: Duration::from_secs(30),
            seed: 1,
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Concurrent connections used.
    pub connections: usize,
    /// From the end of the warm-up to the last measured response.
    pub elapsed: Duration,
    /// Latency of every measured request that got a response, in microseconds.
    pub latency_us: Histogram<u64>,
    /// Measured responses by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Measured responses by status code for each entry of the scenario's mix.
    pub statuses_by_endpoint: Vec<BTreeMap<u16, u64>>,
    /// Measured requests that got no response (connect, I/O or timeout).
    pub transport_errors: u64,
    /// 503 responses without a `Retry-After` header.
    pub unavailable_without_retry_after: u64,
}

impl Outcome {
    fn new(connections: usize, endpoints: usize) -> Self {
        Self {
            connections,
            elapsed: Duration::ZERO,
            latency_us: new_histogram(),
            statuses: BTreeMap::new(),
            statuses_by_endpoint: vec![BTreeMap::new(); endpoints],
            transport_errors: 0,
            unavailable_without_retry_after: 0,
        }
    }

    fn merge(&mut self, other: &Outcome) {
        self.latency_us
            .add(&other.latency_us)
            .expect("histograms with the same bounds");
        for (status, count) in &other.statuses {
            *self.statuses.entry(*status).or_default() += count;
        }
        for (mine, theirs) in self
            .statuses_by_endpoint
            .iter_mut()
            .zip(&other.statuses_by_endpoint)
        {
            for (status, count) in theirs {
                *mine.entry(*status).or_default() += count;
            }
        }
        self.transport_errors += other.transport_errors;
        self.unavailable_without_retry_after += other.unavailable_without_retry_after;
    }

    /// Adds another run's measurements (its time included) to this one.
    pub fn append(&mut self, other: &Outcome) {
        self.merge(other);
        self.elapsed += other.elapsed;
    }

    /// Responses received.
    pub fn responses(&self) -> u64 {
        self.statuses.values().sum()
    }

    /// Responses with a 2xx status.
    pub fn successes(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| (200..300).contains(*s))
            .map(|(_, c)| c)
            .sum()
    }

    /// Responses per second over the measured time.
    pub fn throughput(&self) -> f64 {
        self.responses() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Latency at quantile `q` in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.latency_us.value_at_quantile(q) as f64 / 1000.0
    }

    /// Maximum latency in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.latency_us.max() as f64 / 1000.0
    }

    /// Statuses as `200×1234 503×2`.
    pub fn status_summary(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, c)| format!("{s}×{c}"))
            .collect();
        if self.transport_errors > 0 {
            parts.push(format!("err×{}", self.transport_errors));
        }
        parts.join(" ")
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "c={:<4} {:>9.1} req/s  p50 {:>8.3} ms  p90 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms  [{}]",
            self.connections,
            self.throughput(),
            self.quantile_ms(0.50),
            self.quantile_ms(0.90),
            self.quantile_ms(0.99),
            self.max_ms(),
            self.status_summary()
        )
    }
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs to 10 min, 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// Runs `scenario` under `load` against users of `data`.
pub async fn run(load: &Load, scenario: &Scenario, data: Arc<DataSet>) -> Outcome {
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let deadline = measure_from + load.duration;
    let budget = Arc::new(AtomicI64::new(
        load.max_requests
            .map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX)),
    ));
    let tasks: Vec<_> = (0..load.connections)
        .map(|i| {
            let (load, scenario, data, budget) =
                (load.clone(), scenario.clone(), data.clone(), budget.clone());
            tokio::spawn(async move {
                let rng = ChaCha8Rng::seed_from_u64(load.seed.wrapping_add(i as u64));
                connection_loop(
                    &load,
                    &scenario,
                    &data,
                    rng,
                    measure_from,
                    deadline,
                    &budget,
                )
                .await
            })
        })
        .collect();
    let mut total = Outcome::new(load.connections, scenario.mix.len());
    for task in tasks {
        if let Ok(outcome) = task.await {
            total.merge(&outcome);
        }
    }
    total.elapsed = Instant::now().saturating_duration_since(measure_from);
    total
}

async fn connection_loop(
    load: &Load,
    scenario: &Scenario,
    data: &DataSet,
    mut rng: ChaCha8Rng,
    measure_from: Instant,
    deadline: Instant,
    budget: &AtomicI64,
) -> Outcome {
    let host = load.addr.to_string();
    let mut outcome = Outcome::new(1, scenario.mix.len());
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    while Instant::now() < deadline {
        let measured = Instant::now() >= measure_from;
        if measured && budget.fetch_sub(1, Ordering::Relaxed) <= 0 {
            break;
        }
        let ready = match sender.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            match tokio::time::timeout(load.request_timeout, connect(load.addr)).await {
                Ok(Ok(s)) => sender = Some(s),
                _ => {
                    if measured {
                        outcome.transport_errors += 1;
                    }
                    // Do not spin while the server is down.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let index = scenario.pick(&mut rng);
        let req = request(&scenario.mix[index].1, data, &host, &mut rng);
        let sent = Instant::now();
        let exchange = async {
            let response = s.send_request(req).await?;
            let (parts, body) = response.into_parts();
            body.collect().await?;
            Ok::<_, hyper::Error>(parts)
        };
        match tokio::time::timeout(load.request_timeout, exchange).await {
            Ok(Ok(parts)) if measured => {
                let micros = sent.elapsed().as_micros().max(1);
                outcome.latency_us.saturating_record(micros as u64);
                let status = parts.status.as_u16();
                *outcome.statuses.entry(status).or_default() += 1;
                *outcome.statuses_by_endpoint[index]
                    .entry(status)
                    .or_default() += 1;
                if parts.status == http::StatusCode::SERVICE_UNAVAILABLE
                    && !parts.headers.contains_key(http::header::RETRY_AFTER)
                {
                    outcome.unavailable_without_retry_after += 1;
                }
            }
            Ok(Ok(_)) => {}
            Ok(Err(_)) | Err(_) => {
                if measured {
                    outcome.transport_errors += 1;
                }
                sender = None;
            }
        }
    }
    outcome
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One request on a fresh connection: status, headers and body. For checks and metrics
/// scrapes, not for load.
pub async fn send(
    addr: SocketAddr,
    request: http::Request<Full<Bytes>>,
) -> anyhow::Result<(http::response::Parts, Bytes)> {
    let mut sender = connect(addr).await?;
    let response = sender.send_request(request).await?;
    let (parts, body) = response.into_parts();
    Ok((parts, body.collect().await?.to_bytes()))
}

/// `GET path` on a fresh connection.
pub async fn get(addr: SocketAddr, path: &str) -> anyhow::Result<(http::StatusCode, Bytes)> {
    let request = http::Request::get(path)
        .header(http::header::HOST, addr.to_string())
        .body(Full::new(Bytes::new()))?;
    let (parts, body) = send(addr, request).await?;
    Ok((parts.status, body))
}
