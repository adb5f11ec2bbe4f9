//! The hyper accept loop and the request path: route, buffer the body, instantiate a fresh
//! instance, call `wasi:http/incoming-handler`, map traps and deadlines to 500 and 504.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinSet;
use wasmtime::{Engine, Store, Trap, UpdateDeadline};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::bindings::ProxyPre;
use wasmtime_wasi_http::bindings::http::types::Scheme;
use wasmtime_wasi_http::body::HyperOutgoingBody;

use crate::engine::{EpochTicker, MAX_CONCURRENT_INSTANCES};
use crate::router::{RouteMatch, Router};
use crate::state::{ComponentInfo, HostState, RequestStats, Shared};

const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

/// A component ready to serve: its shared data and its pre-instantiated proxy.
pub(crate) struct ComponentRuntime {
    pub(crate) info: Arc<ComponentInfo>,
    pub(crate) pre: ProxyPre<HostState>,
}

/// Everything the request path needs, shared by all connections.
pub(crate) struct App {
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) engine: Engine,
    pub(crate) router: Router,
    pub(crate) components: HashMap<String, ComponentRuntime>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) request_timeout: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) instance_slots: Arc<Semaphore>,
    pub(crate) next_request_id: AtomicU64,
    pub(crate) _ticker: EpochTicker,
}

/// Serves until `shutdown` turns true, then finishes in-flight requests and closes the pools.
pub(crate) async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, client_addr) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        continue;
                    }
                };
                let app = app.clone();
                let shutdown = shutdown.clone();
                connections.spawn(serve_connection(app, stream, client_addr, shutdown));
            }
            _ = stopped(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let grace = app.request_timeout + Duration::from_secs(5);
    let drain = async {
        while connections.join_next().await.is_some() {}
        // Guests that still run after their response was sent hold an instance slot.
        let _all = app
            .instance_slots
            .acquire_many(MAX_CONCURRENT_INSTANCES)
            .await;
    };
    if tokio::time::timeout(grace, drain).await.is_err() {
        tracing::warn!("requests still running after {grace:?}; stopping them");
        connections.abort_all();
    }
    app.shared.pools.close();
    Ok(())
}

async fn serve_connection(
    app: Arc<App>,
    stream: tokio::net::TcpStream,
    client_addr: SocketAddr,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(handle(app, req, client_addr).await) }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        _ = stopped(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%client_addr, "connection ended with an error: {e}");
    }
}

