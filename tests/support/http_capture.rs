//! A tiny HTTP server for tests: listens on 127.0.0.1, records every request (method, path,
//! query, headers, raw body) and answers with a Cloudflare-style JSON envelope.
//!
//! It runs on its own thread with its own Tokio runtime, so it works the same from plain
//! `#[test]` functions (e.g. ones that spawn `bash`/`curl`) and from async tests:
//!
//! ```ignore
//! let server = CaptureServer::start();
//! // … send requests to server.base_url() …
//! let request = server.take_requests().pop().unwrap();
//! let parts = request.parts().unwrap();
//! ```
//!
//! [`CaptureServer::start_with`] answers each request with a function of it instead (a small
//! fake API: see `wrangler_capture.rs`).

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// One request as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedRequest {
    pub method: String,
    /// The path exactly as sent, still percent-encoded.
    pub path: String,
    /// The query string without `?`, if the URL had one.
    pub query: Option<String>,
    /// Header names in lower case, values as text, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl CapturedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path with every `%XX` decoded.
    pub fn decoded_path(&self) -> String {
        percent_decode(&self.path)
    }

    /// The body parsed as `multipart/form-data` using the request's `Content-Type`.
    pub fn parts(&self) -> Result<Vec<ReceivedPart>, String> {
        let content_type = self
            .header("content-type")
            .ok_or("the request has no Content-Type")?;
        parse_multipart(content_type, &self.body)
    }
}

/// One part of a received `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedPart {
    pub name: String,
    pub filename: Option<String>,
    /// The part's `Content-Type` header as sent, if any.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl ReceivedPart {
    /// The bytes as UTF-8 text, if they are.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// The bytes parsed as JSON.
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.bytes)
            .map_err(|e| format!("part `{}` is not JSON: {e}", self.name))
    }
}

/// The default answer: a successful v4 envelope.
pub fn success_envelope() -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": {} })
}

/// Chooses the answer to a request: `Some((status, body))`, or `None` for the fixed answer
/// ([`CaptureServer::respond_with`]).
pub type Responder = dyn Fn(&CapturedRequest) -> Option<(u16, Value)> + Send + Sync;

struct Shared {
    requests: Mutex<Vec<CapturedRequest>>,
    response: Mutex<(u16, Value)>,
    responder: Option<Box<Responder>>,
}

/// A running capture server; it stops when dropped.
pub struct CaptureServer {
    base_url: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl CaptureServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> CaptureServer {
        CaptureServer::start_inner(None)
    }

    /// Starts a server that answers each request with `responder` (falling back to the fixed
    /// answer where it returns `None`).
    pub fn start_with(
        responder: impl Fn(&CapturedRequest) -> Option<(u16, Value)> + Send + Sync + 'static,
    ) -> CaptureServer {
        CaptureServer::start_inner(Some(Box::new(responder)))
    }

    fn start_inner(responder: Option<Box<Responder>>) -> CaptureServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            response: Mutex::new((200, success_envelope())),
            responder,
        });
        let (shutdown, stopped) = oneshot::channel::<()>();
        let state = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("capture server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let app = axum::Router::new()
                    .fallback(move |request: Request<Body>| record(Arc::clone(&state), request));
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("capture server");
            });
        });
        CaptureServer {
            base_url,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Every request received so far, clearing the record (to reuse one server across cases).
    pub fn take_requests(&self) -> Vec<CapturedRequest> {
        std::mem::take(&mut *self.shared.requests.lock().unwrap())
    }

    /// Changes the answer given to the following requests.
    pub fn respond_with(&self, status: u16, body: Value) {
        *self.shared.response.lock().unwrap() = (status, body);
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn record(shared: Arc<Shared>, request: Request<Body>) -> Response {
    let (head, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes.to_vec(),
        Err(error) => {
            return (StatusCode::BAD_REQUEST, format!("unreadable body: {error}")).into_response()
        }
    };
    let headers = head
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let request = CapturedRequest {
        method: head.method.to_string(),
        path: head.uri.path().to_string(),
        query: head.uri.query().map(str::to_string),
        headers,
        body,
    };
    let answer = shared
        .responder
        .as_ref()
        .and_then(|answer| answer(&request));
    shared.requests.lock().unwrap().push(request);
    let (status, body) = answer.unwrap_or_else(|| shared.response.lock().unwrap().clone());
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Parses a `multipart/form-data` body. Names and filenames are read the way the Fetch
/// standard's parser reads them: up to the closing `"`, then `%22`, `%0D`, `%0A` decoded.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<ReceivedPart>, String> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("Content-Type `{content_type}`: {e}"))?;
    let chunk = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(std::future::ready(Ok::<_, Infallible>(chunk)));
    let mut multipart = multer::Multipart::new(stream, boundary);
    run_in_memory(async move {
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
            let disposition = field
                .headers()
                .get(header::CONTENT_DISPOSITION)
                .ok_or("a part has no Content-Disposition")?;
            let disposition = std::str::from_utf8(disposition.as_bytes())
                .map_err(|_| "a Content-Disposition is not UTF-8".to_string())?;
            let (name, filename) = parse_content_disposition(disposition)?;
            let content_type = field
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let bytes = field.bytes().await.map_err(|e| e.to_string())?.to_vec();
            parts.push(ReceivedPart {
                name,
                filename,
                content_type,
                bytes,
            });
        }
        Ok(parts)
    })
}

/// `form-data; name="…"; filename="…"` → (name, filename).
pub fn parse_content_disposition(value: &str) -> Result<(String, Option<String>), String> {
    let rest = value
        .strip_prefix("form-data")
        .ok_or_else(|| format!("Content-Disposition `{value}` is not form-data"))?;
    let mut rest = rest;
    let (mut name, mut filename) = (None, None);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        rest = rest
            .strip_prefix(';')
            .ok_or_else(|| format!("Content-Disposition `{value}`: expected `;`"))?
            .trim_start();
        let equals = rest
            .find('=')
            .ok_or_else(|| format!("Content-Disposition `{value}`: parameter without `=`"))?;
        let key = rest[..equals].trim().to_ascii_lowercase();
        rest = rest[equals + 1..].trim_start();
        let raw = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| format!("Content-Disposition `{value}`: unclosed quote"))?;
            rest = &quoted[end + 1..];
            &quoted[..end]
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let word = rest[..end].trim_end();
            rest = &rest[end..];
            word
        };
        match key.as_str() {
            "name" => name = Some(decode_form_escapes(raw)),
            "filename" => filename = Some(decode_form_escapes(raw)),
            _ => {}
        }
    }
    let name = name.ok_or_else(|| format!("Content-Disposition `{value}` has no name"))?;
    Ok((name, filename))
}

/// Undoes the browser escaping of form-data names: `%22` → `"`, `%0D` → CR, `%0A` → LF.
pub fn decode_form_escapes(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(index) = rest.find('%') {
        out.push_str(&rest[..index]);
        let escape = rest.get(index..index + 3);
        let decoded = match escape {
            Some("%22") => Some('"'),
            Some("%0D") => Some('\r'),
            Some("%0A") => Some('\n'),
            _ => None,
        };
        match decoded {
            Some(ch) => {
                out.push(ch);
                rest = &rest[index + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[index + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes every `%XX` of a URL path (invalid UTF-8 is replaced).
pub fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = value
            .get(index + 1..index + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Drives a future whose input is already in memory: it never waits, so it completes without
/// an executor (and works inside or outside a Tokio runtime).
fn run_in_memory<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("parsing an in-memory multipart body unexpectedly waited"),
    }
}
