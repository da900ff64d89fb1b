//! Versions and deployments of account Workers: list and read versions, list, read, create and
//! delete deployments (gradual: one or two versions whose percentages add up to 100).
//!
//! Version uploads themselves are in [`super::scripts`]; a PUT upload, a settings PATCH, a
//! content upload and a secret change each add a version and deploy it alone.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::paging::Page;
use super::place::ScriptRef;
use super::reply::{ApiError, Reply, Success};
use super::resources::json_body;
use super::scripts::{existing, push_deployment, script_of, version_json, AUTHOR_EMAIL};
use super::state::{DeployedVersion, Deployment, Script};
use super::Sandbox;

type Params = Query<HashMap<String, String>>;

fn deployment_json(deployment: &Deployment) -> Value {
    json!({
        "id": deployment.id,
        "created_on": deployment.created_on,
        "source": deployment.source,
        "strategy": deployment.strategy,
        "author_email": AUTHOR_EMAIL,
        "annotations": deployment.annotations,
        "versions": deployment.versions.iter().map(|v| json!({
            "version_id": v.version_id,
            "percentage": percentage_json(v.percentage),
        })).collect::<Vec<_>>(),
    })
}

/// Whole percentages as integers (`100`, not `100.0`), as the API writes them.
fn percentage_json(percentage: f64) -> Value {
    if percentage.fract() == 0.0 {
        json!(percentage as i64)
    } else {
        json!(percentage)
    }
}

/// 10021 naming `field` (the real code for these refusals could not be confirmed).
fn invalid(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::validation(format!("{field}: {why}"))
}

fn unknown_version(script: &Script, id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        10021,
        format!(
            "version_id: the Worker {} has no version {id:?}",
            script.name
        ),
    )
}

/// The last path segment (a version or deployment id), after the `ScriptRef` ones.
fn id_param(params: &HashMap<String, String>, key: &str) -> String {
    params.get(key).cloned().unwrap_or_default()
}

/// `GET …/scripts/{script}/versions` (`?deployable=true`, `page`, `per_page`): newest first, as
/// `{items: [...]}`.
pub async fn list_versions(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Query(query): Params,
) -> Reply {
    let page = Page::from_query(&query, 10)?;
    let items = sandbox.read(|state| {
        let script = script_of(state, &r)?;
        Ok::<_, ApiError>(
            script
                .versions
                .iter()
                .rev()
                .map(|v| version_json(script, v))
                .collect::<Vec<_>>(),
        )
    })?;
    let (items, info) = page.slice(items);
    Ok(Success {
        result_info: Some(info),
        ..Success::new(json!({ "items": items }))
    })
}

/// `GET …/scripts/{script}/versions/{version_id}`.
pub async fn get_version(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let id = id_param(&params, "version_id");
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        let version = script
            .version(&id)
            .ok_or_else(|| unknown_version(script, &id))?;
        Ok(Success::new(version_json(script, version)))
    })
}

/// `GET …/scripts/{script}/deployments`: `{deployments: [...]}`, newest first.
pub async fn list_deployments(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        let deployments: Vec<Value> = script
            .deployments
            .iter()
            .rev()
            .map(deployment_json)
            .collect();
        Ok(Success::new(json!({ "deployments": deployments })))
    })
}

fn find_deployment<'a>(script: &'a Script, id: &str) -> Result<&'a Deployment, ApiError> {
    script
        .deployments
        .iter()
        .find(|d| d.id == id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                10021,
                format!(
                    "deployment_id: the Worker {} has no deployment {id:?}",
                    script.name
                ),
            )
        })
}

/// `GET …/scripts/{script}/deployments/{deployment_id}`.
pub async fn get_deployment(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let id = id_param(&params, "deployment_id");
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        Ok(Success::new(deployment_json(find_deployment(script, &id)?)))
    })
}

/// The versions of a deployment request, checked for their shape: 1–2 entries, known fields
/// of the right types, percentages from 0 to 100 adding up to 100.
fn requested_versions(body: &Map<String, Value>) -> Result<Vec<DeployedVersion>, ApiError> {
    match body.get("strategy") {
        Some(Value::String(s)) if s == "percentage" => {}
        _ => return Err(invalid("strategy", "must be \"percentage\"")),
    }
    let Some(list) = body.get("versions").and_then(Value::as_array) else {
        return Err(invalid(
            "versions",
            "must be an array of {\"version_id\", \"percentage\"}",
        ));
    };
    if list.is_empty() || list.len() > 2 {
        return Err(invalid(
            "versions",
            format!("a deployment has one or two versions, not {}", list.len()),
        ));
    }
    let mut out: Vec<DeployedVersion> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let version_id = entry
            .get("version_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid(&format!("versions[{i}].version_id"), "must be a version id"))?;
        let percentage = entry
            .get("percentage")
            .and_then(Value::as_f64)
            .filter(|p| (0.0..=100.0).contains(p))
            .ok_or_else(|| {
                invalid(
                    &format!("versions[{i}].percentage"),
                    "must be a number from 0 to 100",
                )
            })?;
        if out.iter().any(|v| v.version_id == version_id) {
            return Err(invalid(
                &format!("versions[{i}].version_id"),
                format!("{version_id} is listed twice"),
            ));
        }
        out.push(DeployedVersion {
            version_id: version_id.to_string(),
            percentage,
        });
    }
    let total: f64 = out.iter().map(|v| v.percentage).sum();
    if (total - 100.0).abs() > 1e-6 {
        return Err(invalid(
            "versions",
            format!("the percentages must add up to 100, not {total}"),
        ));
    }
    Ok(out)
}

