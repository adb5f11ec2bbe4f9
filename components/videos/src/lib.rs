//! `GET /v3/videos/{video_id}`: a stored video's bytes, with `Content-Type` from its
//! format, `Content-Length`, `Accept-Ranges: bytes`, `ETag: "<id>"` and year-long
//! immutable cache headers (videos never change once uploaded).
//!
//! A single `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` is served with 206 and
//! `Content-Range`; a range starting past the end is 416 with `Content-Range: bytes */N`;
//! a malformed or multi-range header, or an `If-Range` that is not this ETag, is ignored
//! and the whole video is sent with 200 (RFC 9110 allows both; the iOS client downloads
//! with a plain GET and needs exactly 200). Only the requested bytes are read: one
//! statement returns the format, the total size and `substring` of the data
//! (`queries::VIDEO_SLICE`). 400 for an id that is not a positive integer, 404 (JSON) for
//! an unknown one.

use db::Bytes;
use domain::{FetchWindow, FieldError, InvalidValue, RangeRequest, Resolved};
use serde::Deserialize;
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};

#[derive(Deserialize)]
struct Slice {
    format: String,
    total_bytes: i32,
    data: Bytes,
}

const CACHE: &str = "public, max-age=31536000, immutable";
const CDN_CACHE: &str = "public, max-age=31536000";

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let id = video_id(req)?;
        let etag = format!("\"{id}\"");
        let range = requested_range(req, &etag);
        let window = range.map_or(FetchWindow::WHOLE, |r| r.fetch_window());
        let slice: Option<Slice> = ctx
            .db()?
            .fetch_optional(queries::VIDEO_SLICE, &[&id, &window.offset, &window.length])?;
        let Some(slice) = slice else {
            return Err(api::ApiError::NotFound("Video not found".to_owned()));
        };
        let total = u64::try_from(slice.total_bytes).unwrap_or(0);
        let data = slice.data.into_inner();
        let (status, content_range) = match range.map_or(Resolved::Whole, |r| r.resolve(total)) {
            Resolved::Whole => (200, None),
            Resolved::Partial(span) => (206, Some((span.content_range(total), span.len()))),
            Resolved::Unsatisfiable => {
                let mut response =
                    api::json(416, &serde_json::json!({"error": "Range not satisfiable"}))?;
                response.set_header(
                    "content-range",
                    domain::unsatisfied_content_range(total).as_str(),
                );
                return Ok(response);
            }
        };
        let expected = content_range.as_ref().map_or(total, |(_, len)| *len);
        if u64::try_from(data.len()).ok() != Some(expected) {
            return Err(api::ApiError::internal(std::io::Error::other(format!(
                "video {id}: read {} bytes, expected {expected}",
                data.len()
            ))));
        }
        let mut builder = Response::builder();
        builder
            .status(status)
            .header("content-type", domain::video_content_type(&slice.format))
            .header("content-length", data.len().to_string())
            .header("accept-ranges", "bytes")
            .header("etag", etag.as_str())
            .header("cache-control", CACHE)
            .header("cdn-cache-control", CDN_CACHE)
            .header("cloudflare-cdn-cache-control", CDN_CACHE);
        if let Some((value, _)) = content_range {
            builder.header("content-range", value);
        }
        Ok(builder.body(data).build())
    })
}

/// The `video_id` route parameter: a positive integer.
fn video_id(req: &Request) -> Result<i32, FieldError> {
    let invalid = || FieldError::new("video_id", InvalidValue::WrongType("a positive integer id"));
    let raw = api::path_param(req, "video_id").ok_or(FieldError::missing("video_id"))?;
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    raw.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(invalid)
}

/// The `Range` to honour: a single well-formed byte range, unless `If-Range` names
/// another version (or a date: there is no `Last-Modified` to compare it with).
fn requested_range(req: &Request, etag: &str) -> Option<RangeRequest> {
    let header = |name: &str| req.header(name).and_then(|v| v.as_str());
    if header("if-range").is_some_and(|validator| validator.trim() != etag) {
        return None;
    }
    header("range").and_then(RangeRequest::parse)
}
