//! The sandbox: an in-process emulation of the Cloudflare API that the real clients of the API
//! (wrangler, the official SDK, people's own upload code, Bindery) run against unchanged: strict
//! in the ways the real API is (reference sections b–f), lenient where it cannot judge.
//!
//! - [`state`]: what it remembers; [`persist`]: `--sandbox-state` (a snapshot and a journal of
//!   changes); [`validate`]: a loaded state checked whole;
//! - [`reply`]: the v4 envelope; [`paging`]: `page`/`per_page`; [`ids`]: ids and timestamps;
//! - [`auth`]: bearer token and account id checks; [`limit`]: `--sandbox-rate-limit`;
//! - [`place`]: which Worker a path names (account or dispatch namespace);
//! - [`form`]: reading multipart bodies; [`fields`], [`code`] and [`bindings`]: judging an upload;
//! - [`resources`]: accounts, token verify, KV, R2, D1, queues, dispatch namespaces;
//! - [`scripts`]: uploads, settings, content, list, delete; [`versions`]: versions and
//!   deployments; [`secrets`]; [`assets`]: static assets upload sessions; [`services`]: the
//!   service lookup, the newer Workers API, script-settings, subdomains, empty lists.
//!
//! Concurrency: one lock over the whole state, taken once per request (the rate limiter has its
//! own and never holds it while taking the state's; the journal's is only taken inside the
//! state's). A change works on a cheap copy that replaces the state only when the change and its
//! record on disk both succeeded, so there is no lost update and no half-applied refusal.

pub mod assets;
pub mod auth;
pub mod bindings;
pub mod code;
pub mod fields;
pub mod form;
pub mod ids;
pub mod limit;
pub mod paging;
pub mod persist;
pub mod place;
pub mod reply;
pub mod resources;
pub mod scripts;
pub mod secrets;
pub mod services;
pub mod state;
pub mod validate;
pub mod versions;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use limit::{Limiter, RateLimit};
use reply::ApiError;
use state::State;

/// The one account of the sandbox.
pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ACCOUNT_NAME: &str = "Bindery Sandbox";

/// A handle on the sandbox state (cheap to clone; all clones share the state).
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    store: Option<persist::Store>,
    limiter: OnceLock<Arc<Limiter>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("persisted", &self.inner.store.is_some())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A fresh sandbox that forgets everything when the server stops.
    pub fn in_memory() -> Self {
        Sandbox::with_state(State::default(), None)
    }

    /// A sandbox kept in `path` (and `path.journal`, see [`persist`]); loaded from there when it
    /// exists, after checking the whole state ([`validate::validate`]).
    pub fn open(path: &Path) -> Result<Self, String> {
        let (store, state) = persist::Store::open(path, |state| {
            validate::upgrade(state);
            validate::validate(state)
        })?;
        Ok(Sandbox::with_state(state, Some(store)))
    }

    fn with_state(state: State, store: Option<persist::Store>) -> Self {
        Sandbox {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                store,
                limiter: OnceLock::new(),
            }),
        }
    }

    /// Limits each token to `limit` (before the router is built; a second call is ignored).
    pub fn set_rate_limit(&self, limit: RateLimit) {
        let _ = self.inner.limiter.set(Arc::new(Limiter::new(limit)));
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A change never writes into the locked state before it has fully succeeded (see
        // `change`), so a panic while holding the lock leaves a consistent state: keep serving.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the whole state (for tests and inspection).
    pub fn snapshot(&self) -> State {
        self.lock().clone()
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the state: `f` works on a copy, which becomes the state (and is recorded on
    /// disk, when the sandbox has a file) only if `f` succeeds; on any error the state is left
    /// exactly as it was.
    pub fn change<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut state = self.lock();
        let mut draft = state.clone();
        let result = f(&mut draft)?;
        if let Some(store) = &self.inner.store {
            store.record(&state, &draft)?;
        }
        *state = draft;
        Ok(result)
    }
}

/// Every answer in the envelope: a failure that did not come from a handler (a path or query
/// the extractors could not read, a body that broke off) is wrapped, its text kept.
async fn enveloped(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let code = if status.is_server_error() {
        10001
    } else {
        10021
    };
    let message = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text.trim().to_string()
    };
    ApiError::new(status, code, message).into_response()
}

/// A panic in a handler (a bug) still answers in the envelope, and the state is untouched.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        10001,
        "sandbox: internal error (a bug in the sandbox; nothing was changed)",
    )
    .into_response()
}

