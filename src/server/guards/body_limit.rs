//! The request body cap: refused up front when `Content-Length` says too much, and enforced
//! while streaming when no length was declared (chunked bodies).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::server::envelope::Refusal;

/// The 413 answer for a body over `cap` bytes.
pub fn too_large(cap: u64) -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than the {} limit (bindery serve --max-body-mib)",
            human_size(cap)
        ),
    )
}

fn human_size(bytes: u64) -> String {
    if bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses a declared `Content-Length` over the cap (or one that is not a number).
pub fn check_declared_length(headers: &HeaderMap, cap: u64) -> Result<(), Refusal> {
    let Some(value) = headers.get(header::CONTENT_LENGTH) else {
        return Ok(());
    };
    let length = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| Refusal::new(StatusCode::BAD_REQUEST, "Content-Length is not a number"))?;
    if length > cap {
        return Err(too_large(cap));
    }
    Ok(())
}

/// What the proxy learns from a request body while it streams: whether it went over the cap
/// (so a failed forward can be answered 413), and when bytes last went by (the upstream's
/// answer time-out counts from there, so a slow but moving upload never times out).
#[derive(Clone, Debug)]
pub struct BodyWatch(Arc<Watched>);

#[derive(Debug)]
struct Watched {
    overflowed: AtomicBool,
    started: Instant,
    /// Milliseconds after `started`.
    last_activity: AtomicU64,
}

impl BodyWatch {
    fn new() -> Self {
        BodyWatch(Arc::new(Watched {
            overflowed: AtomicBool::new(false),
            started: Instant::now(),
            last_activity: AtomicU64::new(0),
        }))
    }

    pub fn overflowed(&self) -> bool {
        self.0.overflowed.load(Ordering::Relaxed)
    }

    /// When the body last yielded data (or the request started, if it never did).
    pub fn last_activity(&self) -> Instant {
        self.0.started + Duration::from_millis(self.0.last_activity.load(Ordering::Relaxed))
    }

    fn touch(&self) {
        let elapsed = self.0.started.elapsed().as_millis() as u64;
        self.0.last_activity.fetch_max(elapsed, Ordering::Relaxed);
    }
}

/// Passes `body` through, failing with an error once more than `cap` bytes went by.
pub fn capped<S, E>(
    body: S,
    cap: u64,
) -> (impl Stream<Item = Result<Bytes, std::io::Error>>, BodyWatch)
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let watch = BodyWatch::new();
    let watcher = watch.clone();
    let seen = AtomicU64::new(0);
    let stream = body.map(move |chunk| {
        let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()))?;
        watcher.touch();
        let total = seen.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
        if total > cap {
            watcher.0.overflowed.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("request body over the limit"));
        }
        Ok(chunk)
    });
    (stream, watch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn declared_lengths() {
        let mut headers = HeaderMap::new();
        assert!(check_declared_length(&headers, 10).is_ok());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("10"));
        assert!(check_declared_length(&headers, 10).is_ok());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("11"));
        let refusal = check_declared_length(&headers, 10).unwrap_err();
        assert_eq!(refusal.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(too_large(100 * 1024 * 1024).message.contains("100 MiB"));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("ten"));
        assert_eq!(
            check_declared_length(&headers, 10).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }

    #[tokio::test]
    async fn streams_are_cut_after_the_cap() {
        let chunks = || {
            futures_util::stream::iter(
                (0..4).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"abcd"))),
            )
        };
        let (stream, watch) = capped(chunks(), 16);
        let before = watch.last_activity();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let all: Vec<_> = stream.collect().await;
        assert!(all.iter().all(|c| c.is_ok()));
        assert!(!watch.overflowed());
        assert!(
            watch.last_activity() > before,
            "reading the body counts as activity"
        );
        let (stream, watch) = capped(chunks(), 15);
        let all: Vec<_> = stream.collect().await;
        assert!(all.last().unwrap().is_err());
        assert!(watch.overflowed());
    }
}
