//! Like the real API: a bearer token is required (any non-empty one is accepted), account ids
//! other than the sandbox's are "could not route", unknown paths are "no route".

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::reply::ApiError;
use super::ACCOUNT_ID;

/// The token of an `Authorization: Bearer <token>` header, or the API's authentication error.
pub fn bearer_token(value: Option<&str>) -> Result<&str, ApiError> {
    let Some(value) = value else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            9106,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        ));
    };
    let token = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains(char::is_whitespace));
    token.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            10000,
            "Authentication error: the Authorization header must be `Bearer <API token>`",
        )
    })
}

/// Middleware: refuses requests without a usable bearer token.
pub async fn require_token(request: Request, next: Next) -> Response {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match bearer_token(value) {
        Ok(_) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Middleware: `/accounts/{id}/...` with another id than the sandbox's → 7003.
pub async fn check_account(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let mut segments = path.trim_start_matches('/').split('/');
    if let (Some("accounts"), Some(id)) = (segments.next(), segments.next()) {
        if id != ACCOUNT_ID {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                7003,
                format!("Could not route to /client/v4{path}, perhaps your object identifier is invalid?"),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Fallback for paths the sandbox does not emulate.
pub async fn no_route() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, 7000, "No route for that URI")
}

/// Fallback for a known path with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, 10405, "Method not allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token(Some("Bearer abc")).unwrap(), "abc");
        assert_eq!(bearer_token(None).unwrap_err().code, 9106);
        for bad in [
            "Bearer ",
            "Bearer  ",
            "Basic abc",
            "bearer abc",
            "abc",
            "Bearer a b",
        ] {
            let error = bearer_token(Some(bad)).unwrap_err();
            assert_eq!(error.status, StatusCode::UNAUTHORIZED, "{bad}");
            assert_eq!(error.code, 10000, "{bad}");
        }
    }
}
