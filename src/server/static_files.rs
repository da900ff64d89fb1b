//! The built app from `dist/` (`index.html` for `/` and for unknown paths, so app routes work).
//! When the app is not built yet, a short page says how to build it.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::envelope::Refusal;

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bindery: app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Bindery</h1>
<p>The server is running, but the app has not been built yet (no <code>index.html</code> in the
<code>--dist</code> folder).</p>
<p>Build it and start the server in one step with <code>make run</code>, from the repository root.</p>
<p>The API proxy under <code>/client/v4/</code> and <code>/bindery/info</code> already work.</p>
</body></html>
"#;

/// Handler for every path that is not the API or `/bindery/info`.
pub async fn serve(State(dist): State<Arc<PathBuf>>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served here",
        )
        .into_response();
    }
    let index = dist.join("index.html");
    if !index.is_file() {
        return (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            Html(NOT_BUILT),
        )
            .into_response();
    }
    let files = ServeDir::new(dist.as_ref()).fallback(ServeFile::new(index));
    match files.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
