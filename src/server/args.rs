//! `bindery serve` options and their translation into a [`ServerConfig`].

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use super::config::{ServerConfig, Upstream};
use super::sandbox::Sandbox;

/// Options of `bindery serve`.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless --allow-remote).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: String,
    /// Where API requests go: `cloudflare`, `sandbox` (built-in emulation), or a base URL.
    #[arg(long, default_value = "cloudflare")]
    pub upstream: String,
    /// Folder holding the built app.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Allow listening on a non-loopback address (anyone who can reach it can use the proxy).
    #[arg(long)]
    pub allow_remote: bool,
    /// Largest request body forwarded, in MiB.
    #[arg(long, default_value_t = crate::cli::DEFAULT_MAX_BODY_MIB)]
    pub max_body_mib: u64,
    /// With `--upstream sandbox`: JSON file the sandbox loads at start and saves after each change.
    #[arg(long)]
    pub sandbox_state: Option<PathBuf>,
    /// With `--upstream sandbox`: answer 429 with Retry-After past N requests per token within
    /// SECONDS (N/SECONDS, e.g. 1200/300 as the real API); off by default.
    #[arg(long, value_name = "N/SECONDS")]
    pub sandbox_rate_limit: Option<String>,
}

impl ServeArgs {
    /// Checks the options and builds the configuration (loading the sandbox state if asked).
    pub fn to_config(&self) -> Result<ServerConfig, String> {
        let addr = parse_listen_addr(&self.addr)?;
        if !addr.ip().is_loopback() && !self.allow_remote {
            return Err(format!(
                "--addr {addr} is not a loopback address; add --allow-remote to listen there anyway"
            ));
        }
        if self.max_body_mib == 0 {
            return Err("--max-body-mib must be at least 1".to_string());
        }
        let upstream = parse_upstream(&self.upstream, self.sandbox_state.as_deref())?;
        if let Some(text) = &self.sandbox_rate_limit {
            let Upstream::Sandbox(sandbox) = &upstream else {
                return Err("--sandbox-rate-limit only applies with --upstream sandbox".to_string());
            };
            sandbox.set_rate_limit(text.parse()?);
        }
        let mut config = ServerConfig::new(addr, upstream);
        config.dist = self.dist.clone();
        config.max_body_bytes = self.max_body_mib.saturating_mul(1024 * 1024);
        Ok(config)
    }
}

/// `127.0.0.1:8787`, `[::1]:8787`, or `localhost:8787` (resolved to its loopback address).
pub fn parse_listen_addr(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let (host, _) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("--addr {text:?}: expected HOST:PORT, e.g. 127.0.0.1:8787"))?;
    if !host.eq_ignore_ascii_case("localhost") {
        return Err(format!(
            "--addr {text:?}: give an IP address and port, e.g. 127.0.0.1:8787"
        ));
    }
    text.to_socket_addrs()
        .map_err(|e| format!("--addr {text:?}: {e}"))?
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| format!("--addr {text:?}: localhost has no loopback address here"))
}

/// `cloudflare`, `sandbox`, or an `http(s)://` base URL without query, fragment or credentials.
pub fn parse_upstream(
    text: &str,
    sandbox_state: Option<&std::path::Path>,
) -> Result<Upstream, String> {
    if sandbox_state.is_some() && text != "sandbox" {
        return Err("--sandbox-state only applies with --upstream sandbox".to_string());
    }
    match text {
        "cloudflare" => Ok(Upstream::Cloudflare),
        "sandbox" => {
            let sandbox = match sandbox_state {
                Some(path) => Sandbox::open(path)?,
                None => Sandbox::in_memory(),
            };
            Ok(Upstream::Sandbox(sandbox))
        }
        _ => {
            let url = reqwest::Url::parse(text).map_err(|e| {
                format!("--upstream {text:?}: expected cloudflare, sandbox or a URL ({e})")
            })?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(format!(
                    "--upstream {text:?}: the URL must be http:// or https:// with a host"
                ));
            }
            if url.query().is_some() || url.fragment().is_some() {
                return Err(format!(
                    "--upstream {text:?}: the URL must not carry a query or fragment"
                ));
            }
            if !url.username().is_empty() || url.password().is_some() {
                return Err(format!(
                    "--upstream {text:?}: the URL must not carry credentials"
                ));
            }
            let trimmed = url.as_str().trim_end_matches('/').to_string();
            reqwest::Url::parse(&trimmed)
                .map(Upstream::Custom)
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(addr: &str, upstream: &str) -> ServeArgs {
        ServeArgs {
            addr: addr.to_string(),
            upstream: upstream.to_string(),
            dist: PathBuf::from("dist"),
            allow_remote: false,
            max_body_mib: 100,
            sandbox_state: None,
            sandbox_rate_limit: None,
        }
    }

    #[test]
    fn loopback_is_the_default_and_remote_needs_the_flag() {
        assert!(args("127.0.0.1:8787", "cloudflare").to_config().is_ok());
        assert!(args("[::1]:8787", "cloudflare").to_config().is_ok());
        assert!(args("localhost:8787", "cloudflare")
            .to_config()
            .unwrap()
            .addr
            .ip()
            .is_loopback());
        let error = args("0.0.0.0:8787", "cloudflare").to_config().unwrap_err();
        assert!(error.contains("--allow-remote"), "{error}");
        let mut remote = args("0.0.0.0:8787", "cloudflare");
        remote.allow_remote = true;
        assert!(remote.to_config().is_ok());
        assert!(args("evil.com:80", "cloudflare").to_config().is_err());
        assert!(args("127.0.0.1", "cloudflare").to_config().is_err());
    }

    #[test]
    fn upstreams_parse() {
        assert_eq!(
            parse_upstream("cloudflare", None).unwrap().kind(),
            "cloudflare"
        );
        assert_eq!(parse_upstream("sandbox", None).unwrap().kind(), "sandbox");
        let custom = parse_upstream("http://127.0.0.1:9000/client/v4/", None).unwrap();
        assert_eq!(custom.kind(), "custom");
        assert_eq!(custom.base(), "http://127.0.0.1:9000/client/v4");
        for bad in [
            "ftp://x",
            "nonsense",
            "http://u:p@x/",
            "http://x/?a=1",
            "http://x/#f",
        ] {
            assert!(parse_upstream(bad, None).is_err(), "{bad}");
        }
        assert!(parse_upstream("cloudflare", Some(std::path::Path::new("s.json"))).is_err());
    }

    #[test]
    fn the_rate_limit_is_for_the_sandbox_only() {
        let mut a = args("127.0.0.1:0", "sandbox");
        a.sandbox_rate_limit = Some("1200/300".into());
        assert!(a.to_config().is_ok());
        a.sandbox_rate_limit = Some("1200".into());
        assert!(a.to_config().unwrap_err().contains("N/SECONDS"));
        let mut b = args("127.0.0.1:0", "cloudflare");
        b.sandbox_rate_limit = Some("10/1".into());
        assert!(b.to_config().unwrap_err().contains("only applies"));
    }

    #[test]
    fn body_cap_is_in_mib() {
        let mut a = args("127.0.0.1:0", "cloudflare");
        a.max_body_mib = 3;
        assert_eq!(a.to_config().unwrap().max_body_bytes, 3 * 1024 * 1024);
        a.max_body_mib = 0;
        assert!(a.to_config().is_err());
    }
}
