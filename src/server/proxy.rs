//! The forwarder behind `/client/v4/**`: checks the path against the allow-list, keeps only the
//! API headers, caps the body, and streams the request to the upstream fixed at start-up and the
//! answer back. Nothing is buffered whole in either direction (only the in-process sandbox,
//! being the destination, reads what it stores).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use bytes::Bytes;
use futures_util::Stream;
use tower::ServiceExt;

use super::config::{ServerConfig, Upstream};
use super::envelope::Refusal;
use super::guards::allow_list::{check_allowed, is_r2_buckets};
use super::guards::body_limit::{capped, check_declared_length, too_large};
use super::guards::headers::{forwarded_request_headers, returned_response_headers};
use super::guards::layers::CleanPath;

/// Where the proxy sends requests.
enum Forwarder {
    /// Over HTTP(S) to a base URL, with a client that follows no redirects.
    Http {
        client: reqwest::Client,
        base: reqwest::Url,
    },
    /// In process, to the sandbox router (paths relative to `/client/v4`).
    Sandbox(Router),
}

/// The proxy's fixed settings, shared by all requests.
pub struct Proxy {
    forwarder: Forwarder,
    max_body_bytes: u64,
    upstream_timeout: Duration,
}

const API_PREFIX: [&str; 2] = ["client", "v4"];

impl Proxy {
    pub fn new(config: &ServerConfig) -> Result<Self, String> {
        let forwarder = match &config.upstream {
            Upstream::Sandbox(sandbox) => {
                Forwarder::Sandbox(super::sandbox::router(sandbox.clone()))
            }
            upstream => {
                let base = reqwest::Url::parse(&upstream.base()).map_err(|e| e.to_string())?;
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(config.connect_timeout)
                    .no_proxy()
                    .build()
                    .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
                Forwarder::Http { client, base }
            }
        };
        Ok(Proxy {
            forwarder,
            max_body_bytes: config.max_body_bytes,
            upstream_timeout: config.upstream_timeout,
        })
    }

    /// The upstream URL for API path segments and a query: the base, the segments, the query.
    /// Segments hold only safe characters (see the target guard), so the host cannot change;
    /// it is checked again anyway.
    fn upstream_url(
        base: &reqwest::Url,
        api: &[String],
        query: Option<&str>,
    ) -> Result<reqwest::Url, Refusal> {
        let mut text = format!("{}/{}", base.as_str().trim_end_matches('/'), api.join("/"));
        if let Some(query) = query {
            text.push('?');
            text.push_str(query);
        }
        let url = reqwest::Url::parse(&text).map_err(|e| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                format!("cannot build the upstream URL: {e}"),
            )
        })?;
        if url.scheme() != base.scheme() || url.host() != base.host() || url.port() != base.port() {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "the request would leave the upstream",
            ));
        }
        Ok(url)
    }
}

/// Handler for every request under `/client/v4/`.
pub async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match forward_checked(&proxy, request).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn forward_checked(proxy: &Proxy, request: Request) -> Result<Response, Refusal> {
    let segments = request
        .extensions()
        .get::<CleanPath>()
        .map(|p| p.0.clone())
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "request path was not checked",
            )
        })?;
    let api: Vec<String> = match segments.split_first_chunk::<2>() {
        Some((prefix, rest)) if prefix.iter().map(String::as_str).eq(API_PREFIX) => rest.to_vec(),
        _ => return Err(Refusal::new(StatusCode::NOT_FOUND, "not an API path")),
    };
    check_allowed(&api)?;
    if !matches!(
        *request.method(),
        Method::GET | Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) {
        return Err(Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method {} is not forwarded", request.method()),
        ));
    }
    check_declared_length(request.headers(), proxy.max_body_bytes)?;
    let headers = forwarded_request_headers(request.headers(), is_r2_buckets(&api));
    let method = request.method().clone();
    let query = request.uri().query().map(str::to_string);
    // A request without a body is forwarded without one (not as an empty chunked stream).
    let bodiless = http_body::Body::size_hint(request.body()).exact() == Some(0);
    let (body, watch) = capped(request.into_body().into_data_stream(), proxy.max_body_bytes);

    let outgoing = Outgoing {
        method,
        api,
        query,
        headers,
        body,
        bodiless,
    };
    let sent = async {
        match &proxy.forwarder {
            Forwarder::Http { client, base } => {
                let url = Proxy::upstream_url(base, &outgoing.api, outgoing.query.as_deref())?;
                send_http(client, url, outgoing)
                    .await
                    .map_err(|e| upstream_failure(e, watch.overflowed(), proxy.max_body_bytes))
            }
            Forwarder::Sandbox(router) => {
                let response = send_sandbox(router, outgoing).await?;
                if watch.overflowed() {
                    return Err(too_large(proxy.max_body_bytes));
                }
                Ok(response)
            }
        }
    };
    // The answer time-out runs from the last request-body activity, not from the start.
    let mut sent = std::pin::pin!(sent);
    loop {
        let deadline = watch.last_activity() + proxy.upstream_timeout;
        match tokio::time::timeout_at(deadline.into(), &mut sent).await {
            Ok(result) => return result,
            Err(_)
                if watch.last_activity() + proxy.upstream_timeout <= std::time::Instant::now() =>
            {
                return Err(Refusal::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    format!(
                        "the upstream did not answer within {} s after the request",
                        proxy.upstream_timeout.as_secs_f64()
                    ),
                ))
            }
            Err(_) => continue,
        }
    }
}

