//! `--sandbox-rate-limit N/SECONDS`: past N requests within any SECONDS-long window, a token's
//! requests get 429 with `Retry-After`, as the real API answers past its per-user limit (1200
//! requests per 5 minutes), so a client's back-off can be tested. Off by default.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::reply::ApiError;

/// N requests per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `N/SECONDS`, both whole numbers from 1 (`1200/300` is the real API's limit).
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!("--sandbox-rate-limit {text:?}: expected N/SECONDS, e.g. 1200/300 (both at least 1)")
        };
        let (requests, seconds) = text.split_once('/').ok_or_else(bad)?;
        let requests: u32 = requests.trim().parse().map_err(|_| bad())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| bad())?;
        if requests == 0 || seconds == 0 {
            return Err(bad());
        }
        Ok(RateLimit {
            requests,
            window: Duration::from_secs(seconds),
        })
    }
}

/// The requests each token made within the window (a sliding log; tokens are kept hashed).
#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    seen: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            seen: Mutex::default(),
        }
    }

    /// Counts a request of `token` at `now`; `Err(wait)` when it is over the limit (not counted).
    pub fn admit(&self, token: &str, now: Instant) -> Result<(), Duration> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        token.hash(&mut hasher);
        let key = hasher.finish();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let log = seen.entry(key).or_default();
        while log
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.limit.window)
        {
            log.pop_front();
        }
        if log.len() < self.limit.requests as usize {
            log.push_back(now);
            return Ok(());
        }
        let oldest = log.front().copied().unwrap_or(now);
        Err(self
            .limit
            .window
            .saturating_sub(now.saturating_duration_since(oldest)))
    }
}

/// The 429 answer: the envelope with the API's rate-limit code, and `Retry-After` in whole
/// seconds (rounded up, at least 1).
pub fn too_many_requests(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        971,
        "Please wait and consider throttling your request speed",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// Middleware: admits or refuses by the request's bearer token.
pub async fn rate_limit(
    State(limiter): State<Arc<Limiter>>,
    request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    match limiter.admit(&token, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many_requests(wait),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        assert_eq!(
            "1200/300".parse::<RateLimit>().unwrap(),
            RateLimit {
                requests: 1200,
                window: Duration::from_secs(300)
            }
        );
        for bad in ["", "10", "0/5", "5/0", "a/b", "-1/5", "5/1.5"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn past_the_limit_a_token_waits_for_its_oldest_request_to_leave_the_window() {
        let limiter = Limiter::new("2/10".parse().unwrap());
        let start = Instant::now();
        assert!(limiter.admit("a", start).is_ok());
        assert!(limiter.admit("a", start + Duration::from_secs(4)).is_ok());
        assert_eq!(
            limiter.admit("a", start + Duration::from_secs(5)),
            Err(Duration::from_secs(5))
        );
        assert!(
            limiter.admit("b", start + Duration::from_secs(5)).is_ok(),
            "per token"
        );
        assert!(limiter.admit("a", start + Duration::from_secs(10)).is_ok());
    }

    #[tokio::test]
    async fn the_refusal_is_an_envelope_with_retry_after() {
        let response = too_many_requests(Duration::from_millis(1500));
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        let body = axum::body::to_bytes(response.into_body(), 1 << 12)
            .await
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["errors"][0]["code"], 971);
        assert_eq!(value["success"], false);
    }
}
