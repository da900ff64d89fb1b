//! Refusals of the proxy itself, answered in the Cloudflare v4 envelope shape so a client that
//! already shows API errors shows these too.
//!
//! Codes are `90000 + HTTP status` (e.g. 90403): outside every range the Cloudflare API uses, so
//! a client can tell a refusal of the proxy from an error of the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why the proxy answered a request itself instead of forwarding it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }

    /// The envelope code: 90000 + the HTTP status.
    pub fn code(&self) -> u32 {
        90_000 + u32::from(self.status.as_u16())
    }
}

/// The v4 envelope of a failure: `success:false`, one error, no result.
pub fn error_body(code: u32, message: &str) -> serde_json::Value {
    json!({
        "success": false,
        "errors": [{"code": code, "message": message}],
        "messages": [],
        "result": null,
    })
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = error_body(self.code(), &format!("bindery proxy: {}", self.message));
        (self.status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refusal_is_a_cloudflare_envelope() {
        let response = Refusal::new(StatusCode::FORBIDDEN, "no").into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["success"], false);
        assert_eq!(value["errors"][0]["code"], 90403);
        assert_eq!(value["errors"][0]["message"], "bindery proxy: no");
        assert_eq!(value["messages"], json!([]));
        assert!(value["result"].is_null());
    }
}
