//! Same-origin JSON requests with the Fetch API (through gloo-net): the account lists, creates,
//! settings reads, token verification and the proxy's info. Uploads, which report their
//! progress, go through [`super::xhr`] instead.
//!
//! The API token goes into the `Authorization` header of the one request and nowhere else.

use gloo_net::http::{Method, RequestBuilder};

/// What came back: status (0 when nothing did) and body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// What a network failure (no answer at all) says.
pub const NO_ANSWER: &str = "the request did not complete: is `bindery serve` still running?";

/// Sends `method url` with an optional bearer token, extra headers and JSON body text. A
/// network failure is `Err`; any HTTP status, even an error one, is `Ok`.
pub async fn call(
    method: Method,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> Result<Reply, String> {
    let mut builder = RequestBuilder::new(url)
        .method(method)
        .header("Accept", "application/json");
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = match json {
        Some(text) => builder
            .header("Content-Type", "application/json")
            .body(text),
        None => builder.build(),
    }
    .map_err(|e| e.to_string())?;
    let response = request.send().await.map_err(|_| NO_ANSWER.to_string())?;
    let status = response.status();
    let body = response.text().await.map_err(|_| NO_ANSWER.to_string())?;
    Ok(Reply { status, body })
}

/// `GET url` with the token.
pub async fn get(
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<Reply, String> {
    call(Method::GET, url, token, headers, None).await
}
