//! Sending one request to the provider: the [`Transport`] trait and [`WasiHttp`], its
//! implementation on the `wasi:http/outgoing-handler` that Spin provides.
//!
//! A request has a hard deadline. It is passed to the host as the `request-options`
//! connect, first-byte and between-bytes timeouts (Spin and the development host honour
//! them), and enforced by the guest as well: waiting for the response head and for every
//! body chunk polls the response together with a `wasi:clocks` timer, and gives up when
//! the timer fires first. Dropping the pending response cancels the request.

use std::time::Duration;

use crate::config::BaseUrl;

/// One `POST` to the provider.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// Where to send it.
    pub base: BaseUrl,
    /// The API route under the base URL, such as `/chat/completions`.
    pub route: String,
    /// Extra headers (`authorization`, `content-type`).
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
}

/// The provider's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The host refused the destination: it is not in `allowed_outbound_hosts`.
    #[error("destination not allowed by allowed_outbound_hosts")]
    NotAllowed,
    /// The deadline passed first.
    #[error("timed out")]
    Timeout,
    /// Anything else (connection refused, protocol error...).
    #[error("{0}")]
    Failed(String),
}

/// Sends requests. [`WasiHttp`] in components; tests use a scripted fake.
pub trait Transport {
    /// Sends `request` and returns the whole response, or an error once `timeout` has
    /// passed.
    fn send(
        &mut self,
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, TransportError>;
}

/// The largest response body accepted (an image as base64 JSON is a few MiB).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// [`Transport`] over `wasi:http/outgoing-handler@0.2.0`. Only usable inside a
/// component (natively its calls are unreachable).
#[derive(Debug, Default, Clone, Copy)]
pub struct WasiHttp;

impl Transport for WasiHttp {
    fn send(
        &mut self,
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, TransportError> {
        wasi_http::send(request, timeout)
    }
}

mod wasi_http {
    use std::time::Duration;

    use wasi::clocks::monotonic_clock;
    use wasi::http::outgoing_handler;
    use wasi::http::types::{
        ErrorCode, Fields, FutureIncomingResponse, IncomingResponse, Method, OutgoingBody,
        OutgoingRequest, RequestOptions, Scheme,
    };
    use wasi::io::poll;
    use wasi::io::streams::StreamError;

    use super::{HttpRequest, HttpResponse, MAX_RESPONSE_BYTES, TransportError};

    pub(super) fn send(
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, TransportError> {
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        let deadline = monotonic_clock::now().saturating_add(nanos);

        let entries: Vec<(String, Vec<u8>)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.as_bytes().to_vec()))
            .collect();
        let headers = Fields::from_list(&entries)
            .map_err(|e| TransportError::Failed(format!("invalid request header: {e:?}")))?;
        let outgoing = OutgoingRequest::new(headers);
        let scheme = if request.base.scheme == "https" {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let path = request.base.path_of(&request.route);
        let invalid = |what: &str| TransportError::Failed(format!("invalid request {what}"));
        outgoing
            .set_method(&Method::Post)
            .map_err(|()| invalid("method"))?;
        outgoing
            .set_scheme(Some(&scheme))
            .map_err(|()| invalid("scheme"))?;
        outgoing
            .set_authority(Some(&request.base.authority))
            .map_err(|()| invalid("authority"))?;
        outgoing
            .set_path_with_query(Some(&path))
            .map_err(|()| invalid("path"))?;
        let body = outgoing.body().map_err(|()| invalid("body"))?;

        let options = RequestOptions::new();
        // A host that does not support an option refuses it; the guest-side deadline
        // below still holds.
        let _ = options.set_connect_timeout(Some(nanos));
        let _ = options.set_first_byte_timeout(Some(nanos));
        let _ = options.set_between_bytes_timeout(Some(nanos));

        let pending = outgoing_handler::handle(outgoing, Some(options)).map_err(from_code)?;
        // The body goes out after `handle`, which starts sending; a refused request
        // fails the writes, and its error comes from the response below.
        write_body(body, &request.body);
        let response = wait_for_head(&pending, deadline)?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(&"content-type".to_owned())
            .into_iter()
            .next()
            .map(|v| String::from_utf8_lossy(&v).into_owned());
        let body = read_body(&response, deadline)?;
        drop(response);
        drop(pending);
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }

    fn write_body(body: OutgoingBody, bytes: &[u8]) {
        if let Ok(stream) = body.write() {
            for chunk in bytes.chunks(4096) {
                if stream.blocking_write_and_flush(chunk).is_err() {
                    break;
                }
            }
            drop(stream);
        }
        let _ = OutgoingBody::finish(body, None);
    }

    fn wait_for_head(
        pending: &FutureIncomingResponse,
        deadline: u64,
    ) -> Result<IncomingResponse, TransportError> {
        let timer = monotonic_clock::subscribe_instant(deadline);
        loop {
            if let Some(result) = pending.get() {
                return match result {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(code)) => Err(from_code(code)),
                    Err(()) => Err(TransportError::Failed("response already taken".to_owned())),
                };
            }
            let ready = {
                let head = pending.subscribe();
                poll::poll(&[&head, &timer])
            };
            if !ready.contains(&0) {
                return Err(TransportError::Timeout);
            }
        }
    }

    fn read_body(response: &IncomingResponse, deadline: u64) -> Result<Vec<u8>, TransportError> {
        let body = response
            .consume()
            .map_err(|()| TransportError::Failed("response body unavailable".to_owned()))?;
        let result = {
            let stream = body
                .stream()
                .map_err(|()| TransportError::Failed("response body unavailable".to_owned()))?;
            let timer = monotonic_clock::subscribe_instant(deadline);
            let mut bytes = Vec::new();
            loop {
                match stream.read(64 * 1024) {
                    Ok(chunk) if chunk.is_empty() => {
                        let ready = {
                            let readable = stream.subscribe();
                            poll::poll(&[&readable, &timer])
                        };
                        if !ready.contains(&0) {
                            break Err(TransportError::Timeout);
                        }
                    }
                    Ok(chunk) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > MAX_RESPONSE_BYTES {
                            break Err(TransportError::Failed("response too large".to_owned()));
                        }
                    }
                    Err(StreamError::Closed) => break Ok(bytes),
                    Err(StreamError::LastOperationFailed(e)) => {
                        break Err(TransportError::Failed(e.to_debug_string()));
                    }
                }
            }
        };
        drop(body);
        result
    }

    fn from_code(code: ErrorCode) -> TransportError {
        match code {
            ErrorCode::HttpRequestDenied => TransportError::NotAllowed,
            ErrorCode::ConnectionTimeout
            | ErrorCode::ConnectionReadTimeout
            | ErrorCode::ConnectionWriteTimeout
            | ErrorCode::HttpResponseTimeout
            | ErrorCode::DnsTimeout => TransportError::Timeout,
            other => TransportError::Failed(format!("{other:?}")),
        }
    }
}
