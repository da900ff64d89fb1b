//! `Host` must name the address the server listens on: a page on `evil.com` whose DNS was
//! re-pointed to 127.0.0.1 (DNS rebinding) sends `Host: evil.com:PORT` and is refused.

use std::net::{IpAddr, SocketAddr};

use axum::http::StatusCode;

use crate::server::envelope::Refusal;

/// The `Host` values accepted for one listening address.
#[derive(Clone, Debug)]
pub struct AllowedHosts {
    addr: SocketAddr,
}

impl AllowedHosts {
    pub fn for_addr(addr: SocketAddr) -> Self {
        AllowedHosts { addr }
    }

    /// Is `host` (a `Host` header value, or an origin's host[:port]) this server?
    ///
    /// - loopback bind: `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`;
    /// - specific other address: exactly that `IP:PORT`;
    /// - unspecified bind (`0.0.0.0`, `::`, only with --allow-remote): any IP literal with PORT,
    ///   plus the loopback names; never a DNS name other than `localhost`, so rebinding fails.
    pub fn accepts(&self, host: &str) -> bool {
        let Some((name, port)) = split_host_port(host) else {
            return false;
        };
        let port = port.unwrap_or(80);
        if port != self.addr.port() {
            return false;
        }
        let bind_ip = self.addr.ip();
        let loopback_ok = bind_ip.is_loopback() || bind_ip.is_unspecified();
        if name.eq_ignore_ascii_case("localhost") {
            return loopback_ok;
        }
        let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        else {
            return false;
        };
        if name.contains(':') && !(name.starts_with('[') && name.ends_with(']')) {
            return false; // an IPv6 literal must be bracketed in a Host header
        }
        if bind_ip.is_unspecified() {
            return true;
        }
        ip == bind_ip || (bind_ip.is_loopback() && ip.is_loopback() && is_canonical_loopback(ip))
    }

    /// Checks a request's `Host` header.
    pub fn check(&self, host: Option<&str>) -> Result<(), Refusal> {
        match host {
            Some(value) if self.accepts(value) => Ok(()),
            Some(value) => Err(Refusal::new(
                StatusCode::FORBIDDEN,
                format!(
                    "Host {value:?} is not this server ({}); open the app at http://{}/",
                    self.addr, self.addr
                ),
            )),
            None => Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "the request has no Host header",
            )),
        }
    }
}

/// Only the two usual spellings, not the whole 127/8 block.
fn is_canonical_loopback(ip: IpAddr) -> bool {
    ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
}

/// `name[:port]` → (name, port). `None` when the port is not a number or characters are odd.
fn split_host_port(host: &str) -> Option<(&str, Option<u16>)> {
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    {
        return None;
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']')?;
        let after = &rest[end + 1..];
        let name = &host[..end + 2];
        match after {
            "" => (name, None),
            _ => (name, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    Some((name, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(addr: &str) -> AllowedHosts {
        AllowedHosts::for_addr(addr.parse().unwrap())
    }

    #[test]
    fn loopback_bind_accepts_the_three_loopback_spellings() {
        let h = hosts("127.0.0.1:8787");
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "LOCALHOST:8787",
            "[::1]:8787",
        ] {
            assert!(h.accepts(ok), "{ok}");
        }
        for bad in [
            "evil.com:8787",
            "127.0.0.1.evil.com:8787",
            "localhost.evil.com:8787",
            "127.0.0.1:8788",
            "127.0.0.1",
            "127.0.0.2:8787",
            "::1:8787",
            "127.0.0.1:8787@evil.com",
            "",
            "127.0.0.1:8787 ",
        ] {
            assert!(!h.accepts(bad), "{bad}");
        }
        assert!(h.check(None).is_err());
        assert_eq!(
            h.check(Some("evil.com:8787")).unwrap_err().status,
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn port_80_may_be_left_out() {
        let h = hosts("127.0.0.1:80");
        assert!(h.accepts("localhost"));
        assert!(h.accepts("127.0.0.1:80"));
    }

    #[test]
    fn specific_remote_bind_accepts_only_itself() {
        let h = hosts("192.168.1.5:8787");
        assert!(h.accepts("192.168.1.5:8787"));
        assert!(!h.accepts("localhost:8787"));
        assert!(!h.accepts("router.local:8787"));
    }

    #[test]
    fn unspecified_bind_accepts_ip_literals_but_no_dns_names() {
        let h = hosts("0.0.0.0:8787");
        assert!(h.accepts("192.168.1.5:8787"));
        assert!(h.accepts("localhost:8787"));
        assert!(!h.accepts("evil.com:8787"));
        assert!(!h.accepts("192.168.1.5:9999"));
    }
}
