//! `allowed_outbound_hosts`: parsing and matching with Spin's rules.
//!
//! Hosts match literally (`localhost` is not `127.0.0.1`); an IP address or CIDR entry matches
//! addresses inside it; `*.example.com` matches subdomains; a missing port means the scheme's
//! well-known port.

use std::net::IpAddr;
use std::ops::Range;

use anyhow::{Context, bail, ensure};

/// A component's parsed allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    hosts: Vec<AllowedHost>,
}

#[derive(Debug, Clone)]
struct AllowedHost {
    scheme: SchemeRule,
    host: HostRule,
    port: PortRule,
}

#[derive(Debug, Clone)]
enum SchemeRule {
    Any,
    Exact(String),
}

#[derive(Debug, Clone)]
enum HostRule {
    Any,
    AnySubdomain(String),
    ToSelf,
    Exact(String),
    Cidr(IpAddr, u8),
}

#[derive(Debug, Clone)]
enum PortRule {
    Any,
    Port(u16),
    Range(Range<u16>),
}

/// The destination of an outbound connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundUrl {
    /// Scheme, e.g. `postgres` or `https`.
    pub scheme: String,
    /// Host as written (lower-cased), without brackets for IPv6.
    pub host: String,
    /// Explicit port, if any.
    pub port: Option<u16>,
}

impl AllowedHosts {
    /// Parses already-rendered entries (templates must be resolved first).
    pub fn parse(entries: &[String]) -> anyhow::Result<AllowedHosts> {
        if matches!(entries, [only] if only == "insecure:allow-all") {
            bail!(
                "'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'"
            );
        }
        let hosts = entries
            .iter()
            .map(|e| {
                AllowedHost::parse(e).with_context(|| format!("allowed_outbound_hosts entry {e:?}"))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(AllowedHosts { hosts })
    }

    /// Whether a connection to `url` is allowed.
    pub fn allows(&self, url: &OutboundUrl) -> bool {
        self.hosts.iter().any(|h| h.allows(url))
    }

    /// Whether a request without authority (to the app itself) is allowed for any of `schemes`.
    pub fn allows_relative(&self, schemes: &[&str]) -> bool {
        self.hosts.iter().any(|h| {
            schemes.iter().any(|s| h.scheme.allows(s))
                && matches!(h.host, HostRule::Any | HostRule::ToSelf)
        })
    }

    /// Parses `url` (prefixing `default_scheme://` when it has no scheme) and checks it.
    pub fn check_url(&self, url: &str, default_scheme: &str) -> anyhow::Result<bool> {
        Ok(self.allows(&OutboundUrl::parse(url, default_scheme)?))
    }
}

/// Prints Spin's guidance for a refused destination.
pub fn report_disallowed(component: &str, scheme: &str, authority: &str) {
    let pattern = format!("{scheme}://{authority}");
    tracing::error!(
        component,
        "Outbound network destination not allowed: {pattern}"
    );
    if scheme.starts_with("http") && authority == "self" {
        eprintln!(
            "A component tried to make an HTTP request to its own app but it does not have permission."
        );
    } else {
        eprintln!(
            "A component tried to make an outbound network connection to disallowed destination '{pattern}'."
        );
    }
    eprintln!(
        "To allow this request, add 'allowed_outbound_hosts = [\"{pattern}\"]' to the manifest component section."
    );
}

impl AllowedHost {
    fn parse(original: &str) -> anyhow::Result<AllowedHost> {
        let url = original.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            match url {
                "*" | ":" | "" | "?" => bail!(
                    "{url:?} is not an allowed outbound host format. Hosts must be in the form <scheme>://<host>[:<port>], with '*' wildcards allowed for each."
                ),
                _ => bail!("{url:?} does not contain a scheme (e.g., 'http://' or '*://')"),
            }
        };
        let (host, rest) = rest.rsplit_once(':').unwrap_or((rest, ""));
        let port = match rest.split_once('/') {
            Some((port, path)) => {
                ensure!(path.is_empty(), "{url:?} has a path but is not allowed to");
                port
            }
            None => rest,
        };
        Ok(AllowedHost {
            scheme: SchemeRule::parse(scheme)?,
            host: HostRule::parse(host)?,
            port: PortRule::parse(port, scheme)?,
        })
    }

    fn allows(&self, url: &OutboundUrl) -> bool {
        self.scheme.allows(&url.scheme)
            && self.host.allows(&url.host)
            && self.port.allows(url.port, &url.scheme)
    }
}

impl SchemeRule {
    fn parse(scheme: &str) -> anyhow::Result<SchemeRule> {
        if scheme == "*" {
            return Ok(SchemeRule::Any);
        }
        ensure!(
            !scheme.starts_with('{'),
            "scheme lists are not yet supported"
        );
        ensure!(
            scheme.chars().all(char::is_alphabetic),
            "scheme {scheme:?} contains non alphabetic character"
        );
        Ok(SchemeRule::Exact(scheme.to_owned()))
    }

