//! Spin's HTTP routing and the `spin-*` request headers.
//!
//! Matching uses `routefinder`, the matcher Spin itself uses, so precedence is identical: exact
//! segments beat `:name` segments, which beat the `/...` wildcard, and among wildcards the
//! longest prefix wins. Duplicate routes: the last one declared wins, as in Spin.

use std::fmt;
use std::net::SocketAddr;

use anyhow::{Context, anyhow, bail};
use routefinder::Segment;

use crate::manifest::RouteConfig;

/// The application's routing table.
pub struct Router {
    matcher: routefinder::Router<usize>,
    handlers: Vec<RouteHandler>,
}

#[derive(Debug, Clone)]
struct RouteHandler {
    component_id: String,
    based_route: String,
    raw_route: String,
    display: ParsedRoute,
}

#[derive(Debug, Clone)]
enum ParsedRoute {
    Exact(String),
    TrailingWildcard(String),
}

impl fmt::Display for ParsedRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParsedRoute::Exact(path) => write!(f, "{path}"),
            ParsedRoute::TrailingWildcard(prefix) => write!(f, "{prefix} (wildcard)"),
        }
    }
}

/// A route that another trigger with the same pattern replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRoute {
    /// The route pattern.
    pub route: String,
    /// The component that will never be reached on it.
    pub replaced_id: String,
    /// The component that serves it.
    pub effective_id: String,
}

/// The result of routing one path.
#[derive(Debug, Clone)]
pub struct RouteMatch {
    /// The component that serves the request.
    pub component_id: String,
    /// The route including the base (always `/` on Spin 4).
    pub based_route: String,
    /// The route as written in the manifest.
    pub raw_route: String,
    /// `:name` captures, in route order.
    pub named_wildcards: Vec<(String, String)>,
    /// The part of the path matched by a trailing `/...`.
    pub trailing_wildcard: String,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.handlers
                    .iter()
                    .map(|h| (&h.raw_route, &h.component_id)),
            )
            .finish()
    }
}

impl Router {
    /// Builds the table from `(component id, route)` pairs; private routes are skipped.
    pub fn build<'a>(
        routes: impl IntoIterator<Item = (&'a str, &'a RouteConfig)>,
    ) -> anyhow::Result<(Router, Vec<DuplicateRoute>)> {
        let mut handlers: Vec<RouteHandler> = Vec::new();
        let mut duplicates = Vec::new();
        for (component_id, route) in routes {
            let RouteConfig::Route(raw_route) = route else {
                continue;
            };
            let based_route = sanitize_with_base("/", raw_route);
            let display = match based_route.strip_suffix("/...") {
                Some(prefix) => ParsedRoute::TrailingWildcard(prefix.to_owned()),
                None => ParsedRoute::Exact(based_route.clone()),
            };
            let handler = RouteHandler {
                component_id: component_id.to_owned(),
                based_route,
                raw_route: raw_route.clone(),
                display,
            };
            match handlers.iter_mut().find(|h| h.raw_route == *raw_route) {
                Some(existing) => {
                    duplicates.push(DuplicateRoute {
                        route: if existing.based_route.is_empty() {
                            "/".to_owned()
                        } else {
                            existing.based_route.clone()
                        },
                        replaced_id: existing.component_id.clone(),
                        effective_id: handler.component_id.clone(),
                    });
                    *existing = handler;
                }
                None => handlers.push(handler),
            }
        }

        let mut matcher = routefinder::Router::new();
        for (index, handler) in handlers.iter().enumerate() {
            let spec = route_spec(&handler.based_route).with_context(|| {
                format!(
                    "Error parsing route {} associated with component {}",
                    handler.based_route, handler.component_id
                )
            })?;
            matcher.add(spec, index).map_err(|e| anyhow!("{e}"))?;
        }
        Ok((Router { matcher, handlers }, duplicates))
    }

    /// Routes a request path (without query string); `None` means 404.
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let best = self.matcher.best_match(path)?;
        let handler = self.handlers.get(*best.handler())?;
        let captures = best.captures();
        let trailing_wildcard = captures
            .wildcard()
            .map(|s| match (s.is_empty(), path.ends_with('/')) {
                (true, false) => s.to_owned(),
                (true, true) => "/".to_owned(),
                (false, false) => format!("/{s}"),
                (false, true) => format!("/{s}/"),
            })
            .unwrap_or_default();
        let named_wildcards = captures
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Some(RouteMatch {
            component_id: handler.component_id.clone(),
            based_route: handler.based_route.clone(),
            raw_route: handler.raw_route.clone(),
            named_wildcards,
            trailing_wildcard,
        })
    }

    /// `(printable route, component id)` in manifest order, for the start-up banner.
    pub fn routes(&self) -> impl Iterator<Item = (String, &str)> {
        self.handlers
            .iter()
            .map(|h| (h.display.to_string(), h.component_id.as_str()))
    }
}

fn route_spec(based_route: &str) -> anyhow::Result<routefinder::RouteSpec> {
    let pattern = match based_route.strip_suffix("/...") {
        Some(prefix) => format!("{prefix}/*"),
        None => based_route.to_owned(),
    };
    let spec: routefinder::RouteSpec = pattern.parse().map_err(|e: String| anyhow!(e))?;
    // routefinder panics at match time on a `*` that is not the last segment.
    let segments = spec.segments();
    if let Some(pos) = segments.iter().position(|s| matches!(s, Segment::Wildcard))
        && pos + 1 != segments.len()
    {
        bail!("a wildcard may only end a route");
    }
    Ok(spec)
}