/// Resolves once the shutdown flag is set (at once if it already is).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// A response the host itself produces.
fn host_response(status: StatusCode, body: impl Into<Bytes>) -> hyper::Response<HyperOutgoingBody> {
    let mut response = hyper::Response::new(
        Full::new(body.into())
            .map_err(|never: Infallible| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    response
}

/// What the host records of one request: the counter and latency histogram (before the
/// response reaches the client, so a client that has its answer also sees it counted),
/// the in-flight gauge (until the guest has finished), and one log line at the end.
struct RequestLog {
    method: Method,
    path: String,
    started: Instant,
    in_flight: prometheus::IntGauge,
}

impl RequestLog {
    fn start(app: &App, method: Method, path: String) -> RequestLog {
        let in_flight = app.shared.metrics.in_flight.clone();
        in_flight.inc();
        RequestLog {
            method,
            path,
            started: Instant::now(),
            in_flight,
        }
    }

    /// Counts the request under its status; call it before the response is handed over.
    fn count(&self, app: &App, component: &str, status: StatusCode) {
        let metrics = &app.shared.metrics;
        metrics
            .requests
            .with_label_values(&[component, status.as_str()])
            .inc();
        metrics
            .latency
            .with_label_values(&[component])
            .observe(self.started.elapsed().as_secs_f64());
    }

    /// Logs the request once the guest (if any) is done.
    fn finish(self, component: &str, status: StatusCode, stats: Option<&RequestStats>) {
        tracing::info!(
            target: "devhost::request",
            method = %self.method,
            path = %self.path,
            component,
            status = status.as_u16(),
            duration_ms = format_args!("{:.2}", self.started.elapsed().as_secs_f64() * 1000.0),
            pool_checkouts = stats.map_or(0, RequestStats::checkouts),
            queries = stats.map_or(0, RequestStats::queries),
        );
    }

    /// [`RequestLog::count`] and [`RequestLog::finish`] together, for answers given when
    /// no guest is running any more.
    fn complete(
        self,
        app: &App,
        component: &str,
        status: StatusCode,
        stats: Option<&RequestStats>,
    ) {
        self.count(app, component, status);
        self.finish(component, status, stats);
    }
}

impl Drop for RequestLog {
    fn drop(&mut self) {
        self.in_flight.dec();
    }
}

async fn handle(
    app: Arc<App>,
    req: hyper::Request<Incoming>,
    client_addr: SocketAddr,
) -> hyper::Response<HyperOutgoingBody> {
    let log = RequestLog::start(&app, req.method().clone(), req.uri().path().to_owned());

    if let Some(well_known) = log.path.strip_prefix(WELL_KNOWN_PREFIX) {
        let response = match well_known {
            "health" => host_response(StatusCode::OK, "OK"),
            "info" => {
                let info = serde_json::json!({ "name": app.name, "version": app.version });
                let mut r = host_response(StatusCode::OK, info.to_string());
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }
            _ => host_response(StatusCode::NOT_FOUND, Bytes::new()),
        };
        log.complete(&app, "", response.status(), None);
        return response;
    }

    let Some(route) = app.router.route(&log.path) else {
        log.complete(&app, "", StatusCode::NOT_FOUND, None);
        return host_response(StatusCode::NOT_FOUND, Bytes::new());
    };
    let Some(component) = app.components.get(&route.component_id) else {
        tracing::error!(component = %route.component_id, "routed to an unknown component");
        log.complete(
            &app,
            &route.component_id,
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
        );
        return host_response(StatusCode::INTERNAL_SERVER_ERROR, Bytes::new());
    };
    run_component(&app, component, route, req, client_addr, log).await
}

enum GuestEnd {
    Trap(anyhow::Error),
    Timeout,
}

async fn run_component(
    app: &Arc<App>,
    component: &ComponentRuntime,
    route: RouteMatch,
    req: hyper::Request<Incoming>,
    client_addr: SocketAddr,
    log: RequestLog,
) -> hyper::Response<HyperOutgoingBody> {
    let id = component.info.id.clone();
    let deadline = log.started + app.request_timeout;
    let answer = |log: RequestLog, status: StatusCode, body: &'static str| {
        log.complete(app, &id, status, None);
        host_response(status, body)
    };

    let guest_request = match prepare_request(req, &route, client_addr, app.max_body_bytes).await {
        Ok(r) => r,
        Err(PrepareError::TooLarge) => {
            return answer(
                log,
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large\n",
            );
        }
        Err(PrepareError::BadBody(e)) => {
            tracing::debug!(component = %id, "reading the request body failed: {e}");
            return answer(log, StatusCode::BAD_REQUEST, "");
        }
        Err(PrepareError::Invalid(e)) => {
            tracing::error!(component = %id, "Error processing request: {e}");
            return answer(log, StatusCode::INTERNAL_SERVER_ERROR, "");
        }
    };

    let permit =
        match tokio::time::timeout_at(deadline.into(), app.instance_slots.clone().acquire_owned())
            .await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return answer(log, StatusCode::SERVICE_UNAVAILABLE, "shutting down\n"),
            Err(_) => {
                app.shared.metrics.timeouts.with_label_values(&[&id]).inc();
                return answer(log, StatusCode::GATEWAY_TIMEOUT, "request timed out\n");
            }
        };

    let request_id = app.next_request_id.fetch_add(1, Ordering::Relaxed);
    let stats = Arc::new(RequestStats::default());
    let mut store = Store::new(
        &app.engine,
        HostState::new(
            component.info.clone(),
            app.shared.clone(),
            stats.clone(),
            request_id,
        ),
    );
    // A busy guest yields to the runtime every epoch tick, so it cannot starve other requests,
    // and traps with `Interrupt` once the request deadline has passed.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        if Instant::now() >= deadline {
            return Err(Trap::Interrupt.into());
        }
        Ok(UpdateDeadline::Yield(1))
    });

    let (sender, receiver) = oneshot::channel();
    let resources = store
        .data_mut()
        .new_incoming_request(Scheme::Http, guest_request)
        .and_then(|req| Ok((req, store.data_mut().new_response_outparam(sender)?)));
    let (guest_req, outparam) = match resources {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(component = %id, "Error processing request: {e:?}");
            return answer(log, StatusCode::INTERNAL_SERVER_ERROR, "");
        }
    };

    let pre = component.pre.clone();
    let task = tokio::spawn(async move {
        let call = async {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, guest_req, outparam)
                .await
        };
        let end = match tokio::time::timeout_at(deadline.into(), call).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) if e.downcast_ref::<Trap>() == Some(&Trap::Interrupt) => {
                Err(GuestEnd::Timeout)
            }
            Ok(Err(e)) => Err(GuestEnd::Trap(e)),
            Err(_) => Err(GuestEnd::Timeout),
        };
        // The instance slot goes back to the pooling allocator with the store, so the
        // store must be gone before the permit lets another request instantiate.
        drop(store);
        drop(permit);
        end
    });

    match receiver.await {
        Ok(Ok(response)) => {
            let status = response.status();
            log.count(app, &id, status);
            let app = app.clone();
            tokio::spawn(async move {
                let end = task.await;
                report_end(&app, &id, end, true);
                log.finish(&id, status, Some(&stats));
            });
            response
        }
        Ok(Err(code)) => {
            tracing::error!(component = %id, "guest answered with an error: {code:?}");
            let end = task.await;
            report_end(app, &id, end, true);
            log.complete(app, &id, StatusCode::INTERNAL_SERVER_ERROR, Some(&stats));
            host_response(StatusCode::INTERNAL_SERVER_ERROR, Bytes::new())
        }
        Err(_) => {
            let end = task.await;
            let status = match &end {
                Ok(Err(GuestEnd::Timeout)) => StatusCode::GATEWAY_TIMEOUT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            report_end(app, &id, end, false);
            log.complete(app, &id, status, Some(&stats));
            let body: &'static str = if status == StatusCode::GATEWAY_TIMEOUT {
                "request timed out\n"
            } else {
                ""
            };
            host_response(status, body)
        }
    }
}

