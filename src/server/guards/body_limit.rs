//! The request body cap: refused up front when `Content-Length` says too much, and enforced
//! while streaming when no length was declared (chunked bodies).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

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

/// Set when a streamed body went over the cap, so a failed forward can be told apart as a 413.
#[derive(Clone, Debug, Default)]
pub struct Overflow(Arc<AtomicBool>);

impl Overflow {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Passes `body` through, failing with an error once more than `cap` bytes went by.
pub fn capped<S, E>(
    body: S,
    cap: u64,
) -> (impl Stream<Item = Result<Bytes, std::io::Error>>, Overflow)
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let overflow = Overflow::default();
    let flag = overflow.clone();
    let seen = AtomicU64::new(0);
    let stream = body.map(move |chunk| {
        let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()))?;
        let total = seen.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
        if total > cap {
            flag.0.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("request body over the limit"));
        }
        Ok(chunk)
    });
    (stream, overflow)
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
        let (stream, overflow) = capped(chunks(), 16);
        let all: Vec<_> = stream.collect().await;
        assert!(all.iter().all(|c| c.is_ok()));
        assert!(!overflow.happened());
        let (stream, overflow) = capped(chunks(), 15);
        let all: Vec<_> = stream.collect().await;
        assert!(all.last().unwrap().is_err());
        assert!(overflow.happened());
    }
}