fn sanitize_with_base(base: &str, path: &str) -> String {
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    format!("{}{}", strip_one_slash(base), strip_one_slash(&path))
}

fn strip_one_slash(s: &str) -> &str {
    s.strip_suffix('/').unwrap_or(s)
}

impl RouteMatch {
    /// The matched route without a trailing `/...`.
    pub fn raw_route_or_prefix(&self) -> &str {
        self.raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route)
    }

    /// The headers Spin adds to every request, in Spin's order and spelling.
    ///
    /// `full_url` is `scheme://host` followed by the path and query as received.
    pub fn spin_headers(&self, full_url: String, client_addr: SocketAddr) -> Vec<(String, String)> {
        let mut headers = vec![
            ("spin-path-info".to_owned(), self.trailing_wildcard.clone()),
            ("spin-full-url".to_owned(), full_url),
            ("spin-matched-route".to_owned(), self.based_route.clone()),
            ("spin-base-path".to_owned(), "/".to_owned()),
            (
                "spin-raw-component-route".to_owned(),
                self.raw_route.clone(),
            ),
            (
                "spin-component-route".to_owned(),
                self.raw_route_or_prefix().to_owned(),
            ),
            ("spin-client-addr".to_owned(), client_addr.to_string()),
        ];
        for (name, value) in &self.named_wildcards {
            headers.push((
                format!(
                    "spin-path-match-{}",
                    name.to_ascii_lowercase().replace('_', "-")
                ),
                value.clone(),
            ));
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        let configs: Vec<(&str, RouteConfig)> = routes
            .iter()
            .map(|(c, r)| (*c, RouteConfig::Route((*r).to_owned())))
            .collect();
        Router::build(configs.iter().map(|(c, r)| (*c, r)))
            .expect("valid routes")
            .0
    }

    fn component(r: &Router, path: &str) -> Option<String> {
        r.route(path).map(|m| m.component_id)
    }

    #[test]
    fn the_most_specific_route_wins_whatever_the_order() {
        let r = router(&[
            ("all", "/..."),
            ("one", "/one/..."),
            ("onetwo", "/one/two/..."),
            ("exact", "/one/two"),
            ("param", "/one/:x"),
        ]);
        let cases = [
            ("/one/two", "exact"),
            ("/one/three", "param"),
            ("/one/two/three", "onetwo"),
            ("/one/three/four", "one"),
            ("/zzz", "all"),
            ("/", "all"),
        ];
        for (path, expected) in cases {
            assert_eq!(
                component(&r, path).as_deref(),
                Some(expected),
                "path {path}"
            );
        }
    }

    #[test]
    fn nothing_matches_without_a_catch_all() {
        let r = router(&[("foo", "/foo")]);
        assert_eq!(component(&r, "/bar"), None);
        assert_eq!(component(&r, "/foo"), Some("foo".to_owned()));
    }

    #[test]
    fn trailing_wildcards_keep_spins_trailing_slash_rules() {
        let r = router(&[("comp", "/test/...")]);
        let cases = [
            ("/test", ""),
            ("/test/", "/"),
            ("/test/hello", "/hello"),
            ("/test/hello/", "/hello/"),
        ];
        for (path, expected) in cases {
            let m = r.route(path).expect("matches");
            assert_eq!(m.trailing_wildcard, expected, "path {path}");
        }
    }

    #[test]
    fn headers_follow_spins_names_and_values() {
        let r = router(&[("users", "/foo/:userid/...")]);
        let m = r.route("/foo/42/bar").expect("matches");
        let addr: SocketAddr = "127.0.0.1:8777".parse().expect("addr");
        let headers = m.spin_headers("http://h/foo/42/bar?a=b".into(), addr);
        let get = |k: &str| {
            headers
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("spin-full-url"), Some("http://h/foo/42/bar?a=b"));
        assert_eq!(get("spin-path-info"), Some("/bar"));
        assert_eq!(get("spin-matched-route"), Some("/foo/:userid/..."));
        assert_eq!(get("spin-base-path"), Some("/"));
        assert_eq!(get("spin-raw-component-route"), Some("/foo/:userid/..."));
        assert_eq!(get("spin-component-route"), Some("/foo/:userid"));
        assert_eq!(get("spin-client-addr"), Some("127.0.0.1:8777"));
        assert_eq!(get("spin-path-match-userid"), Some("42"));
    }

    #[test]
    fn duplicate_routes_report_and_the_last_wins() {
        let configs = [
            ("first", RouteConfig::Route("/foo".into())),
            ("second", RouteConfig::Route("/foo".into())),
        ];
        let (r, dups) = Router::build(configs.iter().map(|(c, r)| (*c, r))).expect("builds");
        assert_eq!(component(&r, "/foo").as_deref(), Some("second"));
        assert_eq!(dups[0].replaced_id, "first");
    }

    #[test]
    fn wildcard_routes_print_as_spin_prints_them() {
        let r = router(&[("nf", "/..."), ("h", "/health")]);
        let printed: Vec<_> = r
            .routes()
            .map(|(route, c)| format!("{c}: {route}"))
            .collect();
        assert_eq!(printed, ["nf:  (wildcard)", "h: /health"]);
    }
}
