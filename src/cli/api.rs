//! The CLI's HTTP client for the Cloudflare API (or any base URL speaking it, such as
//! `bindery serve --upstream sandbox`): the API base and token, one request, and one request
//! with the rate limit and the retry policy of [`crate::send`].
//!
//! The token is read from `CLOUDFLARE_API_TOKEN` and only ever put in the `Authorization`
//! header; nothing here prints it or a request body.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rand::Rng;

use crate::send::rate::{Limiter, RateSetting};
use crate::send::retry::{parse_retry_after, Attempt, Decision, RetryPolicy};

/// The environment variable holding the API token (the one wrangler reads).
pub const TOKEN_VAR: &str = "CLOUDFLARE_API_TOKEN";
/// The environment variable wrangler reads for another API base; the default `--upstream`.
pub const BASE_URL_VAR: &str = "CLOUDFLARE_API_BASE_URL";

/// `--upstream`: `cloudflare` or an `http(s)://…/client/v4` base URL. Without the flag,
/// `CLOUDFLARE_API_BASE_URL` when set, else Cloudflare.
pub fn api_base(upstream: Option<&str>) -> Result<String, String> {
    let from_env = std::env::var(BASE_URL_VAR).ok().filter(|v| !v.is_empty());
    let text = upstream.map(str::to_string).or(from_env);
    let Some(text) = text else {
        return Ok(crate::model::CLOUDFLARE_API_BASE.to_string());
    };
    if text == "sandbox" {
        return Err("--upstream sandbox: start `bindery serve --upstream sandbox` and give its API URL, e.g. --upstream http://127.0.0.1:8787/client/v4".into());
    }
    let upstream = crate::server::args::parse_upstream(&text, None)?;
    Ok(upstream.base())
}

/// The API token from the environment.
pub fn token_from_env() -> Result<String, String> {
    match std::env::var(TOKEN_VAR) {
        Ok(token) if !token.trim().is_empty() => Ok(token.trim().to_string()),
        _ => Err(format!(
            "set {TOKEN_VAR} to an API token (with Workers Scripts: Edit); it is read from the environment only"
        )),
    }
}

/// A request body that can be sent again on a retry.
#[derive(Clone, Debug)]
pub enum Body {
    None,
    Json(String),
    /// JSON with another content type (e.g. `application/merge-patch+json`).
    JsonAs {
        text: String,
        content_type: &'static str,
    },
    Multipart {
        boundary: String,
        bytes: Bytes,
    },
}

/// Who the request is authorised as: the API token, or an assets upload JWT.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    Token,
    Bearer(&'a str),
}

/// An HTTP answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<Duration>,
}

/// A request that got no answer.
#[derive(Clone, Debug)]
pub struct NoAnswer {
    pub message: String,
    /// The connection was never opened, so nothing was sent.
    pub not_connected: bool,
}

/// The outcome of a request after its retries.
#[derive(Clone, Debug)]
pub struct Sent {
    pub result: Result<Answer, NoAnswer>,
    pub attempts: u32,
    pub elapsed: Duration,
}

/// A client bound to one API base and token; cheap to clone (one connection pool).
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: Arc<str>,
    limiter: Arc<Mutex<Limiter>>,
    start: Instant,
    pub policy: RetryPolicy,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Api {
    pub fn new(base: String, token: String, rate: RateSetting) -> Result<Api, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .pool_max_idle_per_host(64)
            .user_agent(concat!("bindery/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Api {
            client,
            base: base.trim_end_matches('/').to_string(),
            token: token.into(),
            limiter: Arc::new(Mutex::new(Limiter::new(rate))),
            start: Instant::now(),
            policy: RetryPolicy::default(),
        })
    }

    /// The API base, e.g. `https://api.cloudflare.com/client/v4`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The full URL of `path_and_query` (below the base).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// One request, no retry, no rate limit.
    pub async fn once(
        &self,
        method: &str,
        path_and_query: &str,
        body: &Body,
        auth: Auth<'_>,
    ) -> Result<Answer, NoAnswer> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| NoAnswer {
            message: e.to_string(),
            not_connected: true,
        })?;
        let bearer = match auth {
            Auth::Token => &*self.token,
            Auth::Bearer(jwt) => jwt,
        };
        let mut request = self
            .client
            .request(method, self.url(path_and_query))
            .bearer_auth(bearer)
            .header(reqwest::header::ACCEPT, "application/json");
        request = match body {
            Body::None => request,
            Body::Json(text) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(text.clone()),
            Body::JsonAs { text, content_type } => request
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(text.clone()),
            Body::Multipart { boundary, bytes } => request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    crate::encode::multipart::content_type_header(boundary),
                )
                .body(bytes.clone()),
        };
        let response = request.send().await.map_err(|e| no_answer(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, unix_now()));
        let body = response.text().await.map_err(|e| no_answer(&e))?;
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }

    /// A request within the rate limit, retried by the policy (`idempotent`: whether a 5xx or a
    /// broken connection may be retried). A 429 pauses every request of this client until its
    /// `Retry-After`.
    pub async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        body: &Body,
        auth: Auth<'_>,
        idempotent: bool,
    ) -> Sent {
        let started = Instant::now();
        let mut attempts = 0;
        let mut rate_limited = 0;
        loop {
            self.acquire().await;
            attempts += 1;
            let result = self.once(method, path_and_query, body, auth).await;
            let attempt = match &result {
                Ok(answer) => Attempt::Answered {
                    status: answer.status,
                    retry_after: answer.retry_after,
                },
                Err(e) if e.not_connected => Attempt::NotConnected,
                Err(_) => Attempt::Broken,
            };
            if matches!(attempt, Attempt::Answered { status: 429, .. }) {
                rate_limited += 1;
            }
            let jitter = rand::rng().random::<f64>();
            match self
                .policy
                .decide(attempt, attempts, rate_limited, idempotent, jitter)
            {
                Decision::Retry(wait) => {
                    if let Attempt::Answered { status: 429, .. } = attempt {
                        let until = self.start.elapsed() + wait;
                        self.limiter.lock().expect("limiter").pause_until(until);
                    } else {
                        tokio::time::sleep(wait).await;
                    }
                }
                Decision::Done | Decision::GiveUp => {
                    return Sent {
                        result,
                        attempts,
                        elapsed: started.elapsed(),
                    }
                }
            }
        }
    }

    /// Waits for a slot of the rate limit (and any pause a 429 imposed).
    async fn acquire(&self) {
        loop {
            let wait = {
                let mut limiter = self.limiter.lock().expect("limiter");
                match limiter.try_acquire(self.start.elapsed()) {
                    Ok(()) => return,
                    Err(wait) => wait,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

fn no_answer(e: &reqwest::Error) -> NoAnswer {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    NoAnswer {
        message,
        not_connected: e.is_connect(),
    }
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}
