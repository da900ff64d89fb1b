//! `Origin`, when a browser sends one, must be this server's own origin: another site's page
//! must not be able to drive the proxy with the user's token.

use axum::http::StatusCode;

use super::host::AllowedHosts;
use crate::server::envelope::Refusal;

/// Checks an `Origin` header value (absent is fine: same-origin GETs and curl send none).
pub fn check_origin(origin: Option<&str>, hosts: &AllowedHosts) -> Result<(), Refusal> {
    let Some(origin) = origin else { return Ok(()) };
    let own = origin
        .strip_prefix("http://")
        .filter(|host| !host.contains('/') && hosts.accepts(host));
    match own {
        Some(_) => Ok(()),
        None => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            format!(
                "Origin {origin:?} is not this server; only the app served here may call the proxy"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_own_origin_passes() {
        let hosts = AllowedHosts::for_addr("127.0.0.1:8787".parse().unwrap());
        assert!(check_origin(None, &hosts).is_ok());
        for ok in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://[::1]:8787",
        ] {
            assert!(check_origin(Some(ok), &hosts).is_ok(), "{ok}");
        }
        for bad in [
            "null",
            "http://evil.com",
            "http://evil.com:8787",
            "https://127.0.0.1:8787",
            "http://127.0.0.1:8787/",
            "http://127.0.0.1:8788",
            "http://127.0.0.1.evil.com:8787",
            "file://",
            "",
        ] {
            let refusal = check_origin(Some(bad), &hosts).unwrap_err();
            assert_eq!(refusal.status, StatusCode::FORBIDDEN, "{bad}");
        }
    }
}
