//! Which headers cross the proxy. Requests: only what the API needs, never cookies. Responses:
//! everything but connection-level headers, cookies and redirect targets.

use axum::http::header::{self, HeaderMap, HeaderName};

/// Request headers forwarded to the upstream.
const FORWARDED: &[HeaderName] = &[
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::ACCEPT,
];

/// Sent by clients that list R2 buckets of a jurisdiction (`eu`, `fedramp`).
pub const R2_JURISDICTION: &str = "cf-r2-jurisdiction";

/// Response headers never passed back: hop-by-hop ones, cookies, and `Location` (the proxy
/// follows no redirect and does not let the browser follow one to another host either).
const DROPPED_FROM_RESPONSES: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
    "set-cookie2",
    "location",
];

/// The request headers to send upstream; `cf-r2-jurisdiction` only for the R2 bucket list.
pub fn forwarded_request_headers(incoming: &HeaderMap, r2_buckets: bool) -> HeaderMap {
    let mut out = HeaderMap::new();
    let jurisdiction = HeaderName::from_static(R2_JURISDICTION);
    let extra = r2_buckets.then_some(&jurisdiction);
    for name in FORWARDED.iter().chain(extra) {
        for value in incoming.get_all(name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// The upstream response headers to pass back to the client.
pub fn returned_response_headers(upstream: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in upstream {
        if !DROPPED_FROM_RESPONSES.contains(&name.as_str()) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_api_headers_are_forwarded() {
        let mut incoming = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t"),
            ("content-type", "multipart/form-data; boundary=x"),
            ("content-length", "12"),
            ("accept", "application/json"),
            ("cookie", "session=1"),
            ("x-auth-key", "global"),
            ("x-forwarded-for", "1.2.3.4"),
            ("host", "127.0.0.1:8787"),
            ("origin", "http://127.0.0.1:8787"),
            ("cf-r2-jurisdiction", "eu"),
            ("cf-worker-main-module-part", "index.js"),
        ] {
            incoming.append(name, HeaderValue::from_static(value));
        }
        let out = forwarded_request_headers(&incoming, false);
        let mut names: Vec<&str> = out.keys().map(|n| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["accept", "authorization", "content-length", "content-type"]
        );
        assert_eq!(out["authorization"], "Bearer t");
        let r2 = forwarded_request_headers(&incoming, true);
        assert_eq!(r2[R2_JURISDICTION], "eu");
        assert!(r2.get("cookie").is_none());
    }

    #[test]
    fn responses_lose_cookies_and_hop_by_hop_headers() {
        let mut upstream = HeaderMap::new();
        for (name, value) in [
            ("content-type", "application/json"),
            ("cf-ray", "abc"),
            ("set-cookie", "__cf_bm=1"),
            ("connection", "close"),
            ("transfer-encoding", "chunked"),
            ("location", "https://evil.com/"),
        ] {
            upstream.append(name, HeaderValue::from_static(value));
        }
        let out = returned_response_headers(&upstream);
        let mut names: Vec<&str> = out.keys().map(|n| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["cf-ray", "content-type"]);
    }
}
