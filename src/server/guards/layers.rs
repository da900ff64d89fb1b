//! The request-wide guards as one axum middleware: request target, then `Host`, then `Origin`.
//! The cleaned path is left in the request extensions for the proxy handler.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, Version};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::host::AllowedHosts;
use super::origin::check_origin;
use super::target::check_target;
use crate::server::envelope::Refusal;

/// The decoded segments of a request path that passed [`check_target`].
#[derive(Clone, Debug)]
pub struct CleanPath(pub Vec<String>);

/// Middleware: refuses requests failing any request-wide guard, in the envelope shape.
pub async fn guard_request(
    State(hosts): State<Arc<AllowedHosts>>,
    mut request: Request,
    next: Next,
) -> Response {
    match check_request(&hosts, &request) {
        Ok(segments) => {
            request.extensions_mut().insert(CleanPath(segments));
            next.run(request).await
        }
        Err(refusal) => refusal.into_response(),
    }
}

fn check_request(hosts: &AllowedHosts, request: &Request) -> Result<Vec<String>, Refusal> {
    let segments = check_target(request.uri(), request.version())?;
    // A header the guards read must be there once: with two `Host` or two `Origin` headers,
    // the guard and whatever comes after it could each read a different one.
    let text = |name: header::HeaderName| {
        let mut values = request.headers().get_all(&name).iter();
        let first = values.next();
        if values.next().is_some() {
            return Some(Err(Refusal::new(
                axum::http::StatusCode::BAD_REQUEST,
                format!("the request has more than one {name} header"),
            )));
        }
        first.map(|v| {
            v.to_str().map_err(|_| {
                Refusal::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    format!("{name} is not ASCII text"),
                )
            })
        })
    };
    // HTTP/2 names the host in the `:authority` pseudo-header, HTTP/1 in `Host`.
    let authority = request.uri().authority().map(|a| a.as_str());
    let host = match authority {
        Some(authority) if request.version() >= Version::HTTP_2 => Some(authority),
        _ => text(header::HOST).transpose()?,
    };
    hosts.check(host)?;
    let origin = text(header::ORIGIN).transpose()?;
    check_origin(origin, hosts)?;
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(version: Version, uri: &str, host: Option<&str>) -> Request {
        let mut builder = axum::http::Request::builder().version(version).uri(uri);
        if let Some(host) = host {
            builder = builder.header(header::HOST, host);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn host_comes_from_the_header_or_the_http2_authority() {
        let hosts = AllowedHosts::for_addr("127.0.0.1:8787".parse().unwrap());
        let ok = request(
            Version::HTTP_11,
            "/client/v4/accounts",
            Some("127.0.0.1:8787"),
        );
        assert_eq!(
            check_request(&hosts, &ok).unwrap(),
            ["client", "v4", "accounts"]
        );
        let foreign = request(
            Version::HTTP_11,
            "/client/v4/accounts",
            Some("evil.com:8787"),
        );
        assert_eq!(
            check_request(&hosts, &foreign).unwrap_err().status.as_u16(),
            403
        );
        let h2 = request(
            Version::HTTP_2,
            "http://localhost:8787/client/v4/accounts",
            None,
        );
        assert!(check_request(&hosts, &h2).is_ok());
        let h2_rebound = request(
            Version::HTTP_2,
            "http://evil.com:8787/client/v4/accounts",
            Some("127.0.0.1:8787"),
        );
        assert_eq!(
            check_request(&hosts, &h2_rebound)
                .unwrap_err()
                .status
                .as_u16(),
            403
        );
        let h1_absolute = request(
            Version::HTTP_11,
            "http://127.0.0.1:8787/client/v4/accounts",
            Some("127.0.0.1:8787"),
        );
        assert_eq!(
            check_request(&hosts, &h1_absolute)
                .unwrap_err()
                .status
                .as_u16(),
            400
        );
    }
}
