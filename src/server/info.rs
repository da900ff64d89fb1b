//! `GET /bindery/info`: which upstream is active, so the app can always show it.

use axum::Json;
use serde_json::{json, Value};

use super::config::Upstream;

/// The info document for an upstream.
pub fn info(upstream: &Upstream) -> Value {
    json!({
        "upstream": upstream.kind(),
        "upstream_base": upstream.base(),
        "version": env!("CARGO_PKG_VERSION"),
    })
}

/// Handler (the document is computed once at start-up).
pub async fn handler(
    axum::extract::State(document): axum::extract::State<std::sync::Arc<Value>>,
) -> Json<Value> {
    Json(document.as_ref().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_names_the_upstream() {
        let document = info(&Upstream::Cloudflare);
        assert_eq!(document["upstream"], "cloudflare");
        assert_eq!(document["upstream_base"], crate::model::CLOUDFLARE_API_BASE);
        assert_eq!(document["version"], env!("CARGO_PKG_VERSION"));
    }
}
