//! Plain explanations of Cloudflare API error responses (section (f) of the API reference).
//!
//! [`explain_response`] reads a response body (the v4 envelope) and, for every error, says in
//! plain words what most likely went wrong and which field of the composition it concerns, as
//! an `at` path in the same form the rules use (`request.account_id`, `modules[1].kind`,
//! `bindings[0].namespace_id`), or [`AT_TOKEN`] for the API token.

mod codes;
mod locate;

use serde::Deserialize;
use serde_json::Value;

use crate::model::Composition;
use crate::rules::At;

/// The `at` path of the API token field (it is not part of the composition).
pub const AT_TOKEN: At = At::root("token");

/// One `{code, message}` entry of an envelope's `errors` or `messages`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ApiMessage {
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub message: String,
}

/// The Cloudflare v4 response envelope.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub success: bool,
    #[serde(default)]
    pub errors: Vec<ApiMessage>,
    #[serde(default)]
    pub messages: Vec<ApiMessage>,
    #[serde(default)]
    pub result: Value,
}

impl Envelope {
    /// Parses a response body; `None` when it is not an envelope.
    pub fn parse(body: &str) -> Option<Envelope> {
        let value: Value = serde_json::from_str(body).ok()?;
        let object = value.as_object()?;
        if !object.contains_key("success") && !object.contains_key("errors") {
            return None;
        }
        serde_json::from_value(value).ok()
    }
}

/// What an error means for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The API's error code; `None` for problems seen only in the HTTP status.
    pub code: Option<i64>,
    /// The API's own message, verbatim.
    pub message: String,
    /// The likely cause and what to do, in plain words.
    pub explanation: String,
    /// The field or part concerned, when one can be named.
    pub at: Option<At>,
}

/// Explains every error of a response. A successful response gives an empty list; a failure
/// without an envelope (a proxy page, a time-out) gets one explanation from its status.
pub fn explain_response(status: u16, body: &str, composition: &Composition) -> Vec<Explanation> {
    match Envelope::parse(body) {
        Some(envelope) if !envelope.errors.is_empty() => envelope
            .errors
            .iter()
            .map(|error| explain_error(error.code, &error.message, composition))
            .collect(),
        Some(envelope) if envelope.success && (200..300).contains(&status) => Vec::new(),
        _ if (200..300).contains(&status) => Vec::new(),
        _ => vec![explain_status(status, body)],
    }
}

/// Explains one `{code, message}` error in the context of the composition that was sent.
pub fn explain_error(code: i64, message: &str, composition: &Composition) -> Explanation {
    let (explanation, at) = codes::explain(code, message, composition);
    Explanation {
        code: Some(code),
        message: message.to_string(),
        explanation,
        at,
    }
}

/// Explains a failed response that carries no envelope.
pub fn explain_status(status: u16, body: &str) -> Explanation {
    let explanation = match status {
        0 => "The request did not reach the proxy: is `bindery serve` still running?",
        401 | 403 => "The API refused the credentials: check the API token and its permissions.",
        404 => "Nothing answers at this path: check the endpoint, account id and script name.",
        413 => "The request body is larger than the proxy accepts: remove large modules or raise its body limit.",
        502 => "The proxy could not reach the API: check the network or the upstream it was started with.",
        504 => "The API did not answer in time: try again in a moment.",
        s if s >= 500 => "The server failed while handling the request: try again later.",
        _ => "The response is not a Cloudflare API envelope; see its body below.",
    };
    let message = body.chars().take(300).collect::<String>();
    Explanation {
        code: None,
        message,
        explanation: explanation.to_string(),
        at: None,
    }
}

#[cfg(test)]
mod tests;
