//! Secrets of account Workers and user Workers: put one, list, read one, delete one, and the
//! bulk change (`secrets-bulk`, a JSON merge patch of name → secret or `null`).
//!
//! A secret is a `secret_text` (or `secret_key`) binding of the deployed version; each change
//! makes a new version with the changed bindings and deploys it alone, so it needs the newest
//! version to be the deployed one (10215 otherwise, as wrangler expects).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::bindings::check_binding;
use super::place::ScriptRef;
use super::reply::{ApiError, Reply, Success};
use super::resources::json_body;
use super::scripts::{add_version, existing, latest_not_deployed, script_of, NewVersion};
use super::state::State as SandboxState;
use super::Sandbox;

const SECRET_TYPES: &[&str] = &["secret_text", "secret_key"];
/// Longest secret name the sandbox takes.
const MAX_NAME: usize = 1024;

fn is_secret(binding: &Value) -> bool {
    binding
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| SECRET_TYPES.contains(&t))
}

fn name_of(binding: &Value) -> Option<&str> {
    binding.get("name").and_then(Value::as_str)
}

/// How a secret is shown: everything but its value.
fn shown(binding: &Value) -> Value {
    super::bindings::redacted(binding)
}

/// A secret name: not empty, at most 1024 characters, no control characters.
fn check_secret_name(name: &str, field: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::validation(format!(
            "{field}: {name:?} is not a valid secret name (1 to {MAX_NAME} characters, no control characters)"
        )));
    }
    Ok(())
}

/// A secret object of a request, checked like any binding of its type.
fn secret_binding(value: &Value, field: &str, state: &SandboxState) -> Result<Value, ApiError> {
    let object = value
        .as_object()
        .ok_or_else(|| ApiError::validation(format!("{field}: must be a secret object")))?;
    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    check_secret_name(name, &format!("{field}.name"))?;
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("secret_text");
    if !SECRET_TYPES.contains(&kind) {
        return Err(ApiError::validation(format!(
            "{field}.type: {kind:?} is not secret_text or secret_key"
        )));
    }
    let mut binding = Value::Object(object.clone());
    binding["type"] = json!(kind);
    check_binding(&binding, 0, state)?;
    Ok(binding)
}

/// 10056, as the API answers a secret that is not there.
fn binding_not_found(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        10056,
        format!("Binding '{name}' not found."),
    )
}

/// 10053: the name belongs to a binding that is not a secret.
fn name_in_use(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        10053,
        format!("Binding name '{name}' already in use."),
    )
}

/// Applies secret changes (name → new secret, or `None` to delete) as one new deployed version.
fn change_secrets(
    state: &mut SandboxState,
    r: &ScriptRef,
    changes: Vec<(String, Option<Value>)>,
) -> Result<(), ApiError> {
    let i = existing(state, r)?;
    let script = &state.scripts[i];
    if !script.latest_is_deployed()? {
        return Err(latest_not_deployed(10215, "Secret change"));
    }
    let latest = script.latest()?.clone();
    let mut bindings = latest.bindings.clone();
    for (name, secret) in changes {
        let at = bindings
            .iter()
            .position(|b| name_of(b) == Some(name.as_str()));
        match (secret, at) {
            (Some(_), Some(at)) if !is_secret(&bindings[at]) => return Err(name_in_use(&name)),
            (Some(secret), Some(at)) => bindings[at] = secret,
            (Some(secret), None) => bindings.push(secret),
            (None, Some(at)) if is_secret(&bindings[at]) => {
                bindings.remove(at);
            }
            (None, _) => return Err(binding_not_found(&name)),
        }
    }
    let mut settings = latest.settings;
    settings.remove("annotations");
    let new = NewVersion {
        code: latest.code,
        bindings,
        settings,
        assets: latest.assets,
        triggered_by: "secret",
    };
    add_version(state, r, Some(i), new, true)?;
    Ok(())
}

/// `PUT …/scripts/{script}/secrets`: `{name, text, type: "secret_text"}` (or a `secret_key`).
pub async fn put_secret(State(sandbox): State<Sandbox>, r: ScriptRef, body: Bytes) -> Reply {
    let body = Value::Object(json_body(&body)?);
    sandbox.change(|state| {
        let secret = secret_binding(&body, "secret", state)?;
        let name = name_of(&secret).unwrap_or_default().to_string();
        let result = shown(&secret);
        change_secrets(state, &r, vec![(name, Some(secret))])?;
        Ok(Success::new(result))
    })
}

/// `GET …/scripts/{script}/secrets`: the deployed version's secrets, without values.
pub async fn list_secrets(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        let secrets: Vec<Value> = script
            .deployed()?
            .bindings
            .iter()
            .filter(|b| is_secret(b))
            .map(shown)
            .collect();
        Ok(Success::new(Value::Array(secrets)))
    })
}

/// The secret name of a `…/secrets/{secret_name}` path. Path segments arrive percent-decoded
/// once, which is what `url_encoded=true` (wrangler's flag for a name it encoded) asks for.
fn secret_name(params: &HashMap<String, String>) -> String {
    params.get("secret_name").cloned().unwrap_or_default()
}

/// `GET …/scripts/{script}/secrets/{secret_name}`.
pub async fn get_secret(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let name = secret_name(&params);
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        script
            .deployed()?
            .bindings
            .iter()
            .find(|b| is_secret(b) && name_of(b) == Some(name.as_str()))
            .map(|b| Success::new(shown(b)))
            .ok_or_else(|| binding_not_found(&name))
    })
}

/// `DELETE …/scripts/{script}/secrets/{secret_name}`.
pub async fn delete_secret(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let name = secret_name(&params);
    sandbox.change(|state| {
        change_secrets(state, &r, vec![(name, None)])?;
        Ok(Success::new(Value::Null))
    })
}

/// `PATCH …/scripts/{script}/secrets-bulk`: `{secrets: {NAME: {name, text, type} | null}}`
/// (wrangler sends it as `application/merge-patch+json`). Answers the secrets now set.
pub async fn bulk_secrets(State(sandbox): State<Sandbox>, r: ScriptRef, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let Some(Value::Object(secrets)) = body.get("secrets") else {
        return Err(ApiError::validation(
            "secrets: must be an object of name → secret (or null to delete it)",
        ));
    };
    sandbox.change(|state| {
        let mut changes = Vec::new();
        let mut result = Map::new();
        for (key, value) in secrets {
            let field = format!("secrets.{key}");
            if value.is_null() {
                check_secret_name(key, &field)?;
                changes.push((key.clone(), None));
                continue;
            }
            let mut secret = value.clone();
            if secret.get("name").is_none() {
                if let Some(object) = secret.as_object_mut() {
                    object.insert("name".into(), json!(key));
                }
            }
            let secret = secret_binding(&secret, &field, state)?;
            if name_of(&secret) != Some(key.as_str()) {
                return Err(ApiError::validation(format!(
                    "{field}.name: must be the key it is listed under ({key})"
                )));
            }
            result.insert(key.clone(), shown(&secret));
            changes.push((key.clone(), Some(secret)));
        }
        change_secrets(state, &r, changes)?;
        Ok(Success::new(Value::Object(result)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for ok in ["API_KEY", "a", "with space", "ünïcode"] {
            assert!(check_secret_name(ok, "name").is_ok(), "{ok}");
        }
        for bad in ["", "a\nb", "tab\there", &"x".repeat(1025)] {
            let error = check_secret_name(bad, "secret.name").unwrap_err();
            assert_eq!(error.code, 10021);
            assert!(error.message.starts_with("secret.name: "));
        }
    }
}