/// The names of secrets whose value differs between the deployed version and a target one.
fn changed_secrets(script: &Script, targets: &[DeployedVersion]) -> Result<Vec<String>, ApiError> {
    let secret = |bindings: &[Value], name: &str| -> Option<Value> {
        bindings
            .iter()
            .find(|b| {
                b.get("name").and_then(Value::as_str) == Some(name)
                    && matches!(
                        b.get("type").and_then(Value::as_str),
                        Some("secret_text" | "secret_key")
                    )
            })
            .cloned()
    };
    let current = script.deployed()?;
    let mut changed = Vec::new();
    for target in targets {
        let Some(version) = script.version(&target.version_id) else {
            continue;
        };
        for binding in &current.bindings {
            let Some(name) = binding.get("name").and_then(Value::as_str) else {
                continue;
            };
            let Some(now) = secret(&current.bindings, name) else {
                continue;
            };
            if secret(&version.bindings, name).is_some_and(|then| then != now)
                && !changed.iter().any(|c| c == name)
            {
                changed.push(name.to_string());
            }
        }
    }
    Ok(changed)
}

/// `POST …/scripts/{script}/deployments` (`?force=true`): JSON `{strategy: "percentage",
/// versions: [{version_id, percentage}], annotations: {"workers/message"}}`; other fields
/// (`code_update_strategy`...) pass.
pub async fn create_deployment(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Query(query): Params,
    body: Bytes,
) -> Reply {
    let body = json_body(&body)?;
    let versions = requested_versions(&body)?;
    let mut annotations = match body.get("annotations") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(_) => return Err(invalid("annotations", "must be an object")),
    };
    if annotations.values().any(|v| !v.is_string()) {
        return Err(invalid("annotations", "values must be strings"));
    }
    let force = query.get("force").is_some_and(|f| f == "true");
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = &state.scripts[i];
        if let Some(missing) = versions.iter().find(|v| script.version(&v.version_id).is_none()) {
            return Err(unknown_version(script, &missing.version_id));
        }
        if !force {
            let changed = changed_secrets(script, &versions)?;
            if !changed.is_empty() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    10220,
                    format!(
                        "The version you are deploying has secrets that differ from the current \
                         deployment; deploy with force=true to use them. The following secrets have \
                         changed: {}",
                        changed.join(", ")
                    ),
                ));
            }
        }
        // Back to one older version, alone: a rollback; anything else promotes versions.
        let newest = script.latest()?.id.clone();
        let rollback = matches!(versions.as_slice(), [only] if only.version_id != newest
            && script.deployed()?.id != only.version_id);
        annotations
            .entry("workers/triggered_by")
            .or_insert_with(|| json!(if rollback { "rollback" } else { "promotion" }));
        let script = Arc::make_mut(&mut state.scripts[i]);
        let deployment = push_deployment(script, versions, annotations);
        Ok(Success::new(deployment_json(deployment)))
    })
}

/// `DELETE …/scripts/{script}/deployments/{deployment_id}`: any but the current one.
pub async fn delete_deployment(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Path(params): Path<HashMap<String, String>>,
) -> Reply {
    let id = id_param(&params, "deployment_id");
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = &state.scripts[i];
        find_deployment(script, &id)?;
        if script.deployment()?.id == id {
            return Err(invalid(
                "deployment_id",
                "the current deployment cannot be deleted: deploy other versions first",
            ));
        }
        let script = Arc::make_mut(&mut state.scripts[i]);
        script.deployments.retain(|d| d.id != id);
        Ok(Success::new(Value::Null))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn deployments_have_one_or_two_versions_adding_up_to_100() {
        let ok = requested_versions(&body(json!({
            "strategy": "percentage",
            "versions": [{"version_id": "a", "percentage": 10}, {"version_id": "b", "percentage": 90}],
            "code_update_strategy": "anything newer clients send",
        })))
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].percentage, 90.0);
        for (request, field) in [
            (
                json!({"versions": [{"version_id": "a", "percentage": 100}]}),
                "strategy",
            ),
            (json!({"strategy": "percentage"}), "versions"),
            (
                json!({"strategy": "percentage", "versions": []}),
                "versions",
            ),
            (
                json!({"strategy": "percentage", "versions": [
                {"version_id": "a", "percentage": 50}, {"version_id": "b", "percentage": 30},
                {"version_id": "c", "percentage": 20}]}),
                "versions",
            ),
            (
                json!({"strategy": "percentage", "versions": [
                {"version_id": "a", "percentage": 50}, {"version_id": "b", "percentage": 40}]}),
                "versions",
            ),
            (
                json!({"strategy": "percentage", "versions": [{"version_id": "a", "percentage": 101}]}),
                "versions[0].percentage",
            ),
            (
                json!({"strategy": "percentage", "versions": [{"percentage": 100}]}),
                "versions[0].version_id",
            ),
            (
                json!({"strategy": "percentage", "versions": [
                {"version_id": "a", "percentage": 50}, {"version_id": "a", "percentage": 50}]}),
                "versions[1].version_id",
            ),
        ] {
            let error = requested_versions(&body(request.clone())).unwrap_err();
            assert_eq!(error.code, 10021, "{request}");
            assert!(
                error.message.starts_with(&format!("{field}: ")),
                "{request}: {}",
                error.message
            );
        }
    }
}