/// Logs and counts how a guest invocation ended.
fn report_end(
    app: &App,
    component: &str,
    end: Result<Result<(), GuestEnd>, tokio::task::JoinError>,
    responded: bool,
) {
    let metrics = &app.shared.metrics;
    match end {
        Ok(Ok(())) if responded => {}
        Ok(Ok(())) => tracing::error!(
            component,
            "Error processing request: guest failed to produce a response prior to returning"
        ),
        Ok(Err(GuestEnd::Timeout)) => {
            metrics.timeouts.with_label_values(&[component]).inc();
            tracing::warn!(component, "request deadline reached; guest interrupted");
        }
        Ok(Err(GuestEnd::Trap(e))) => {
            metrics.traps.with_label_values(&[component]).inc();
            tracing::error!(component, "guest invocation failed: {e:?}");
        }
        Err(e) => {
            metrics.traps.with_label_values(&[component]).inc();
            tracing::error!(component, "guest task failed: {e}");
        }
    }
}

enum PrepareError {
    TooLarge,
    BadBody(String),
    Invalid(String),
}

type GuestBody = http_body_util::combinators::MapErr<Full<Bytes>, fn(Infallible) -> hyper::Error>;

fn never(e: Infallible) -> hyper::Error {
    match e {}
}

/// Buffers the body (within the limit) and rewrites URI and headers as Spin's trigger does.
async fn prepare_request(
    req: hyper::Request<Incoming>,
    route: &RouteMatch,
    client_addr: SocketAddr,
    max_body_bytes: usize,
) -> Result<hyper::Request<GuestBody>, PrepareError> {
    let (mut parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max_body_bytes as u64) {
        return Err(PrepareError::TooLarge);
    }
    let bytes = match Limited::new(body, max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(PrepareError::TooLarge),
        Err(e) => return Err(PrepareError::BadBody(e.to_string())),
    };

    let host = match parts.headers.get(http::header::HOST) {
        Some(h) => h
            .to_str()
            .map_err(|_| PrepareError::Invalid("'Host' header is not valid UTF-8".into()))?
            .to_owned(),
        None => match parts.uri.authority() {
            Some(a) => a.to_string(),
            None => {
                return Err(PrepareError::Invalid(
                    "no 'Host' header present in request".into(),
                ));
            }
        },
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = format!("http://{host}{path_and_query}")
        .parse()
        .map_err(|_| PrepareError::Invalid("'Host' header contains an invalid authority".into()))?;

    let mut headers = HeaderMap::new();
    for (name, value) in &parts.headers {
        value
            .to_str()
            .map_err(|_| PrepareError::Invalid(format!("header {name} is not valid UTF-8")))?;
        headers.append(name.clone(), value.clone());
    }
    for (name, value) in route.spin_headers(format!("http://{host}{path_and_query}"), client_addr) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    parts.headers = headers;
    let body: GuestBody = Full::new(bytes).map_err(never as fn(Infallible) -> hyper::Error);
    Ok(hyper::Request::from_parts(parts, body))
}

/// Serves the Prometheus text on every path until `shutdown` turns true.
pub(crate) async fn serve_metrics(
    app: Arc<App>,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let app = app.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |_req: hyper::Request<Incoming>| {
                        let text = app.shared.metrics.render(&app.shared.pools);
                        async move {
                            let mut response = hyper::Response::new(Full::new(Bytes::from(text)));
                            response.headers_mut().insert(
                                http::header::CONTENT_TYPE,
                                HeaderValue::from_static("text/plain; version=0.0.4"),
                            );
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = stopped(&mut shutdown) => break,
        }
    }
}
