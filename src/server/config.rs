//! What a running server is fixed to at start-up: where it listens, where API requests go, limits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::listen::ConnectionLimits;
use super::sandbox::Sandbox;

/// Where requests under `/client/v4/` are forwarded. Chosen once, at start-up.
#[derive(Clone)]
pub enum Upstream {
    /// The real API, [`crate::model::CLOUDFLARE_API_BASE`].
    Cloudflare,
    /// The in-process emulation of the API.
    Sandbox(Sandbox),
    /// Any base URL the operator gave (tests, a staging proxy...). No trailing slash.
    Custom(reqwest::Url),
}

impl Upstream {
    /// `"cloudflare"`, `"sandbox"` or `"custom"`, as reported by `GET /bindery/info`.
    pub fn kind(&self) -> &'static str {
        match self {
            Upstream::Cloudflare => "cloudflare",
            Upstream::Sandbox(_) => "sandbox",
            Upstream::Custom(_) => "custom",
        }
    }

    /// The base URL API paths are appended to (for the sandbox: a description, nothing is dialled).
    pub fn base(&self) -> String {
        match self {
            Upstream::Cloudflare => crate::model::CLOUDFLARE_API_BASE.to_string(),
            Upstream::Sandbox(_) => "in-process sandbox".to_string(),
            Upstream::Custom(url) => url.as_str().trim_end_matches('/').to_string(),
        }
    }
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.kind(), self.base())
    }
}

/// Everything [`super::build_app`] needs.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address the server is reachable at (after binding: the real port, never 0).
    /// `Host` and `Origin` of requests are checked against it.
    pub addr: SocketAddr,
    pub upstream: Upstream,
    /// Folder holding the built app (`index.html`, wasm, js).
    pub dist: PathBuf,
    /// Largest request body forwarded, in bytes.
    pub max_body_bytes: u64,
    /// How long to wait for a TCP/TLS connection to the upstream.
    pub connect_timeout: Duration,
    /// How long to wait for the upstream's response head, counted from the last request-body
    /// activity (so slow uploads that keep moving never time out; bodies then stream freely).
    pub upstream_timeout: Duration,
    /// How long a client may take to send a request's headers; how many connections at once.
    pub connections: ConnectionLimits,
}

impl ServerConfig {
    /// Defaults for an address and upstream: `dist/`, 100 MiB bodies, 10 s connect, 300 s answer.
    pub fn new(addr: SocketAddr, upstream: Upstream) -> Self {
        ServerConfig {
            addr,
            upstream,
            dist: PathBuf::from("dist"),
            max_body_bytes: 100 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            upstream_timeout: Duration::from_secs(300),
            connections: ConnectionLimits::default(),
        }
    }
}
