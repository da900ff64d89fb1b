//! The client-side rate limit: at most N requests in any window of S seconds (Cloudflare's
//! per-user API limit is 1,200 per 5 minutes), plus a pause the server can impose with a 429
//! and `Retry-After`.
//!
//! A sliding log of the last N send times: a request may go when fewer than N were sent in the
//! window that ends now; otherwise it waits until the oldest one leaves the window. Times are
//! durations since an arbitrary start, so the arithmetic is testable without a clock.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Cloudflare's documented per-user limit on the API.
pub const CLOUDFLARE_LIMIT: RateLimit = RateLimit {
    requests: 1200,
    per: Duration::from_secs(300),
};

/// N requests per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

/// `--rate-limit`: `N/SECONDS` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateSetting {
    Off,
    Limit(RateLimit),
}

impl Default for RateSetting {
    fn default() -> Self {
        RateSetting::Limit(CLOUDFLARE_LIMIT)
    }
}

impl FromStr for RateSetting {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.eq_ignore_ascii_case("off") {
            return Ok(RateSetting::Off);
        }
        let usage = || format!("`{text}`: write N/SECONDS (e.g. 1200/300) or off");
        let (n, s) = text.split_once('/').ok_or_else(usage)?;
        let requests: u32 = n.trim().parse().map_err(|_| usage())?;
        let seconds: f64 = s.trim().parse().map_err(|_| usage())?;
        if requests == 0 || !(seconds > 0.0 && seconds.is_finite()) {
            return Err(format!("`{text}`: both numbers must be above 0"));
        }
        Ok(RateSetting::Limit(RateLimit {
            requests,
            per: Duration::from_secs_f64(seconds),
        }))
    }
}

impl fmt::Display for RateSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateSetting::Off => f.write_str("off"),
            RateSetting::Limit(l) => write!(f, "{}/{}", l.requests, l.per.as_secs_f64()),
        }
    }
}

/// The limiter's state.
#[derive(Clone, Debug)]
pub struct Limiter {
    limit: Option<RateLimit>,
    sent: VecDeque<Duration>,
    paused_until: Duration,
}

impl Limiter {
    pub fn new(setting: RateSetting) -> Limiter {
        let limit = match setting {
            RateSetting::Off => None,
            RateSetting::Limit(l) => Some(l),
        };
        Limiter {
            limit,
            sent: VecDeque::with_capacity(limit.map_or(0, |l| l.requests as usize)),
            paused_until: Duration::ZERO,
        }
    }

    /// At `now`: `Ok` takes a slot (the request may go), `Err(wait)` says how long to wait
    /// before asking again.
    pub fn try_acquire(&mut self, now: Duration) -> Result<(), Duration> {
        if now < self.paused_until {
            return Err(self.paused_until - now);
        }
        let Some(limit) = self.limit else {
            return Ok(());
        };
        while let Some(&oldest) = self.sent.front() {
            if oldest + limit.per <= now {
                self.sent.pop_front();
            } else {
                break;
            }
        }
        if self.sent.len() < limit.requests as usize {
            self.sent.push_back(now);
            Ok(())
        } else {
            let oldest = *self.sent.front().expect("full");
            Err(oldest + limit.per - now)
        }
    }

    /// The server said to wait: nothing goes before `until` (a later pause wins).
    pub fn pause_until(&mut self, until: Duration) {
        self.paused_until = self.paused_until.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn settings_read_n_per_seconds_or_off() {
        assert_eq!("off".parse(), Ok(RateSetting::Off));
        assert_eq!("1200/300".parse(), Ok(RateSetting::Limit(CLOUDFLARE_LIMIT)));
        assert_eq!(
            "5/0.5".parse::<RateSetting>().unwrap(),
            RateSetting::Limit(RateLimit {
                requests: 5,
                per: ms(500)
            })
        );
        assert!("1200"
            .parse::<RateSetting>()
            .unwrap_err()
            .contains("N/SECONDS"));
        assert!("0/5".parse::<RateSetting>().is_err());
        assert!("5/-1".parse::<RateSetting>().is_err());
        assert_eq!(RateSetting::default().to_string(), "1200/300");
    }

    #[test]
    fn a_full_window_waits_for_its_oldest_request_to_leave() {
        let mut limiter = Limiter::new("3/1".parse().unwrap());
        assert_eq!(limiter.try_acquire(ms(0)), Ok(()));
        assert_eq!(limiter.try_acquire(ms(100)), Ok(()));
        assert_eq!(limiter.try_acquire(ms(200)), Ok(()));
        assert_eq!(limiter.try_acquire(ms(300)), Err(ms(700)));
        assert_eq!(limiter.try_acquire(ms(1000)), Ok(()));
        assert_eq!(limiter.try_acquire(ms(1000)), Err(ms(100)));
    }

    #[test]
    fn never_more_than_n_in_any_window() {
        let mut limiter = Limiter::new("10/2".parse().unwrap());
        let mut sent = Vec::new();
        let mut now = ms(0);
        while sent.len() < 100 {
            match limiter.try_acquire(now) {
                Ok(()) => sent.push(now),
                Err(wait) => now += wait,
            }
        }
        for (i, &t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|&&u| u < t + ms(2000)).count();
            assert!(
                in_window <= 10,
                "{in_window} requests in the window from {t:?}"
            );
        }
        // And it is not slower than the limit: 100 requests in 9 windows and a bit.
        assert!(now < ms(18_100), "{now:?}");
    }

    #[test]
    fn a_server_pause_holds_everything_even_with_the_limit_off() {
        let mut limiter = Limiter::new(RateSetting::Off);
        assert_eq!(limiter.try_acquire(ms(5)), Ok(()));
        limiter.pause_until(ms(2000));
        limiter.pause_until(ms(1000));
        assert_eq!(limiter.try_acquire(ms(500)), Err(ms(1500)));
        assert_eq!(limiter.try_acquire(ms(2000)), Ok(()));
    }
}
