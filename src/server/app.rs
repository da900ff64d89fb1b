//! The whole server as one axum router: guards and logging around the API proxy,
//! `/bindery/info` and the static app.

use std::sync::Arc;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get};
use axum::Router;

use super::config::ServerConfig;
use super::guards::host::AllowedHosts;
use super::guards::layers::guard_request;
use super::{info, logging, proxy, static_files};

/// Builds the server for `config` (bind a listener at `config.addr` and serve it).
///
/// # Panics
/// When the HTTPS client cannot be initialised (no usable TLS backend), which only a broken
/// build can cause.
pub fn build_app(config: ServerConfig) -> Router {
    let proxy = proxy::Proxy::new(&config).unwrap_or_else(|e| panic!("bindery serve: {e}"));
    let api = Router::new()
        .route("/client/v4", any(proxy::forward))
        .route("/client/v4/{*rest}", any(proxy::forward))
        .with_state(Arc::new(proxy));
    let info = Router::new()
        .route("/bindery/info", get(info::handler))
        .with_state(Arc::new(info::info(&config.upstream)));
    let files = Router::new()
        .fallback(static_files::serve)
        .with_state(static_files::StaticFiles::new(config.dist.clone()));
    let hosts = Arc::new(AllowedHosts::for_addr(config.addr));
    api.merge(info)
        .merge(files)
        .layer(from_fn_with_state(hosts, guard_request))
        .layer(from_fn(logging::log_request))
}