    fn allows(&self, scheme: &str) -> bool {
        match self {
            SchemeRule::Any => true,
            SchemeRule::Exact(s) => s == scheme,
        }
    }
}

impl HostRule {
    fn parse(host: &str) -> anyhow::Result<HostRule> {
        let host = host.trim();
        if host == "*" {
            return Ok(HostRule::Any);
        }
        if host == "self" || host == "self.alt" {
            return Ok(HostRule::ToSelf);
        }
        ensure!(!host.starts_with('{'), "host lists are not yet supported");
        if let Some((ip, bits)) = parse_cidr(host) {
            return Ok(HostRule::Cidr(ip, bits));
        }
        if matches!(host.split('/').nth(1), Some(path) if !path.is_empty()) {
            bail!("hosts must not contain paths");
        }
        if let Some(domain) = host.strip_prefix("*.") {
            ensure!(
                !domain.contains('*'),
                "Invalid allowed host {host}: wildcards are allowed only as prefixes"
            );
            ensure!(
                domain != "spin.internal",
                "service chaining (*.spin.internal) is not supported by the development host"
            );
            return Ok(HostRule::AnySubdomain(format!(".{domain}")));
        }
        ensure!(
            !host.contains('*'),
            "Invalid allowed host {host}: wildcards are allowed only as subdomains"
        );
        ensure!(
            !host.ends_with(".spin.internal"),
            "service chaining ({host}) is not supported by the development host"
        );
        Ok(HostRule::Exact(host.trim_end_matches('/').to_owned()))
    }

    fn allows(&self, host: &str) -> bool {
        match self {
            HostRule::Any => true,
            HostRule::AnySubdomain(suffix) => host.ends_with(suffix.as_str()),
            HostRule::Exact(h) => h == host,
            HostRule::ToSelf => false,
            HostRule::Cidr(net, bits) => host
                .parse::<IpAddr>()
                .is_ok_and(|ip| cidr_contains(*net, *bits, ip)),
        }
    }
}

impl PortRule {
    fn parse(port: &str, scheme: &str) -> anyhow::Result<PortRule> {
        if port.is_empty() {
            return well_known_port(scheme).map(PortRule::Port).with_context(|| {
                format!(
                    "no port was provided and the scheme {scheme:?} does not have a known default port number"
                )
            });
        }
        if port == "*" {
            return Ok(PortRule::Any);
        }
        ensure!(!port.starts_with('{'), "port lists are not yet supported");
        if let Some((start, end)) = port.split_once("..") {
            let start = start
                .parse()
                .with_context(|| format!("port range {port:?} contains non-number"))?;
            let end = end
                .parse()
                .with_context(|| format!("port range {port:?} contains non-number"))?;
            return Ok(PortRule::Range(start..end));
        }
        Ok(PortRule::Port(port.parse().with_context(|| {
            format!("port {port:?} is not a number")
        })?))
    }