/// The sandbox API, with paths relative to `/client/v4` (e.g. `/accounts`).
pub fn router(sandbox: Sandbox) -> Router {
    use assets as a;
    use resources as r;
    use scripts as s;
    use secrets as sec;
    use services as svc;
    use versions as v;
    let account = "/accounts/{account_id}";
    let workers = format!("{account}/workers");
    let script = format!("{workers}/scripts/{{script}}");
    let namespace = format!("{workers}/dispatch/namespaces/{{namespace}}");
    let user_script = format!("{namespace}/scripts/{{script}}");
    let mut router = Router::new()
        .route("/user/tokens/verify", get(r::verify_token))
        .route("/accounts", get(r::list_accounts))
        .route(&format!("{account}/tokens/verify"), get(r::verify_token))
        .route(
            &format!("{account}/storage/kv/namespaces"),
            get(r::list_kv).post(r::create_kv),
        )
        .route(
            &format!("{account}/r2/buckets"),
            get(r::list_r2).post(r::create_r2),
        )
        .route(&format!("{account}/r2/buckets/{{bucket}}"), get(r::get_r2))
        .route(
            &format!("{account}/d1/database"),
            get(r::list_d1).post(r::create_d1),
        )
        .route(
            &format!("{account}/d1/database/{{database}}"),
            get(r::get_d1),
        )
        .route(
            &format!("{account}/queues"),
            get(r::list_queues).post(r::create_queue),
        )
        .route(&format!("{account}/hyperdrive/configs"), get(r::empty_list))
        .route(
            &format!("{account}/vectorize/v2/indexes"),
            get(r::empty_list),
        )
        .route(&format!("{account}/mtls_certificates"), get(r::empty_list))
        .route(
            &format!("{account}/workflows/{{workflow}}"),
            get(svc::get_workflow),
        )
        .route(
            &format!("{workers}/dispatch/namespaces"),
            get(r::list_dispatch).post(r::create_dispatch),
        )
        .route(&namespace, get(r::get_dispatch))
        .route(
            &format!("{workers}/services/{{service}}"),
            get(svc::get_service).delete(svc::delete_service),
        )
        .route(
            &format!("{workers}/workers/{{worker}}"),
            get(svc::get_worker),
        )
        .route(
            &format!("{workers}/subdomain"),
            get(svc::get_account_subdomain).put(svc::put_account_subdomain),
        )
        .route(&format!("{workers}/domains"), get(svc::nothing_listed))
        .route(&format!("{workers}/assets/upload"), post(a::upload_files))
        // Account-only Worker endpoints (the API has no dispatch-namespace twin of these).
        .route(
            &script,
            put(s::upload_script)
                .get(s::download_script)
                .delete(s::delete_script),
        )
        .route(
            &format!("{script}/versions"),
            get(v::list_versions).post(s::upload_version),
        )
        .route(
            &format!("{script}/versions/{{version_id}}"),
            get(v::get_version),
        )
        .route(
            &format!("{script}/deployments"),
            get(v::list_deployments).post(v::create_deployment),
        )
        .route(
            &format!("{script}/deployments/{{deployment_id}}"),
            get(v::get_deployment).delete(v::delete_deployment),
        )
        .route(
            &format!("{script}/script-settings"),
            get(svc::get_script_settings).patch(svc::patch_script_settings),
        )
        .route(
            &format!("{script}/subdomain"),
            get(svc::get_script_subdomain)
                .post(svc::post_script_subdomain)
                .delete(svc::delete_script_subdomain),
        )
        .route(&format!("{script}/routes"), get(svc::list_script_routes))
        .route(&format!("{script}/content"), put(s::put_script_content))
        .route(&format!("{script}/content/v2"), get(s::download_script))
        .route(&format!("{workers}/scripts"), get(s::list_scripts))
        // User Workers: the namespace's own view of a script.
        .route(&format!("{namespace}/scripts"), get(s::list_scripts))
        .route(
            &user_script,
            put(s::upload_script)
                .get(s::get_user_script)
                .delete(s::delete_script),
        )
        .route(&format!("{user_script}/bindings"), get(s::get_bindings))
        .route(
            &format!("{user_script}/content"),
            put(s::put_script_content).get(s::download_script),
        );
    // Both places: one handler each, reading the place from the path (see `place`).
    for base in [&script, &user_script] {
        router = router
            .route(
                &format!("{base}/settings"),
                get(s::get_script_settings).patch(s::patch_script_settings),
            )
            .route(
                &format!("{base}/secrets"),
                get(sec::list_secrets).put(sec::put_secret),
            )
            .route(
                &format!("{base}/secrets/{{secret_name}}"),
                get(sec::get_secret).delete(sec::delete_secret),
            )
            .route(
                &format!("{base}/secrets-bulk"),
                axum::routing::patch(sec::bulk_secrets),
            )
            .route(
                &format!("{base}/assets-upload-session"),
                post(a::upload_session),
            );
    }
    let mut router = router
        .fallback(auth::no_route)
        .method_not_allowed_fallback(auth::method_not_allowed);
    if let Some(limiter) = sandbox.inner.limiter.get() {
        router = router.layer(from_fn_with_state(limiter.clone(), limit::rate_limit));
    }
    router
        .layer(from_fn(auth::check_account))
        .layer(from_fn(auth::require_token))
        .layer(DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::custom(panicked))
        .layer(from_fn(enveloped))
        .with_state(sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_files_are_loaded_and_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandbox.json");
        let sandbox = Sandbox::open(&path).unwrap();
        assert!(path.exists());
        sandbox
            .change(|s| {
                s.kv_namespaces.push(state::KvNamespace {
                    id: "a".into(),
                    title: "t".into(),
                });
                Ok(())
            })
            .unwrap();
        let reopened = Sandbox::open(&path).unwrap();
        assert_eq!(reopened.snapshot().kv_namespaces[0].title, "t");
        std::fs::write(&path, "not json").unwrap();
        assert!(Sandbox::open(&path).unwrap_err().contains("not valid"));
    }

    #[test]
    fn a_failed_change_leaves_the_state_untouched() {
        let sandbox = Sandbox::in_memory();
        sandbox
            .change(|s| {
                s.queues.push(state::Queue {
                    queue_id: "q".into(),
                    queue_name: "jobs".into(),
                    created_on: String::new(),
                });
                Ok(())
            })
            .unwrap();
        let result: Result<(), ApiError> = sandbox.change(|s| {
            s.queues.clear();
            s.workers_subdomain = None;
            Err(ApiError::validation("no"))
        });
        assert_eq!(result.unwrap_err().code, 10021);
        let after = sandbox.snapshot();
        assert_eq!(after.queues.len(), 1, "the refused change cleared nothing");
        assert_eq!(
            after.workers_subdomain.as_deref(),
            Some(state::DEFAULT_SUBDOMAIN)
        );
    }

    #[test]
    fn a_panicking_change_leaves_the_state_untouched_and_the_sandbox_serving() {
        let sandbox = Sandbox::in_memory();
        let clone = sandbox.clone();
        let outcome = std::thread::spawn(move || {
            clone.change(|s| -> Result<(), ApiError> {
                s.kv_namespaces.push(state::KvNamespace {
                    id: "x".into(),
                    title: "x".into(),
                });
                panic!("a bug")
            })
        })
        .join();
        assert!(outcome.is_err());
        assert!(sandbox.snapshot().kv_namespaces.is_empty());
        assert!(sandbox.change(|_| Ok(())).is_ok());
    }
}
