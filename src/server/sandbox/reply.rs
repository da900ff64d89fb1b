//! Sandbox answers in the v4 envelope: successes with `result` (and `result_info` for lists),
//! failures with the API's error code and message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// An API error: HTTP status, Cloudflare error code, message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// The generic upload validation error (HTTP 400, code 10021).
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, 10021, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::server::envelope::error_body(self.code, &self.message);
        (self.status, Json(body)).into_response()
    }
}

/// A successful answer.
#[derive(Clone, Debug)]
pub struct Success {
    pub status: StatusCode,
    pub result: Value,
    pub result_info: Option<Value>,
    pub messages: Vec<Value>,
}

impl Success {
    pub fn new(result: Value) -> Self {
        Success {
            status: StatusCode::OK,
            result,
            result_info: None,
            messages: Vec::new(),
        }
    }
}

impl IntoResponse for Success {
    fn into_response(self) -> Response {
        let mut body = json!({
            "success": true,
            "errors": [],
            "messages": self.messages,
            "result": self.result,
        });
        if let Some(info) = self.result_info {
            body["result_info"] = info;
        }
        (self.status, Json(body)).into_response()
    }
}

/// What handlers return.
pub type Reply = Result<Success, ApiError>;
