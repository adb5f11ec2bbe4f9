//! Operator routes: [`require_admin`], the bearer-token check in front of them.
//!
//! The token is the secret application variable `admin_token`, given to each operator
//! component as a component variable of the same name. With no token configured (the
//! default, empty) the operator routes do not exist: 404. A missing or wrong token is a
//! 401 with `WWW-Authenticate: Bearer`. The check reads no database, and the token never
//! appears in a log line or a response.

use sha2::{Digest, Sha256};
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};
use subtle::ConstantTimeEq;

use crate::{ApiError, Ctx, Result};

/// The component variable holding the operator token.
pub const ADMIN_TOKEN_VARIABLE: &str = "admin_token";

/// Lets the request through only if it carries `Authorization: Bearer <admin_token>`.
///
/// Call it first in an operator handler, before [`crate::Ctx::db`], so a refused request
/// opens no connection for the handler.
///
/// ```no_run
/// use spin_sdk::http::{Method, Request, ResponseOutparam};
///
/// #[spin_sdk::http_component]
/// fn handle(req: Request, out: ResponseOutparam) {
///     api::serve(req, out, &[Method::Post], |req, ctx| {
///         api::require_admin(req)?;
///         let n = ctx.db()?.execute("DELETE FROM api_usage_logs WHERE false", &[])?;
///         api::ok(&serde_json::json!({ "deleted": n }))
///     })
/// }
/// # fn main() {}
/// ```
pub fn require_admin(req: &Request) -> Result<()> {
    let configured = match spin_sdk::variables::get(ADMIN_TOKEN_VARIABLE) {
        Ok(value) => value,
        Err(spin_sdk::variables::Error::Undefined(_)) => String::new(),
        Err(e) => {
            // The error names the variable, never its value.
            eprintln!("admin: variable {ADMIN_TOKEN_VARIABLE} unreadable: {e}");
            String::new()
        }
    };
    let header = req.header("authorization").and_then(|v| v.as_str());
    check_admin(&configured, header)
}

/// [`crate::serve`] for an operator route: the token is checked first ([`require_admin`]),
/// then the method, so without the right token every method gets the same 404 or 401 and
/// the route's methods are not revealed.
///
/// ```no_run
/// use spin_sdk::http::{Method, Request, ResponseOutparam};
///
/// #[spin_sdk::http_component]
/// fn handle(req: Request, out: ResponseOutparam) {
///     api::serve_admin(req, out, &[Method::Post], |_req, ctx| {
///         let n = ctx.db()?.execute("DELETE FROM api_usage_logs WHERE false", &[])?;
///         api::ok(&serde_json::json!({ "deleted": n }))
///     })
/// }
/// # fn main() {}
/// ```
pub fn serve_admin<F>(req: Request, out: ResponseOutparam, allowed: &[Method], handler: F)
where
    F: FnOnce(&Request, &mut Ctx) -> Result<Response>,
{
    crate::serve(req, out, &crate::EVERY_METHOD, |req, ctx| {
        require_admin(req)?;
        if !allowed.contains(req.method()) {
            return Err(ApiError::method_not_allowed(allowed));
        }
        handler(req, ctx)
    })
}

/// The pure part of [`require_admin`]: `configured` is the operator token (empty: none
/// configured), `authorization` the request's `Authorization` header.
///
/// - no token configured → 404 `Not found`;
/// - no header, another scheme, an empty or a wrong token → 401;
/// - the right token → `Ok`.
///
/// Both tokens are hashed and the digests compared in constant time, so the time taken
/// reveals neither the token nor its length.
pub fn check_admin(configured: &str, authorization: Option<&str>) -> Result<()> {
    if configured.is_empty() {
        return Err(ApiError::NotFound("Not found".to_owned()));
    }
    let presented = authorization.and_then(bearer_token).unwrap_or_default();
    if !presented.is_empty() && tokens_match(configured, presented) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(
            "Missing or invalid admin token".to_owned(),
        ))
    }
}

/// The token of a `Bearer <token>` header value (scheme in any case).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn tokens_match(expected: &str, presented: &str) -> bool {
    let expected = Sha256::digest(expected.as_bytes());
    let presented = Sha256::digest(presented.as_bytes());
    expected.as_slice().ct_eq(presented.as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cr3t-operator-token";

    fn status(result: Result<()>) -> u16 {
        match result {
            Ok(()) => 200,
            Err(e) => e.status(),
        }
    }

    #[test]
    fn without_a_configured_token_the_routes_do_not_exist() {
        for header in [None, Some("Bearer "), Some("Bearer anything")] {
            assert_eq!(status(check_admin("", header)), 404, "{header:?}");
        }
    }

    #[test]
    fn only_the_right_bearer_token_passes() {
        let right = format!("Bearer {TOKEN}");
        let cases = [
            (Some(right.as_str()), 200, "right token"),
            (
                Some("bearer s3cr3t-operator-token"),
                200,
                "scheme in any case",
            ),
            (
                Some("  Bearer   s3cr3t-operator-token  "),
                200,
                "extra spaces",
            ),
            (None, 401, "no header"),
            (Some(""), 401, "empty header"),
            (Some("Bearer"), 401, "no token"),
            (Some("Bearer "), 401, "empty token"),
            (
                Some("Bearer s3cr3t-operator-toke"),
                401,
                "prefix of the token",
            ),
            (
                Some("Bearer s3cr3t-operator-token2"),
                401,
                "token plus a character",
            ),
            (Some("Basic s3cr3t-operator-token"), 401, "another scheme"),
            (Some("s3cr3t-operator-token"), 401, "no scheme"),
        ];
        for (header, expected, description) in cases {
            assert_eq!(
                status(check_admin(TOKEN, header)),
                expected,
                "{description}"
            );
        }
    }

    #[test]
    fn a_refusal_asks_for_a_bearer_token_and_never_echoes_it() {
        let error = check_admin(TOKEN, Some("Bearer wrong-guess")).unwrap_err();
        let response = error.to_response("t");
        assert_eq!(*response.status(), 401);
        assert_eq!(
            response.header("www-authenticate").and_then(|v| v.as_str()),
            Some("Bearer")
        );
        let body = String::from_utf8_lossy(response.body()).into_owned();
        assert!(
            !body.contains(TOKEN) && !body.contains("wrong-guess"),
            "{body}"
        );
        assert!(!format!("{error:?}").contains(TOKEN));
    }

    #[test]
    fn the_comparison_is_exact() {
        assert!(tokens_match(TOKEN, TOKEN));
        assert!(!tokens_match(TOKEN, &TOKEN.to_uppercase()));
        assert!(!tokens_match("a", "b"));
    }
}
