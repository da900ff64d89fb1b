//! The sandbox: an in-process emulation of the Cloudflare API endpoints Bindery uses, strict in
//! the ways the real API is (reference sections b–f) and lenient where it cannot judge.
//!
//! - [`state`]: what it remembers (one account's resources and Workers), saved as JSON;
//! - [`reply`]: the v4 envelope; [`paging`]: `page`/`per_page`; [`ids`]: ids and timestamps;
//! - [`auth`]: bearer token and account id checks; [`place`]: which Worker a path names;
//! - [`form`]: reading multipart bodies; [`code`] and [`bindings`]: judging an upload;
//! - [`resources`]: accounts, token verify, KV, R2, D1, queues, dispatch namespaces;
//! - [`scripts`]: uploads, versions, settings, content, list, delete.

pub mod auth;
pub mod bindings;
pub mod code;
pub mod form;
pub mod ids;
pub mod paging;
pub mod place;
pub mod reply;
pub mod resources;
pub mod scripts;
pub mod state;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::routing::{get, post, put};
use axum::Router;

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
    file: Option<PathBuf>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("file", &self.inner.file)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A fresh sandbox that forgets everything when the server stops.
    pub fn in_memory() -> Self {
        Sandbox::with_state(State::default(), None)
    }

    /// A sandbox saved to `path` after every change; loaded from it when it exists.
    pub fn open(path: &Path) -> Result<Self, String> {
        let state = if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read sandbox state {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("sandbox state {} is not valid: {e}", path.display()))?
        } else {
            State::default()
        };
        let sandbox = Sandbox::with_state(state, Some(path.to_path_buf()));
        sandbox.save(&sandbox.lock()).map_err(|e| e.message)?;
        Ok(sandbox)
    }

    fn with_state(state: State, file: Option<PathBuf>) -> Self {
        Sandbox {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                file,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-changed in a way that
        // matters more than stopping the sandbox would, so keep serving.
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

    /// Changes the state; when `f` succeeds the state is saved (if a file was given).
    pub fn change<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut state = self.lock();
        let result = f(&mut state)?;
        self.save(&state)?;
        Ok(result)
    }

    fn save(&self, state: &State) -> Result<(), ApiError> {
        let Some(path) = &self.inner.file else {
            return Ok(());
        };
        let failed = |e: std::io::Error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                10001,
                format!("sandbox: cannot save its state to {}: {e}", path.display()),
            )
        };
        let text =
            serde_json::to_vec_pretty(state).map_err(|e| failed(std::io::Error::other(e)))?;
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, text).map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }
}

/// The sandbox API, with paths relative to `/client/v4` (e.g. `/accounts`).
pub fn router(sandbox: Sandbox) -> Router {
    use resources as r;
    use scripts as s;
    let account = "/accounts/{account_id}";
    let script = format!("{account}/workers/scripts/{{script}}");
    let namespace = format!("{account}/workers/dispatch/namespaces/{{namespace}}");
    let user_script = format!("{namespace}/scripts/{{script}}");
    Router::new()
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
        .route(
            &format!("{account}/d1/database"),
            get(r::list_d1).post(r::create_d1),
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
            &format!("{account}/workers/dispatch/namespaces"),
            get(r::list_dispatch).post(r::create_dispatch),
        )
        .route(&namespace, get(r::get_dispatch))
        // Account Workers and user Workers share handlers: they read the place from the path.
        .route(&format!("{account}/workers/scripts"), get(s::list_scripts))
        .route(&format!("{namespace}/scripts"), get(s::list_scripts))
        .route(
            &script,
            put(s::upload_script)
                .get(s::download_script)
                .delete(s::delete_script),
        )
        .route(
            &user_script,
            put(s::upload_script)
                .get(s::get_user_script)
                .delete(s::delete_script),
        )
        .route(&format!("{script}/versions"), post(s::upload_version))
        .route(&format!("{script}/content/v2"), get(s::download_script))
        .route(&format!("{user_script}/bindings"), get(s::get_bindings))
        .route(
            &format!("{user_script}/content"),
            put(s::put_script_content).get(s::download_script),
        )
        .route(&format!("{script}/content"), put(s::put_script_content))
        .route(
            &format!("{script}/settings"),
            get(s::get_script_settings).patch(s::patch_script_settings),
        )
        .route(
            &format!("{user_script}/settings"),
            get(s::get_script_settings).patch(s::patch_script_settings),
        )
        .fallback(auth::no_route)
        .method_not_allowed_fallback(auth::method_not_allowed)
        .layer(from_fn(auth::check_account))
        .layer(from_fn(auth::require_token))
        .layer(DefaultBodyLimit::disable())
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
    fn failed_changes_are_not_saved() {
        let sandbox = Sandbox::in_memory();
        let result: Result<(), ApiError> = sandbox.change(|s| {
            s.queues.clear();
            Err(ApiError::validation("no"))
        });
        assert!(result.is_err());
    }
}
