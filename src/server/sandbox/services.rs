//! The Worker as a whole rather than its code: the service lookup wrangler starts every deploy
//! with (`…/workers/services/{name}`), the newer Workers API (`…/workers/workers/{id or name}`),
//! the non-versioned `script-settings`, workers.dev subdomains (the account's and each Worker's),
//! and the lists the sandbox has nothing in (custom domains, routes) or no such thing
//! (workflows: always not found).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::fields::{check_fields, SCRIPT_SETTINGS};
use super::place::ScriptRef;
use super::reply::{ApiError, Reply, Success};
use super::resources::{json_body, listed};
use super::scripts::{apply_script_settings, delete, existing, script_json, script_of};
use super::state::Script;
use super::Sandbox;

type Params = Query<HashMap<String, String>>;

/// 10090, the service lookup's "not found" (wrangler treats it like 10007).
fn service_not_found(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        10090,
        format!(
            "workers.api.error.service_not_found: there is no Worker named {name} on your account"
        ),
    )
}

fn service_name(params: &HashMap<String, String>) -> String {
    params.get("service").cloned().unwrap_or_default()
}

/// `GET …/workers/services/{service}`: the account Worker as a service with one environment.
pub async fn get_service(
    State(sandbox): State<Sandbox>,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let name = service_name(&params);
    sandbox.read(|state| {
        let r = ScriptRef::account(&name);
        let script = script_of(state, &r).map_err(|_| service_not_found(&name))?;
        let environment = json!({
            "environment": "production",
            "created_on": script.created_on,
            "modified_on": script.modified_on,
            "script": script_json(script)?,
        });
        Ok(Success::new(json!({
            "id": script.name,
            "default_environment": environment,
            "created_on": script.created_on,
            "modified_on": script.modified_on,
            "environments": [environment],
        })))
    })
}

/// `DELETE …/workers/services/{service}` (`?force=`): deletes the account Worker.
pub async fn delete_service(
    State(sandbox): State<Sandbox>,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let name = service_name(&params);
    let r = ScriptRef::account(&name);
    let exists = sandbox.read(|state| existing(state, &r).is_ok());
    if !exists {
        return Err(service_not_found(&name));
    }
    delete(&sandbox, &r)
}

fn setting_or(script: &Script, key: &str, default: Value) -> Value {
    script.settings.get(key).cloned().unwrap_or(default)
}

/// The newer Workers API's view of a Worker (SDK type `Worker`).
fn worker_json(script: &Script, subdomain: Option<&str>) -> Result<Value, ApiError> {
    let deployed_on = script.deployment()?.created_on.clone();
    let tail_consumers: Vec<Value> = script
        .settings
        .get("tail_consumers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| c.get("service"))
                .map(|name| json!({"name": name}))
                .collect()
        })
        .unwrap_or_default();
    let mut subdomain_json = json!({
        "enabled": script.subdomain.enabled,
        "previews_enabled": script.subdomain.previews_enabled,
    });
    if let Some(account) = subdomain {
        subdomain_json["url"] = json!(format!("https://{}.{account}.workers.dev", script.name));
    }
    Ok(json!({
        "id": script.tag,
        "name": script.name,
        "created_on": script.created_on,
        "updated_on": script.modified_on,
        "deployed_on": deployed_on,
        "logpush": setting_or(script, "logpush", json!(false)),
        "observability": setting_or(script, "observability", json!({"enabled": false})),
        "references": {
            "dispatch_namespace_outbounds": [],
            "domains": [],
            "durable_objects": [],
            "queues": [],
            "workers": [],
        },
        "subdomain": subdomain_json,
        "tags": setting_or(script, "tags", json!([])),
        "tail_consumers": tail_consumers,
    }))
}

/// `GET …/workers/workers/{worker}`: by name or by id (the tag).
pub async fn get_worker(
    State(sandbox): State<Sandbox>,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let wanted = params.get("worker").cloned().unwrap_or_default();
    sandbox.read(|state| {
        let script = state
            .scripts
            .iter()
            .find(|s| s.namespace.is_none() && (s.name == wanted || s.tag == wanted))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    10007,
                    format!("This Worker does not exist on your account. ({wanted})"),
                )
            })?;
        Ok(Success::new(worker_json(
            script,
            state.workers_subdomain.as_deref(),
        )?))
    })
}

