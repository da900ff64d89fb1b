//! Which failed requests are sent again, and when.
//!
//! - A 429 was not processed: always retried, after its `Retry-After` (or the backoff).
//! - A 5xx, or a connection that failed after the request may have reached the API: retried only
//!   for idempotent requests (a PUT of the same upload, a settings PATCH); a version upload
//!   (POST) could otherwise create two versions.
//! - A connection that could not be opened (nothing was sent): always retried.
//! - Any other answer (2xx done, 4xx refused) is final: a refused upload is never sent again.
//!
//! The backoff doubles from `base` up to `cap`, with "equal jitter" (half fixed, half random)
//! so that many workers retrying together spread out.

use std::time::Duration;

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    Answered {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be opened: nothing was sent.
    NotConnected,
    /// The connection failed or timed out after sending began.
    Broken,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Final: success or refusal (see the status).
    Done,
    Retry(Duration),
    /// Retryable, but out of attempts (or not safe to repeat).
    GiveUp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts for 5xx and connection failures, the first included.
    pub max_attempts: u32,
    /// Attempts when the API keeps answering 429 (it says when to come back, so more).
    pub max_rate_limited: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_rate_limited: 30,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// After `attempt` (1 for the first) ended as `outcome`, with `rate_limited` 429s so far
    /// (this one included); `jitter` is a random number in [0, 1).
    pub fn decide(
        &self,
        outcome: Attempt,
        attempt: u32,
        rate_limited: u32,
        idempotent: bool,
        jitter: f64,
    ) -> Decision {
        let backoff = self.backoff(attempt, jitter);
        match outcome {
            Attempt::Answered {
                status: 429,
                retry_after,
            } => {
                if rate_limited >= self.max_rate_limited {
                    Decision::GiveUp
                } else {
                    Decision::Retry(retry_after.unwrap_or(backoff))
                }
            }
            Attempt::Answered { status, .. } if status >= 500 => {
                self.again(idempotent, attempt, backoff)
            }
            Attempt::Answered { .. } => Decision::Done,
            Attempt::NotConnected => self.again(true, attempt, backoff),
            Attempt::Broken => self.again(idempotent, attempt, backoff),
        }
    }

    fn again(&self, safe: bool, attempt: u32, backoff: Duration) -> Decision {
        if safe && attempt < self.max_attempts {
            Decision::Retry(backoff)
        } else {
            Decision::GiveUp
        }
    }

    /// The wait after attempt `attempt`: `base·2^(attempt-1)`, capped, half of it jittered.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.cap);
        exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// A `Retry-After` value: seconds (`120`, as Cloudflare sends) or an HTTP date, given the
/// current Unix time.
pub fn parse_retry_after(value: &str, now_unix: Duration) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds >= 0.0 && seconds.is_finite()).then(|| Duration::from_secs_f64(seconds));
    }
    let when = http_date(value)?;
    Some(when.saturating_sub(now_unix))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) as a Unix time.
fn http_date(text: &str) -> Option<Duration> {
    httpdate::parse_http_date(text)
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        max_rate_limited: 4,
        base: Duration::from_millis(100),
        cap: Duration::from_millis(1000),
    };

    fn answered(status: u16) -> Attempt {
        Attempt::Answered {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn success_and_refusals_are_final() {
        for status in [200, 201, 400, 401, 403, 404, 409, 413] {
            assert_eq!(
                P.decide(answered(status), 1, 0, true, 0.5),
                Decision::Done,
                "{status}"
            );
        }
    }

    #[test]
    fn a_429_waits_as_told_even_for_a_post() {
        let outcome = Attempt::Answered {
            status: 429,
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(
            P.decide(outcome, 1, 1, false, 0.0),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(
            P.decide(answered(429), 9, 2, false, 0.0),
            Decision::Retry(Duration::from_millis(1000) / 2)
        );
        assert_eq!(P.decide(outcome, 5, 4, true, 0.0), Decision::GiveUp);
    }

    #[test]
    fn server_errors_are_retried_only_when_repeating_is_safe() {
        assert_eq!(
            P.decide(answered(503), 1, 0, true, 1.0),
            Decision::Retry(Duration::from_millis(100))
        );
        assert_eq!(
            P.decide(answered(502), 2, 0, true, 1.0),
            Decision::Retry(Duration::from_millis(200))
        );
        assert_eq!(P.decide(answered(500), 3, 0, true, 1.0), Decision::GiveUp);
        assert_eq!(P.decide(answered(500), 1, 0, false, 1.0), Decision::GiveUp);
        assert_eq!(
            P.decide(Attempt::Broken, 1, 0, false, 1.0),
            Decision::GiveUp
        );
        assert_eq!(
            P.decide(Attempt::NotConnected, 1, 0, false, 1.0),
            Decision::Retry(Duration::from_millis(100))
        );
    }

    #[test]
    fn backoff_doubles_to_the_cap_with_half_of_it_jittered() {
        assert_eq!(P.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(P.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(P.backoff(4, 1.0), Duration::from_millis(800));
        assert_eq!(P.backoff(5, 1.0), Duration::from_millis(1000));
        assert_eq!(P.backoff(64, 0.0), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("0.5", now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
