//! One line per request on stderr: method, path (query values redacted), status, bytes sent,
//! milliseconds. Written when the response body is finished (or dropped), so streamed bodies are
//! counted in full. Headers (so the Authorization token) and bodies are never logged.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

/// `path?a=1&b=2` → `path?a=…&b=…` (values can carry ids or anything else a user typed).
pub fn redacted_target(path: &str, query: Option<&str>) -> String {
    let printable = |text: &str| {
        text.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect::<String>()
    };
    match query {
        None => printable(path),
        Some(query) => {
            let keys: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) => format!("{}=…", printable(key)),
                    None => printable(pair),
                })
                .collect();
            format!("{}?{}", printable(path), keys.join("&"))
        }
    }
}

/// Prints the line once, when dropped (the response body is then done or abandoned).
struct LogLine {
    method: Method,
    target: String,
    status: StatusCode,
    bytes: u64,
    started: Instant,
}

impl Drop for LogLine {
    fn drop(&mut self) {
        eprintln!(
            "bindery: {} {} {} {}B {}ms",
            self.method,
            self.target,
            self.status.as_u16(),
            self.bytes,
            self.started.elapsed().as_millis()
        );
    }
}

/// A response body that counts the bytes going out and logs the line when it is dropped.
/// Keeps the inner body's size hint, so a known length is still sent as `Content-Length`.
struct CountedBody {
    inner: Body,
    line: LogLine,
}

impl http_body::Body for CountedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                this.line.bytes += data.len() as u64;
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: logs every request.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = redacted_target(request.uri().path(), request.uri().query());
    let response = next.run(request).await;
    let line = LogLine {
        method,
        target,
        status: response.status(),
        bytes: 0,
        started,
    };
    let (parts, inner) = response.into_parts();
    Response::from_parts(parts, Body::new(CountedBody { inner, line }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_redacted() {
        assert_eq!(
            redacted_target("/client/v4/accounts", None),
            "/client/v4/accounts"
        );
        assert_eq!(
            redacted_target("/client/v4/accounts", Some("page=2&per_page=50&flag")),
            "/client/v4/accounts?page=…&per_page=…&flag"
        );
        assert_eq!(redacted_target("/a", Some("token=secret")), "/a?token=…");
    }
}