    fn allows(&self, port: Option<u16>, scheme: &str) -> bool {
        let Some(port) = port.or_else(|| well_known_port(scheme)) else {
            return matches!(self, PortRule::Any);
        };
        match self {
            PortRule::Any => true,
            PortRule::Port(p) => *p == port,
            PortRule::Range(r) => r.contains(&port),
        }
    }
}

fn well_known_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or IPv6 CIDR.
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = match text.split_once('/') {
        Some((addr, bits)) => (addr, Some(bits.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some((ip, bits))
}

fn cidr_contains(net: IpAddr, bits: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

impl OutboundUrl {
    /// Parses `url`, prefixing `default_scheme://` when it names no scheme.
    pub fn parse(url: &str, default_scheme: &str) -> anyhow::Result<OutboundUrl> {
        let (scheme, rest) = match url.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => (default_scheme.to_owned(), url),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .with_context(|| format!("{url:?} has an unterminated IPv6 address"))?;
            (host, after.strip_prefix(':'))
        } else {
            match host_port.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            }
        };
        ensure!(!host.is_empty(), "{url:?} does not have a host component");
        let port = match port {
            None | Some("") => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .with_context(|| format!("{url:?} has an invalid port"))?,
            ),
        };
        Ok(OutboundUrl {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// `host[:port]`, as Spin prints it in refusals.
    pub fn authority(&self) -> String {
        match self.port {
            Some(port) if self.host.contains(':') => format!("[{}]:{port}", self.host),
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("valid allow-list")
    }

    #[test]
    fn hosts_match_literally_and_ports_default_to_the_schemes() {
        let allowed = hosts(&["postgres://127.0.0.1:5432", "https://api.example.com"]);
        let cases = [
            ("postgres://127.0.0.1:5432", true, "exact host and port"),
            ("127.0.0.1:5432", true, "no scheme uses the default"),
            ("localhost:5432", false, "localhost is not 127.0.0.1"),
            ("127.0.0.1:5433", false, "other port"),
            ("127.0.0.1", true, "postgres default port is 5432"),
            ("https://api.example.com/v1/x", true, "path is ignored"),
            ("https://api.example.com:443", true, "explicit default port"),
            ("http://api.example.com", false, "other scheme"),
            ("https://evil.example.com", false, "other host"),
        ];
        for (url, expected, why) in cases {
            assert_eq!(
                allowed.check_url(url, "postgres").expect("parses"),
                expected,
                "{why}: {url}"
            );
        }
    }

    #[test]
    fn wildcards_and_cidrs_follow_spins_rules() {
        let allowed = hosts(&["https://*.example.com", "*://10.0.0.0/8:*", "http://*:8080"]);
        assert!(
            allowed
                .check_url("https://a.example.com", "https")
                .unwrap_or(false)
        );
        assert!(
            !allowed
                .check_url("https://example.com", "https")
                .unwrap_or(true)
        );
        assert!(
            allowed
                .check_url("postgres://10.1.2.3:5432", "postgres")
                .unwrap_or(false)
        );
        assert!(
            !allowed
                .check_url("postgres://11.1.2.3:5432", "postgres")
                .unwrap_or(true)
        );
        assert!(
            allowed
                .check_url("http://anything:8080", "http")
                .unwrap_or(false)
        );
        assert!(
            !allowed
                .check_url("http://anything:8081", "http")
                .unwrap_or(true)
        );
    }

    #[test]
    fn malformed_entries_are_rejected() {
        for bad in [
            "example.com",
            "*",
            "https://*.a.*.com",
            "insecure:allow-all",
            "https://a.com/path",
            "tcp://host",
        ] {
            let parsed = AllowedHosts::parse(&[bad.to_owned()]);
            assert!(parsed.is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn relative_requests_need_self_or_any_host() {
        assert!(hosts(&["http://self"]).allows_relative(&["http", "https"]));
        assert!(!hosts(&["http://example.com"]).allows_relative(&["http", "https"]));
    }
}