/// A checked request, ready to go upstream.
struct Outgoing<S> {
    method: Method,
    /// API path segments (after `/client/v4`).
    api: Vec<String>,
    query: Option<String>,
    /// Only the forwarded headers.
    headers: HeaderMap,
    body: S,
    bodiless: bool,
}

/// Sends to `url` over HTTP(S); the response body is streamed back as it arrives.
async fn send_http<S>(
    client: &reqwest::Client,
    url: reqwest::Url,
    outgoing: Outgoing<S>,
) -> Result<Response, reqwest::Error>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    let mut request = client
        .request(outgoing.method, url)
        .headers(outgoing.headers);
    if !outgoing.bodiless {
        request = request.body(reqwest::Body::wrap_stream(outgoing.body));
    }
    let upstream = request.send().await?;
    let status = upstream.status();
    let headers = returned_response_headers(upstream.headers());
    let mut response = Response::new(Body::from_stream(upstream.bytes_stream()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// Sends to the in-process sandbox (which reads the body it stores).
async fn send_sandbox<S>(router: &Router, outgoing: Outgoing<S>) -> Result<Response, Refusal>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    let mut target = format!("/{}", outgoing.api.join("/"));
    if let Some(query) = &outgoing.query {
        target.push('?');
        target.push_str(query);
    }
    let mut inner = Request::new(Body::from_stream(outgoing.body));
    *inner.method_mut() = outgoing.method;
    *inner.uri_mut() = target
        .parse()
        .map_err(|_| Refusal::new(StatusCode::BAD_REQUEST, "cannot build the sandbox path"))?;
    *inner.headers_mut() = outgoing.headers;
    let response = router
        .clone()
        .oneshot(inner)
        .await
        .unwrap_or_else(|never| match never {});
    let (mut parts, body) = response.into_parts();
    parts.headers = returned_response_headers(&parts.headers);
    Ok(Response::from_parts(parts, body))
}

/// 413 when the body went over the cap, 504 for time-outs, 502 for everything else.
fn upstream_failure(error: reqwest::Error, overflowed: bool, cap: u64) -> Refusal {
    if overflowed {
        return too_large(cap);
    }
    let error = error.without_url();
    let detail = std::error::Error::source(&error)
        .map(|source| format!("{error}: {source}"))
        .unwrap_or_else(|| error.to_string());
    if error.is_timeout() {
        Refusal::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!("the upstream timed out ({detail})"),
        )
    } else if error.is_connect() {
        Refusal::new(
            StatusCode::BAD_GATEWAY,
            format!("cannot connect to the upstream ({detail})"),
        )
    } else {
        Refusal::new(
            StatusCode::BAD_GATEWAY,
            format!("the upstream request failed ({detail})"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_urls_stay_on_the_base() {
        let base = reqwest::Url::parse("https://api.cloudflare.com/client/v4").unwrap();
        let api = vec!["accounts".to_string(), "me@example.com".to_string()];
        let url = Proxy::upstream_url(&base, &api, Some("page=1")).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.cloudflare.com/client/v4/accounts/me@example.com?page=1"
        );
        assert_eq!(url.host_str(), Some("api.cloudflare.com"));
    }
}
