//! HTTP caching of generated content, which never changes once stored.

use md5::{Digest, Md5};

/// The `Cache-Control` value of generated content (and of the CDN variants).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The quoted ETag of a cache key: the hex MD5 of the parts joined by `:`
/// (`"word:learning:native"`).
pub fn etag(parts: &[&str]) -> String {
    let digest = Md5::digest(parts.join(":").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The headers of a cacheable response with this ETag: `Cache-Control`,
/// `CDN-Cache-Control`, `Cloudflare-CDN-Cache-Control`, `ETag` and `Vary`.
pub fn immutable_headers(etag: &str) -> [(&'static str, String); 5] {
    [
        ("cache-control", IMMUTABLE.to_owned()),
        ("cdn-cache-control", IMMUTABLE.to_owned()),
        ("cloudflare-cdn-cache-control", IMMUTABLE.to_owned()),
        ("etag", etag.to_owned()),
        ("vary", "Accept, Accept-Encoding".to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_the_quoted_md5_of_the_joined_key() {
        // md5("") and md5("a:b") worked out with a reference implementation.
        assert_eq!(etag(&[""]), "\"d41d8cd98f00b204e9800998ecf8427e\"");
        assert_eq!(etag(&["hello", "en", "zh"]), etag(&["hello:en:zh"]));
        assert_ne!(etag(&["hello", "en", "zh"]), etag(&["hello", "en", "ja"]));
        assert_eq!(etag(&["a", "b"]).len(), 34);
    }
}
