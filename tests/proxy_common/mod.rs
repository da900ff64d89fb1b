//! Helpers for the proxy and sandbox tests: start the whole server on 127.0.0.1:0, a recording
//! upstream, raw HTTP requests (for request targets no URL library would send), multipart bodies.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use bindery::server::{ServerConfig, Upstream};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use bindery::encode::multipart::Part;

/// Serves `router` on a fresh loopback port.
pub async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// Starts the whole server (as `bindery serve` builds it) on a fresh loopback port.
pub async fn start_server(upstream: Upstream, tweak: impl FnOnce(&mut ServerConfig)) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ServerConfig::new(addr, upstream);
    config.dist = std::path::PathBuf::from("no-such-dist-folder");
    tweak(&mut config);
    tokio::spawn(bindery::server::serve_on(
        listener,
        config,
        std::future::pending(),
    ));
    addr
}

/// An HTTP client for tests: no proxy from the environment, no redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A request as the recording upstream saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    /// Lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The body the recording upstream answers with: every byte value, many times over.
pub fn upstream_reply_body() -> Vec<u8> {
    (0..=255u8).cycle().take(256 * 40).collect()
}

/// A local upstream under `/client/v4`:
/// - `…/scripts/slow`: answers after 3 s;
/// - `…/scripts/echo`: streams the request body back (same Content-Type);
/// - anything else: records the request and answers 201 with [`upstream_reply_body`] and a few
///   headers (one of them a cookie the proxy must drop).
pub async fn recording_upstream() -> (SocketAddr, Arc<Mutex<Vec<Recorded>>>) {
    let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let seen = log.clone();
    let router = Router::new().fallback(move |request: Request| {
        let seen = seen.clone();
        async move {
            let path = request.uri().path().to_string();
            if path.ends_with("/scripts/slow") {
                tokio::time::sleep(Duration::from_secs(3)).await;
                return Response::new(Body::from("late"));
            }
            if path.ends_with("/scripts/echo") {
                let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
                let mut response = Response::new(request.into_body());
                if let Some(value) = content_type {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                return response;
            }
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            seen.lock().unwrap().push(Recorded {
                method: parts.method.to_string(),
                path_and_query: parts.uri.path_and_query().unwrap().to_string(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
                    .collect(),
                body: body.to_vec(),
            });
            let mut response = Response::new(Body::from(upstream_reply_body()));
            *response.status_mut() = StatusCode::CREATED;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            headers.insert("cf-ray", HeaderValue::from_static("8f00000000000000-AMS"));
            headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
            headers.insert(
                header::SET_COOKIE,
                HeaderValue::from_static("__cf_bm=tracking; HttpOnly"),
            );
            response
        }
    });
    (serve(router).await, log)
}

/// The upstream base URL of a local server.
pub fn base_of(addr: SocketAddr) -> Upstream {
    Upstream::Custom(reqwest::Url::parse(&format!("http://{addr}/client/v4")).unwrap())
}

/// Sends `head` (request line and headers, without the final blank line) plus `body` over a
/// raw TCP connection; returns the status and the response body.
pub async fn raw_request(addr: SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{head}\r\nConnection: close\r\n\r\n").into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Asserts `body` is a failure envelope with `code` whose message contains `needle`.
pub fn assert_envelope_error(body: &str, code: u64, needle: &str) {
    let value: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    assert_eq!(value["success"], false, "{body}");
    assert_eq!(value["errors"][0]["code"], code, "{body}");
    let message = value["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    assert_eq!(value["messages"], serde_json::json!([]), "{body}");
    assert!(value["result"].is_null(), "{body}");
}

/// A multipart body and its Content-Type.
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----BinderyTestBoundary0123456789";
    (
        bindery::encode::multipart::content_type_header(boundary),
        bindery::encode::multipart::encode(parts, boundary),
    )
}

/// A JSON part without filename (`metadata`, `settings`).
pub fn json_part(name: &str, value: &Value) -> Part {
    Part {
        name: name.to_string(),
        filename: None,
        content_type: Some("application/json".to_string()),
        body: value.to_string().into_bytes(),
    }
}

/// A module part with filename = name.
pub fn module(name: &str, content_type: &str, text: &str) -> Part {
    Part {
        name: name.to_string(),
        filename: Some(name.to_string()),
        content_type: Some(content_type.to_string()),
        body: text.as_bytes().to_vec(),
    }
}

pub const ESM: &str = "application/javascript+module";
pub const TOKEN: &str = "Bearer sandbox-test-token";

/// The response body as JSON (reqwest is built without its `json` feature).
pub async fn json_of(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&bytes)))
}