fn script_settings_json(script: &Script) -> Value {
    json!({
        "logpush": setting_or(script, "logpush", json!(false)),
        "observability": setting_or(script, "observability", Value::Null),
        "tags": setting_or(script, "tags", Value::Null),
        "tail_consumers": setting_or(script, "tail_consumers", Value::Null),
    })
}

/// `GET …/scripts/{script}/script-settings`.
pub async fn get_script_settings(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| Ok(Success::new(script_settings_json(script_of(state, &r)?))))
}

/// `PATCH …/scripts/{script}/script-settings`: JSON with any of `logpush`, `observability`,
/// `tags`, `tail_consumers` (wrangler also sends `streaming_tail_consumers`); no new version.
pub async fn patch_script_settings(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    body: Bytes,
) -> Reply {
    let body = json_body(&body)?;
    check_fields(&body, "script-settings")?;
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = Arc::make_mut(&mut state.scripts[i]);
        apply_script_settings(script, &body);
        if SCRIPT_SETTINGS.iter().any(|key| body.contains_key(*key)) {
            script.modified_on = super::ids::now();
        }
        Ok(Success::new(script_settings_json(script)))
    })
}

/// `GET /accounts/{id}/workers/subdomain`: `{subdomain}`, or 10007 when none is registered.
pub async fn get_account_subdomain(State(sandbox): State<Sandbox>) -> Reply {
    sandbox.read(|state| match &state.workers_subdomain {
        Some(subdomain) => Ok(Success::new(json!({ "subdomain": subdomain }))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            10007,
            "This account has not registered a workers.dev subdomain.",
        )),
    })
}

/// `PUT /accounts/{id}/workers/subdomain`: `{subdomain}`.
pub async fn put_account_subdomain(State(sandbox): State<Sandbox>, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let subdomain = body
        .get("subdomain")
        .and_then(Value::as_str)
        .filter(|s| {
            (1..=63).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !s.starts_with('-')
                && !s.ends_with('-')
        })
        .ok_or_else(|| {
            ApiError::validation(
                "subdomain: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash",
            )
        })?
        .to_string();
    sandbox.change(|state| {
        state.workers_subdomain = Some(subdomain.clone());
        Ok(Success::new(json!({ "subdomain": subdomain })))
    })
}

fn subdomain_json(script: &Script) -> Value {
    json!({
        "enabled": script.subdomain.enabled,
        "previews_enabled": script.subdomain.previews_enabled,
    })
}

/// `GET …/scripts/{script}/subdomain`.
pub async fn get_script_subdomain(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| Ok(Success::new(subdomain_json(script_of(state, &r)?))))
}

/// `POST …/scripts/{script}/subdomain`: `{enabled, previews_enabled?}` (previews follow
/// `enabled` when not given).
pub async fn post_script_subdomain(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    body: Bytes,
) -> Reply {
    let body = json_body(&body)?;
    let enabled = body
        .get("enabled")
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::validation("enabled: must be true or false"))?;
    let previews_enabled = match body.get("previews_enabled") {
        None | Some(Value::Null) => enabled,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::validation(
                "previews_enabled: must be true or false",
            ))
        }
    };
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = Arc::make_mut(&mut state.scripts[i]);
        script.subdomain.enabled = enabled;
        script.subdomain.previews_enabled = previews_enabled;
        Ok(Success::new(subdomain_json(script)))
    })
}

/// `DELETE …/scripts/{script}/subdomain`: turns the workers.dev route off.
pub async fn delete_script_subdomain(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = Arc::make_mut(&mut state.scripts[i]);
        script.subdomain.enabled = false;
        script.subdomain.previews_enabled = false;
        Ok(Success::new(subdomain_json(script)))
    })
}

/// Lists the sandbox never has entries in (custom domains, a Worker's routes).
pub async fn nothing_listed(Query(query): Params) -> Reply {
    listed(Vec::new(), &query, 20)
}

/// A Worker's routes: none (the sandbox has no zones), once the Worker exists.
pub async fn list_script_routes(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| script_of(state, &r).map(|_| Success::new(json!([]))))
}

/// `GET /accounts/{id}/workflows/{name}`: the sandbox has no workflows (10200, as the API).
pub async fn get_workflow(Path(params): Path<HashMap<String, String>>) -> ApiError {
    let name = params.get("workflow").cloned().unwrap_or_default();
    ApiError::new(
        StatusCode::NOT_FOUND,
        10200,
        format!("Workflow not found: {name}"),
    )
}
