#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod cache;
mod client;
mod config;
mod error;
pub mod openai;
pub mod prompts;
mod questions;
mod schema;
mod transport;
pub mod video_search;

pub use cache::{IMMUTABLE, etag, immutable_headers};
pub use client::{Ai, MIN_ATTEMPT, Profile, attempt_timeout};
pub use config::{BaseUrl, Config, Use, parse_models};
pub use error::AiError;
pub use openai::{Image, Recording};
pub use questions::{
    MC_DEF_NATIVE, MC_QUOTE, VIDEO_MC, is_no_quote, no_quote, reshuffle, serve_video_question,
    shuffle_seed,
};
pub use schema::validate;
pub use transport::{
    HttpRequest, HttpResponse, MAX_RESPONSE_BYTES, Transport, TransportError, WasiHttp,
};

/// Base64 (standard alphabet, padded) of `bytes`, as responses carry audio and images.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
