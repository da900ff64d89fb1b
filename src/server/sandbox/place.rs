//! Where a Worker lives, read from the request path once: an account-level Worker
//! (`/accounts/{account_id}/workers/scripts/{script}`) or a user Worker in a dispatch namespace
//! (`/accounts/{account_id}/workers/dispatch/namespaces/{namespace}/scripts/{script}`).
//!
//! The two path shapes differ only in the namespace segment, so one handler serves both: it
//! takes a [`ScriptRef`] (or a [`Place`] for lists) instead of a positional `Path` tuple, and
//! the router mounts it under both prefixes.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::reply::ApiError;

/// The path parameter naming the dispatch namespace.
pub const NAMESPACE_PARAM: &str = "namespace";
/// The path parameter naming the Worker.
pub const SCRIPT_PARAM: &str = "script";

/// Account-level Workers (`None`) or the user Workers of one dispatch namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub namespace: Option<String>,
}

/// Which script a request is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRef {
    /// `None` for account-level Workers, the dispatch namespace name for user Workers.
    pub namespace: Option<String>,
    pub name: String,
}

impl ScriptRef {
    pub fn account(name: impl Into<String>) -> Self {
        ScriptRef {
            namespace: None,
            name: name.into(),
        }
    }

    pub fn place(&self) -> Place {
        Place {
            namespace: self.namespace.clone(),
        }
    }
}

async fn path_params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<HashMap<String, String>, ApiError> {
    Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map(|Path(params)| params)
        .map_err(|rejection| ApiError::validation(format!("unreadable path: {rejection}")))
}

impl<S: Send + Sync> FromRequestParts<S> for Place {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let mut params = path_params(parts, state).await?;
        Ok(Place {
            namespace: params.remove(NAMESPACE_PARAM),
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ScriptRef {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let mut params = path_params(parts, state).await?;
        let name = params.remove(SCRIPT_PARAM).ok_or_else(|| {
            // Only a route without `{script}` can get here: a mistake in the router.
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                10001,
                "sandbox: this route does not name a Worker",
            )
        })?;
        Ok(ScriptRef {
            namespace: params.remove(NAMESPACE_PARAM),
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    async fn seen(uri: &str) -> String {
        let show = |r: ScriptRef| async move { format!("{:?}/{}", r.namespace, r.name) };
        let list = |p: Place| async move { format!("{:?}", p.namespace) };
        let app = Router::new()
            .route("/accounts/{account_id}/workers/scripts/{script}", get(show))
            .route(
                "/accounts/{account_id}/workers/dispatch/namespaces/{namespace}/scripts/{script}",
                get(show),
            )
            .route(
                "/accounts/{account_id}/workers/dispatch/namespaces/{namespace}/scripts",
                get(list),
            )
            .route("/accounts/{account_id}/workers/scripts", get(list));
        let response = app
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 10)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn account_and_dispatch_paths_name_the_same_kind_of_script() {
        assert_eq!(seen("/accounts/a/workers/scripts/w").await, "None/w");
        assert_eq!(
            seen("/accounts/a/workers/dispatch/namespaces/ns/scripts/w").await,
            "Some(\"ns\")/w"
        );
        assert_eq!(seen("/accounts/a/workers/scripts").await, "None");
        assert_eq!(
            seen("/accounts/a/workers/dispatch/namespaces/ns/scripts").await,
            "Some(\"ns\")"
        );
    }

    #[tokio::test]
    async fn path_segments_are_percent_decoded() {
        assert_eq!(
            seen("/accounts/a/workers/dispatch/namespaces/n%20s/scripts/w%2Dx").await,
            "Some(\"n s\")/w-x"
        );
    }
}
