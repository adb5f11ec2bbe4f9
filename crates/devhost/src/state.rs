//! The per-request store data: WASI, `wasi:http`, the resource table, the component's
//! variables and allow-list, and the request's Postgres bookkeeping.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{SocketAddrUse, WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::body::HyperOutgoingBody;
use wasmtime_wasi_http::types::{
    HostFutureIncomingResponse, OutgoingRequestConfig, default_send_request,
};
use wasmtime_wasi_http::{HttpResult, WasiHttpCtx, WasiHttpView};

use crate::bindings::{variables2, variables3};
use crate::metrics::Metrics;
use crate::outbound::{AllowedHosts, OutboundUrl, report_disallowed};
use crate::pool::Pools;
use crate::variables::{ComponentVariables, GetError};

/// What every request of one component shares.
pub(crate) struct ComponentInfo {
    pub(crate) id: Arc<str>,
    pub(crate) variables: ComponentVariables,
    pub(crate) allowed: Arc<AllowedHosts>,
    pub(crate) environment: Vec<(String, String)>,
}

/// What every request of the application shares.
pub(crate) struct Shared {
    pub(crate) pools: Pools,
    pub(crate) metrics: Arc<Metrics>,
    /// The bound address, for requests a component makes to its own app.
    pub(crate) local_addr: OnceLock<SocketAddr>,
}

/// Counters of one request, read by the server after the guest finishes.
#[derive(Debug, Default)]
pub(crate) struct RequestStats {
    pub(crate) checkouts: AtomicU64,
    pub(crate) queries: AtomicU64,
}

impl RequestStats {
    pub(crate) fn checkouts(&self) -> u64 {
        self.checkouts.load(Ordering::Relaxed)
    }

    pub(crate) fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }
}

/// The `T` of every `Store<T>`.
pub(crate) struct HostState {
    pub(crate) table: ResourceTable,
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) component: Arc<ComponentInfo>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) stats: Arc<RequestStats>,
}

impl HostState {
    pub(crate) fn new(
        component: Arc<ComponentInfo>,
        shared: Arc<Shared>,
        stats: Arc<RequestStats>,
        request_id: u64,
    ) -> HostState {
        let mut wasi = WasiCtx::builder();
        wasi.stdout(GuestLog::new(&component.id, request_id, "stdout"))
            .stderr(GuestLog::new(&component.id, request_id, "stderr"))
            .envs(&component.environment);
        let allowed = component.allowed.clone();
        wasi.socket_addr_check(move |addr, usage| {
            let scheme = match usage {
                SocketAddrUse::TcpBind | SocketAddrUse::UdpBind => {
                    return Box::pin(async { false });
                }
                SocketAddrUse::TcpConnect => "tcp",
                SocketAddrUse::UdpConnect | SocketAddrUse::UdpOutgoingDatagram => "udp",
            };
            let allowed = allowed.allows(&OutboundUrl {
                scheme: scheme.to_owned(),
                host: addr.ip().to_string(),
                port: Some(addr.port()),
            });
            Box::pin(async move { allowed })
        });
        HostState {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            component,
            shared,
            stats,
        }
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn ctx(&mut self) -> &mut WasiHttpCtx {
        &mut self.http
    }

    fn table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }

    fn send_request(
        &mut self,
        mut request: hyper::Request<HyperOutgoingBody>,
        mut config: OutgoingRequestConfig,
    ) -> HttpResult<HostFutureIncomingResponse> {
        let uri = request.uri().clone();
        let is_self_request = match uri.authority() {
            Some(authority) => authority.host().is_empty() || authority.host() == "self.alt",
            None => true,
        };
        let allowed = if is_self_request {
            self.component.allowed.allows_relative(&["http", "https"])
        } else {
            self.component
                .allowed
                .check_url(&uri.to_string(), "https")
                .unwrap_or(false)
        };
        if !allowed {
            let scheme = uri.scheme_str().unwrap_or("https");
            let authority = if is_self_request {
                "self".to_owned()
            } else {
                uri.authority().map(|a| a.to_string()).unwrap_or_default()
            };
            report_disallowed(&self.component.id, scheme, &authority);
            return Ok(HostFutureIncomingResponse::ready(Ok(Err(
                ErrorCode::HttpRequestDenied,
            ))));
        }
        if is_self_request {
            let Some(origin) = self.shared.local_addr.get() else {
                return Err(ErrorCode::HttpRequestUriInvalid.into());
            };
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            *request.uri_mut() = format!("http://{origin}{path}")
                .parse()
                .map_err(|_| ErrorCode::HttpRequestUriInvalid)?;
            config.use_tls = false;
        }
        request.headers_mut().remove(http::header::HOST);
        Ok(default_send_request(request, config))
    }
}

impl variables2::Host for HostState {
    async fn get(&mut self, name: String) -> Result<String, variables2::Error> {
        self.component.variables.get(&name).map_err(|e| match e {
            GetError::InvalidName(m) => variables2::Error::InvalidName(m),
            GetError::Undefined(m) => variables2::Error::Undefined(m),
        })
    }
}

impl variables3::Host for HostState {
    async fn get(&mut self, name: String) -> Result<String, variables3::Error> {
        self.component.variables.get(&name).map_err(|e| match e {
            GetError::InvalidName(m) => variables3::Error::InvalidName(m),
            GetError::Undefined(m) => variables3::Error::Undefined(m),
        })
    }
}

/// Guest stdout/stderr, written line by line to the host log with the component and request id.
#[derive(Clone)]
struct GuestLog {
    component: Arc<str>,
    request_id: u64,
    stream: &'static str,
}

impl GuestLog {
    fn new(component: &Arc<str>, request_id: u64, stream: &'static str) -> GuestLog {
        GuestLog {
            component: component.clone(),
            request_id,
            stream,
        }
    }

    fn writer(&self) -> GuestLogWriter {
        GuestLogWriter {
            log: self.clone(),
            pending: Vec::new(),
        }
    }
}

impl IsTerminal for GuestLog {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestLog {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.writer())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.writer())
    }
}

const GUEST_LINE_LIMIT: usize = 16 * 1024;

struct GuestLogWriter {
    log: GuestLog,
    pending: Vec<u8>,
}

impl GuestLogWriter {
    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        while let Some(pos) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=pos).collect();
            self.emit(line.strip_suffix(b"\n").unwrap_or(&line));
        }
        if self.pending.len() > GUEST_LINE_LIMIT {
            let line = std::mem::take(&mut self.pending);
            self.emit(&line);
        }
    }

    fn emit(&self, line: &[u8]) {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            return;
        }
        tracing::info!(
            target: "guest",
            component = %self.log.component,
            request = self.log.request_id,
            stream = self.log.stream,
            "{line}"
        );
    }
}

impl Drop for GuestLogWriter {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.emit(&line);
        }
    }
}

impl OutputStream for GuestLogWriter {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestLogWriter {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for GuestLogWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.get_mut().push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
