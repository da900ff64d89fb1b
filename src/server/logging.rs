//! One line per request on stderr: method, path (query values redacted), status, bytes sent,
//! milliseconds. Written when the response body is finished (or dropped), so streamed bodies are
//! counted in full. Headers (so the Authorization token) and bodies are never logged.
//!
//! A request its client gave up on still gets its line, marked `abandoned`: before the answer
//! (`GET /x abandoned 0B 1200ms`), or during it (`GET /x 200 abandoned 512B 900ms`).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

/// `path?a=1&b=2` → `path?a=…&b=…`, and a key without a value is `…` too (values, or a bare
/// `?SOMETHING`, can carry ids, tokens or anything else a user typed).
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
                    None if pair.is_empty() => String::new(),
                    None => "…".to_string(),
                })
                .collect();
            format!("{}?{}", printable(path), keys.join("&"))
        }
    }
}

/// Prints the line once, when dropped: when the response body is done or abandoned, or, with
/// no status yet, when the client gave up before the answer.
struct LogLine {
    method: Method,
    target: String,
    status: Option<StatusCode>,
    bytes: u64,
    /// The response body was sent to its end.
    complete: bool,
    started: Instant,
}

impl LogLine {
    fn text(&self) -> String {
        let status = match self.status {
            None => "abandoned".to_string(),
            Some(status) if self.complete => status.as_u16().to_string(),
            Some(status) => format!("{} abandoned", status.as_u16()),
        };
        format!(
            "bindery: {} {} {status} {}B {}ms",
            self.method,
            self.target,
            self.bytes,
            self.started.elapsed().as_millis()
        )
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        eprintln!("{}", self.text());
    }
}

/// A response body that counts the bytes going out and logs the line when it is dropped.
/// Keeps the inner body's size hint, so a known length is still sent as `Content-Length`.
struct CountedBody {
    inner: Body,
    line: LogLine,
    /// The body's length when it is known (from the body, or its `Content-Length`): once that
    /// many bytes are out it is complete, though a streamed file's body only says it has ended
    /// when polled again, which the connection does not do after the last byte of a known
    /// length.
    length: Option<u64>,
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
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.line.bytes += data.len() as u64;
                }
                // A body of known length is not polled again after its last byte.
                this.line.complete =
                    this.inner.is_end_stream() || this.length == Some(this.line.bytes);
            }
            Poll::Ready(None) => this.line.complete = true,
            _ => {}
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

/// The length of a response body when it is known: its own exact size, or (a file's body does
/// not know it) the response's `Content-Length`.
fn known_length(body: &Body, headers: &axum::http::HeaderMap) -> Option<u64> {
    http_body::Body::size_hint(body).exact().or_else(|| {
        headers
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse().ok())
    })
}

/// Middleware: logs every request, also one its client abandons before the answer (the line
/// is then written when this future is dropped).
pub async fn log_request(request: Request, next: Next) -> Response {
    let mut line = LogLine {
        method: request.method().clone(),
        target: redacted_target(request.uri().path(), request.uri().query()),
        status: None,
        bytes: 0,
        complete: false,
        started: Instant::now(),
    };
    let response = next.run(request).await;
    line.status = Some(response.status());
    let (parts, inner) = response.into_parts();
    line.complete = http_body::Body::is_end_stream(&inner);
    let length = known_length(&inner, &parts.headers);
    Response::from_parts(
        parts,
        Body::new(CountedBody {
            inner,
            line,
            length,
        }),
    )
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
            "/client/v4/accounts?page=…&per_page=…&…"
        );
        assert_eq!(redacted_target("/a", Some("token=secret")), "/a?token=…");
    }

    #[test]
    fn a_bare_query_key_is_redacted_too() {
        assert_eq!(redacted_target("/a", Some("hunter2-token")), "/a?…");
        assert_eq!(redacted_target("/a", Some("a=1&&SECRET")), "/a?a=…&&…");
        assert_eq!(redacted_target("/a", Some("")), "/a?");
    }

    fn line(status: Option<u16>, complete: bool) -> String {
        let line = LogLine {
            method: Method::GET,
            target: "/x".into(),
            status: status.map(|s| StatusCode::from_u16(s).unwrap()),
            bytes: 12,
            complete,
            started: Instant::now(),
        };
        let text = line.text();
        // Only formatted here, not printed.
        std::mem::forget(line);
        text
    }

    /// A body of known length that, like a streamed file's, says it has ended only when polled
    /// after its last frame.
    struct File(Option<Bytes>);

    impl http_body::Body for File {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            Poll::Ready(self.0.take().map(|bytes| Ok(Frame::data(bytes))))
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::with_exact(12)
        }
    }

    fn counted(file: File) -> CountedBody {
        let mut line = LogLine {
            method: Method::GET,
            target: "/x".into(),
            status: Some(StatusCode::OK),
            bytes: 0,
            complete: false,
            started: Instant::now(),
        };
        line.complete = http_body::Body::is_end_stream(&file);
        let length = http_body::Body::size_hint(&file).exact();
        CountedBody {
            inner: Body::new(file),
            line,
            length,
        }
    }

    fn poll_once(body: &mut CountedBody) {
        let waker = std::task::Waker::noop();
        let _ = http_body::Body::poll_frame(Pin::new(body), &mut Context::from_waker(waker));
    }

    #[test]
    fn a_body_of_known_length_sent_to_its_last_byte_is_complete_without_another_poll() {
        let mut body = counted(File(Some(Bytes::from_static(b"0123456789ab"))));
        poll_once(&mut body);
        assert!(body.line.complete, "{}", body.line.text());
        assert!(body.line.text().starts_with("bindery: GET /x 200 12B "));
    }

    #[test]
    fn a_body_of_known_length_stopped_short_is_abandoned() {
        let mut body = counted(File(Some(Bytes::from_static(b"01234"))));
        poll_once(&mut body);
        assert!(!body.line.complete);
        assert!(body
            .line
            .text()
            .starts_with("bindery: GET /x 200 abandoned 5B "));
    }

    #[test]
    fn a_files_length_is_its_content_length_when_its_body_does_not_know_it() {
        let streamed =
            || Body::from_stream(futures_util::stream::empty::<Result<Bytes, std::io::Error>>());
        let mut headers = axum::http::HeaderMap::new();
        assert_eq!(known_length(&streamed(), &headers), None);
        headers.insert(axum::http::header::CONTENT_LENGTH, "1431".parse().unwrap());
        assert_eq!(known_length(&streamed(), &headers), Some(1431));
        assert_eq!(known_length(&Body::from("abc"), &headers), Some(3));
    }

    #[test]
    fn an_abandoned_request_is_said_so() {
        assert!(line(Some(200), true).starts_with("bindery: GET /x 200 12B "));
        assert!(line(Some(200), false).starts_with("bindery: GET /x 200 abandoned 12B "));
        assert!(line(None, false).starts_with("bindery: GET /x abandoned 12B "));
        assert!(line(None, false).ends_with("ms"));
    }
}
