//! Security suite: every request the proxy must refuse, sent raw over TCP so nothing normalises
//! it first. Each refusal is checked for its status and Cloudflare-shaped envelope, and the
//! recording upstream must never have seen any of them.

mod proxy_common;

use std::net::SocketAddr;

use proxy_common::*;

struct Case {
    what: &'static str,
    /// Request line and headers; `{host}` is replaced by the proxy's address.
    head: &'static str,
    status: u16,
    /// Envelope code and message fragment; `None` when the HTTP parser itself refuses the request
    /// before the proxy sees it (it then answers a bare 400).
    envelope: Option<(u64, &'static str)>,
}

const fn case(
    what: &'static str,
    head: &'static str,
    status: u16,
    code: u64,
    needle: &'static str,
) -> Case {
    Case {
        what,
        head,
        status,
        envelope: Some((code, needle)),
    }
}

const CASES: &[Case] = &[
    // Request targets.
    case("dot-dot traversal", "GET /client/v4/../../etc/passwd HTTP/1.1\r\nHost: {host}", 400, 90400, "dot segments"),
    case("single dot", "GET /client/v4/./accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "dot segments"),
    case("encoded dot-dot", "GET /client/v4/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: {host}", 400, 90400, "dot segments"),
    case("encoded dot-dot-slash", "GET /client/v4/%2e%2e%2fetc%2fpasswd HTTP/1.1\r\nHost: {host}", 400, 90400, "encoded slashes"),
    case("upper-case encoded", "GET /client/v4/%2E%2E%2F%2E%2E%2Fetc HTTP/1.1\r\nHost: {host}", 400, 90400, "encoded slashes"),
    case("double-encoded dot-dot", "GET /client/v4/%252e%252e%252fetc HTTP/1.1\r\nHost: {host}", 400, 90400, "double percent-encoding"),
    case("encoded slash", "GET /client/v4/accounts%2f..%2fzones HTTP/1.1\r\nHost: {host}", 400, 90400, "encoded slashes"),
    case("protocol-relative", "GET //evil.com/ HTTP/1.1\r\nHost: {host}", 400, 90400, "empty path segments"),
    case("empty segment in API path", "GET /client/v4//evil.com/accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "empty path segments"),
    case("absolute URL", "GET http://evil.com/client/v4/accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "absolute-URL"),
    case("absolute URL to itself", "GET http://{host}/client/v4/accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "absolute-URL"),
    case("userinfo trick", "GET http://{host}@evil.com/client/v4/accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "absolute-URL"),
    case("encoded backslash", "GET /client/v4/%5c%5cevil.com/accounts HTTP/1.1\r\nHost: {host}", 400, 90400, "backslashes"),
    case("encoded CRLF injection", "GET /client/v4/accounts%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: {host}", 400, 90400, "control characters"),
    case("encoded NUL", "GET /client/v4/accounts%00 HTTP/1.1\r\nHost: {host}", 400, 90400, "control characters"),
    case("CRLF in the query", "GET /client/v4/accounts?page=1%0d%0aX:%201 HTTP/1.1\r\nHost: {host}", 400, 90400, "control characters"),
    case("malformed escape", "GET /client/v4/accounts%zz HTTP/1.1\r\nHost: {host}", 400, 90400, "malformed percent-encoding"),
    case("colon in a segment", "GET /client/v4/accounts/evil.com:80/queues HTTP/1.1\r\nHost: {host}", 400, 90400, "':'"),
    // Host (DNS rebinding) and Origin.
    case("foreign Host", "GET /client/v4/accounts HTTP/1.1\r\nHost: evil.com", 403, 90403, "is not this server"),
    case("foreign Host with our port", "GET /client/v4/accounts HTTP/1.1\r\nHost: evil.com:{port}", 403, 90403, "is not this server"),
    case("rebinding-style Host", "GET /client/v4/accounts HTTP/1.1\r\nHost: 127.0.0.1.evil.com:{port}", 403, 90403, "is not this server"),
    case("Host with another port", "GET /client/v4/accounts HTTP/1.1\r\nHost: 127.0.0.1:1", 403, 90403, "is not this server"),
    case("Host with userinfo", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}@evil.com", 403, 90403, "is not this server"),
    case("rebinding also guards the app", "GET / HTTP/1.1\r\nHost: evil.com:{port}", 403, 90403, "is not this server"),
    case("no Host at all", "GET /client/v4/accounts HTTP/1.0", 400, 90400, "no Host header"),
    case("foreign Origin", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.com", 403, 90403, "Origin"),
    case("null Origin", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: null", 403, 90403, "Origin"),
    case("https Origin of the same host", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: https://{host}", 403, 90403, "Origin"),
    case("look-alike Origin", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: http://127.0.0.1.evil.com:{port}", 403, 90403, "Origin"),
    case("a second Host after ours", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nHost: evil.com", 400, 90400, "more than one host header"),
    case("a second Host before ours", "GET /client/v4/accounts HTTP/1.1\r\nHost: evil.com\r\nHost: {host}", 400, 90400, "more than one host header"),
    case("the same Host twice", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nHost: {host}", 400, 90400, "more than one host header"),
    case("a second Origin after ours", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nOrigin: http://evil.com", 400, 90400, "more than one origin header"),
    case("a second Origin before ours", "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.com\r\nOrigin: http://{host}", 400, 90400, "more than one origin header"),
    // Outside the allow-list.
    case("DNS records", "GET /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records HTTP/1.1\r\nHost: {host}", 403, 90403, "outside the API areas"),
    case("token creation", "POST /client/v4/user/tokens HTTP/1.1\r\nHost: {host}\r\nContent-Length: 2\r\n\r\n{}", 403, 90403, "outside the API areas"),
    case("account members", "GET /client/v4/accounts/abc/members HTTP/1.1\r\nHost: {host}", 403, 90403, "outside the API areas"),
    case("KV values", "GET /client/v4/accounts/abc/storage/kv/namespaces/ns/values/k HTTP/1.1\r\nHost: {host}", 403, 90403, "outside the API areas"),
    case("at-sign host trick", "GET /client/v4/@evil.com HTTP/1.1\r\nHost: {host}", 403, 90403, "outside the API areas"),
    case("the bare prefix", "GET /client/v4 HTTP/1.1\r\nHost: {host}", 403, 90403, "outside the API areas"),
    // Methods.
    case("OPTIONS", "OPTIONS /client/v4/accounts HTTP/1.1\r\nHost: {host}", 405, 90405, "not forwarded"),
    case("TRACE", "TRACE /client/v4/accounts HTTP/1.1\r\nHost: {host}", 405, 90405, "not forwarded"),
    Case { what: "CONNECT tunnel", head: "CONNECT evil.com:443 HTTP/1.1\r\nHost: evil.com:443", status: 400, envelope: None },
    Case { what: "raw backslash", head: "GET /client/v4/accounts\\..\\..\\x HTTP/1.1\r\nHost: {host}", status: 400, envelope: None },
    Case { what: "raw CRLF in the target", head: "GET /client/v4/accounts\r\nSet-Cookie: x HTTP/1.1\r\nHost: {host}", status: 400, envelope: None },
];

async fn send(proxy: SocketAddr, head: &str) -> (u16, String) {
    let head = head
        .replace("{host}", &proxy.to_string())
        .replace("{port}", &proxy.port().to_string());
    // Some cases carry their own body after a blank line.
    let (head, body) = match head.split_once("\r\n\r\n") {
        Some((h, b)) => (h.to_string(), b.as_bytes().to_vec()),
        None => (head, Vec::new()),
    };
    raw_request(proxy, &head, &body).await
}

#[tokio::test]
async fn every_trick_is_refused_before_reaching_the_upstream() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    for case in CASES {
        let (status, body) = send(proxy, case.head).await;
        assert_eq!(status, case.status, "{}: {body}", case.what);
        match case.envelope {
            Some((code, needle)) => {
                assert_envelope_error(&body, code, needle);
                assert!(body.contains("bindery proxy: "), "{}: {body}", case.what);
            }
            None => assert!(!body.contains("\"success\":true"), "{}", case.what),
        }
    }
    assert!(
        log.lock().unwrap().is_empty(),
        "refused requests reached the upstream: {:?}",
        log.lock().unwrap()
    );
}

#[tokio::test]
async fn the_same_requests_done_right_are_forwarded() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    for head in [
        "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}",
        "GET /client/v4/accounts HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}",
        "GET /client/v4/accounts HTTP/1.1\r\nHost: [::1]:{port}",
        "GET /client/v4/accounts HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}",
        "GET /client/v4/user/tokens/verify HTTP/1.1\r\nHost: {host}",
        // An e-mail typed as account id stays a path segment on the upstream's host.
        "GET /client/v4/accounts/me@example.com/workers/scripts HTTP/1.1\r\nHost: {host}",
    ] {
        let (status, body) = send(proxy, head).await;
        assert_eq!(status, 201, "{head}: {body}");
    }
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 6);
    assert_eq!(
        log[5].path_and_query,
        "/client/v4/accounts/me@example.com/workers/scripts"
    );
    assert!(log
        .iter()
        .all(|r| r.header("host") == Some(upstream.to_string().as_str())));
    assert!(log.iter().all(|r| r.header("origin").is_none()));
    // Bodiless GETs stay bodiless: no chunked encoding towards the API.
    assert!(log
        .iter()
        .all(|r| r.header("transfer-encoding").is_none() && r.header("content-length").is_none()));
}

#[tokio::test]
async fn redirects_from_the_upstream_are_not_followed() {
    // An upstream answering every request with a redirect to a second server.
    let (elsewhere, elsewhere_log) = recording_upstream().await;
    let target = format!("http://{elsewhere}/client/v4/accounts");
    let redirecting = serve(axum::Router::new().fallback(move || {
        let target = target.clone();
        async move {
            (
                axum::http::StatusCode::FOUND,
                [(axum::http::header::LOCATION, target)],
                "moved",
            )
        }
    }))
    .await;
    let proxy = start_server(base_of(redirecting), |_| {}).await;
    let response = client()
        .get(format!("http://{proxy}/client/v4/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert!(
        response.headers().get("location").is_none(),
        "the browser must not follow it either"
    );
    assert_eq!(response.text().await.unwrap(), "moved");
    assert!(elsewhere_log.lock().unwrap().is_empty());
}