/// The sandbox's account id.
pub use bindery::server::sandbox::ACCOUNT_ID;

/// `/accounts/{ACCOUNT_ID}{rest}`.
pub fn acct(rest: &str) -> String {
    format!("/accounts/{ACCOUNT_ID}{rest}")
}

/// The whole server with the sandbox upstream, and a handle on the sandbox to look inside.
pub struct Api {
    pub addr: SocketAddr,
    pub sandbox: bindery::server::sandbox::Sandbox,
}

impl Api {
    pub async fn start() -> Api {
        let sandbox = bindery::server::sandbox::Sandbox::in_memory();
        let addr = start_server(Upstream::Sandbox(sandbox.clone()), |_| {}).await;
        Api { addr, sandbox }
    }

    /// Sends a request to `/client/v4{path}` with the test token; returns status and JSON body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = client()
            .request(method, format!("http://{}/client/v4{path}", self.addr))
            .header("authorization", TOKEN)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, json_of(response).await)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, None, Vec::new()).await
    }

    pub async fn post_json(&self, path: &str, value: Value) -> (u16, Value) {
        self.send(
            "POST",
            path,
            Some("application/json"),
            value.to_string().into_bytes(),
        )
        .await
    }

    /// A multipart request (PUT upload, POST version, PATCH settings, PUT content).
    pub async fn multipart(&self, method: &str, path: &str, parts: &[Part]) -> (u16, Value) {
        let (content_type, body) = multipart(parts);
        self.send(method, path, Some(&content_type), body).await
    }

    /// Creates a resource and returns its `result`, asserting success.
    pub async fn create(&self, rest: &str, value: Value) -> Value {
        let (status, body) = self.post_json(&acct(rest), value).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["success"], true, "{body}");
        body["result"].clone()
    }

    /// Creates a KV namespace and returns its id.
    pub async fn create_kv(&self, title: &str) -> String {
        let result = self
            .create(
                "/storage/kv/namespaces",
                serde_json::json!({"title": title}),
            )
            .await;
        result["id"].as_str().unwrap().to_string()
    }
}

/// Asserts a sandbox answer is an error with `status`, `code` and a message containing `needle`.
pub fn assert_api_error(answer: &(u16, Value), status: u16, code: u64, needle: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

/// Asserts success and returns `result`.
pub fn assert_ok(answer: &(u16, Value)) -> Value {
    let (status, body) = answer;
    assert_eq!(*status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["errors"], serde_json::json!([]), "{body}");
    body["result"].clone()
}

/// The names of a binding array, in order.
pub fn binding_names(bindings: &Value) -> Vec<String> {
    bindings
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect()
}

/// A composition fixture of this repository, as method, API path and multipart parts.
pub fn fixture(name: &str) -> (String, String, Vec<Part>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("composition.json");
    let composition = bindery::cli::load_composition(&path).unwrap();
    (
        composition.request.method().to_string(),
        composition.request.path_and_query(),
        bindery::encode::multipart::parts(&composition),
    )
}

/// Replaces `from` by `to` inside the JSON part (e.g. a fixture's placeholder resource id).
pub fn with_json_replaced(mut parts: Vec<Part>, from: &str, to: &str) -> Vec<Part> {
    let text = String::from_utf8(parts[0].body.clone()).unwrap();
    assert!(text.contains(from), "{text} lacks {from}");
    parts[0].body = text.replace(from, to).into_bytes();
    parts
}
