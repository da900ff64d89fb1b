//! One line per request on stderr: method, path (query values redacted), status, bytes sent,
//! milliseconds. Written when the response body is finished (or dropped), so streamed bodies are
//! counted in full. Headers (so the Authorization token) and bodies are never logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;

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
    bytes: Arc<AtomicU64>,
    started: Instant,
}

impl Drop for LogLine {
    fn drop(&mut self) {
        eprintln!(
            "bindery: {} {} {} {}B {}ms",
            self.method,
            self.target,
            self.status.as_u16(),
            self.bytes.load(Ordering::Relaxed),
            self.started.elapsed().as_millis()
        );
    }
}

/// Middleware: logs every request.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = redacted_target(request.uri().path(), request.uri().query());
    let response = next.run(request).await;
    let bytes = Arc::new(AtomicU64::new(0));
    let line = LogLine {
        method,
        target,
        status: response.status(),
        bytes: bytes.clone(),
        started,
    };
    let (parts, body) = response.into_parts();
    let counted = body.into_data_stream().map(move |chunk| {
        let _keep_until_done = &line;
        if let Ok(data) = &chunk {
            bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        chunk
    });
    Response::from_parts(parts, Body::from_stream(counted))
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
