//! The request-wide guards as one axum middleware: request target, then `Host`, then `Origin`.
//! The cleaned path is left in the request extensions for the proxy handler.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::host::AllowedHosts;
use super::origin::check_origin;
use super::target::check_target;
use crate::server::envelope::Refusal;

/// The decoded segments of a request path that passed [`check_target`].
#[derive(Clone, Debug)]
pub struct CleanPath(pub Vec<String>);

/// Middleware: refuses requests failing any request-wide guard, in the envelope shape.
pub async fn guard_request(
    State(hosts): State<Arc<AllowedHosts>>,
    mut request: Request,
    next: Next,
) -> Response {
    match check_request(&hosts, &request) {
        Ok(segments) => {
            request.extensions_mut().insert(CleanPath(segments));
            next.run(request).await
        }
        Err(refusal) => refusal.into_response(),
    }
}

fn check_request(hosts: &AllowedHosts, request: &Request) -> Result<Vec<String>, Refusal> {
    let segments = check_target(request.uri())?;
    let text = |name: header::HeaderName| {
        request.headers().get(&name).map(|v| {
            v.to_str().map_err(|_| {
                Refusal::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    format!("{name} is not ASCII text"),
                )
            })
        })
    };
    let host = text(header::HOST).transpose()?;
    hosts.check(host)?;
    let origin = text(header::ORIGIN).transpose()?;
    check_origin(origin, hosts)?;
    Ok(segments)
}
