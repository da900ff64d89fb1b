//! Worker scripts, account-level and in dispatch namespaces: upload (PUT), version upload,
//! settings GET/PATCH, bindings GET, content PUT/GET, list, delete.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::bindings::{
    bindings_field, keep_bindings_field, patched_bindings, redacted_all, upload_bindings,
    InheritMode,
};
use super::code::{code_of, entry_of, raw_script, Entry};
use super::form::{read_multipart, read_upload, UploadBody};
use super::ids::{now, uuid};
use super::paging::Page;
use super::place::{Place, ScriptRef};
use super::reply::{ApiError, Reply, Success};
use super::resources::namespace_not_found;
use super::state::{Code, Script, State as SandboxState, Syntax, Version};
use super::{Sandbox, ACCOUNT_ID};

/// Settings carried by a version (replaced by each upload).
const VERSIONED_SETTINGS: &[&str] = &[
    "compatibility_date",
    "compatibility_flags",
    "usage_model",
    "placement",
    "limits",
    "annotations",
    "assets",
    "exports",
    "cache_options",
];
/// Script-level settings (kept by an upload that does not give them).
const SCRIPT_SETTINGS: &[&str] = &["logpush", "tail_consumers", "observability", "tags"];
/// How many versions a script keeps (older ones can no longer be inherited from).
const KEPT_VERSIONS: usize = 50;

/// Worker names: lowercase letters, digits, `-` and `_`, 1 to 63 long, no dash at either end.
pub fn check_script_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            10016,
            format!(
                "Invalid Worker name {name:?}: use 1-63 lowercase letters, digits, dashes or underscores, \
                 not starting or ending with a dash"
            ),
        ))
    }
}

fn find_index(state: &SandboxState, r: &ScriptRef) -> Option<usize> {
    state
        .scripts
        .iter()
        .position(|s| s.namespace == r.namespace && s.name == r.name)
}

fn not_found(r: &ScriptRef) -> ApiError {
    let place = match &r.namespace {
        Some(ns) => format!("in dispatch namespace {ns}"),
        None => "on your account".to_string(),
    };
    ApiError::new(
        StatusCode::NOT_FOUND,
        10007,
        format!("This Worker ({}) does not exist {place}.", r.name),
    )
}

/// A dispatch namespace that does not exist is 100119, whatever is asked of it.
fn require_namespace(state: &SandboxState, namespace: Option<&str>) -> Result<(), ApiError> {
    match namespace {
        Some(ns)
            if !state
                .dispatch_namespaces
                .iter()
                .any(|n| n.namespace_name == ns) =>
        {
            Err(namespace_not_found(ns))
        }
        _ => Ok(()),
    }
}

/// The index of an existing script, or 100119 / 10007.
fn existing(state: &SandboxState, r: &ScriptRef) -> Result<usize, ApiError> {
    require_namespace(state, r.namespace.as_deref())?;
    find_index(state, r).ok_or_else(|| not_found(r))
}

fn setting<'a>(version: &'a Version, key: &str) -> Option<&'a Value> {
    version.settings.get(key)
}

fn script_json(script: &Script) -> Value {
    let latest = script.latest();
    let mut value = json!({
        "id": script.name,
        "etag": latest.code.etag(),
        "handlers": latest.code.handlers(),
        "created_on": script.created_on,
        "modified_on": script.modified_on,
        "compatibility_date": setting(latest, "compatibility_date"),
        "compatibility_flags": setting(latest, "compatibility_flags").cloned().unwrap_or(json!([])),
        "usage_model": setting(latest, "usage_model").cloned().unwrap_or(json!("standard")),
        "has_modules": latest.code.syntax == Syntax::Module,
        "has_assets": false,
        "logpush": setting(latest, "logpush").cloned().unwrap_or(json!(false)),
        "tail_consumers": setting(latest, "tail_consumers"),
        "startup_time_ms": 1,
    });
    if let Some(tag) = &script.migration_tag {
        value["migration_tag"] = json!(tag);
    }
    if let Some(ns) = &script.namespace {
        value["dispatch_namespace"] = json!(ns);
    }
    value
}

fn version_json(version: &Version) -> Value {
    json!({
        "id": version.id,
        "number": version.number,
        "metadata": {
            "author_id": ACCOUNT_ID,
            "author_email": "sandbox@bindery.invalid",
            "created_on": version.created_on,
            "modified_on": version.created_on,
            "source": "api",
            "has_preview": false,
        },
        "annotations": setting(version, "annotations"),
        "resources": {
            "bindings": redacted_all(&version.bindings),
            "script": {"etag": version.code.etag(), "handlers": version.code.handlers()},
            "script_runtime": {
                "compatibility_date": setting(version, "compatibility_date"),
                "compatibility_flags": setting(version, "compatibility_flags").cloned().unwrap_or(json!([])),
                "usage_model": setting(version, "usage_model").cloned().unwrap_or(json!("standard")),
            },
        },
        "startup_time_ms": 1,
    })
}

fn settings_json(script: &Script) -> Value {
    let latest = script.latest();
    let mut value = json!({
        "bindings": redacted_all(&latest.bindings),
        "compatibility_flags": [],
        "usage_model": "standard",
        "logpush": false,
        "tail_consumers": null,
        "placement": {},
        "tags": [],
    });
    for (key, setting) in &latest.settings {
        value[key] = setting.clone();
    }
    if let Some(tag) = &script.migration_tag {
        value["migrations"] = json!({"tag": tag});
    }
    value
}

/// Settings of a new version: versioned ones from the metadata, script-level ones kept unless given.
fn upload_settings(
    metadata: &Map<String, Value>,
    previous: Option<&Version>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for key in VERSIONED_SETTINGS.iter().chain(SCRIPT_SETTINGS) {
        let given = metadata.get(*key).filter(|v| !v.is_null());
        let kept = SCRIPT_SETTINGS
            .contains(key)
            .then(|| previous.and_then(|v| v.settings.get(*key)))
            .flatten();
        if let Some(value) = given.or(kept) {
            out.insert(key.to_string(), value.clone());
        }
    }
    out
}

/// The migration tag after an upload: `old_tag` must match the current one; `new_tag` replaces it.
fn migrated_tag(
    metadata: &Map<String, Value>,
    current: Option<&String>,
) -> Result<Option<String>, ApiError> {
    let Some(migrations) = metadata.get("migrations").and_then(Value::as_object) else {
        return Ok(current.cloned());
    };
    if let Some(old) = migrations.get("old_tag").and_then(Value::as_str) {
        if current.map(String::as_str) != Some(old) {
            return Err(ApiError::validation(format!(
                "migrations old_tag {old:?} does not match the Worker's current migration tag ({})",
                current.map_or("none".to_string(), |t| format!("{t:?}"))
            )));
        }
    }
    Ok(migrations
        .get("new_tag")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| current.cloned()))
}

/// Adds a version to the script (index `i`, created if `None`) and returns its index.
fn store_version(
    state: &mut SandboxState,
    r: &ScriptRef,
    index: Option<usize>,
    build: impl FnOnce(u32) -> Version,
    migration_tag: Option<String>,
) -> usize {
    let stamp = now();
    let i = index.unwrap_or_else(|| {
        state.scripts.push(Script {
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            created_on: stamp.clone(),
            modified_on: stamp.clone(),
            migration_tag: None,
            versions: Vec::new(),
        });
        state.scripts.len() - 1
    });
    let script = &mut state.scripts[i];
    let number = script.versions.last().map_or(1, |v| v.number + 1);
    script.versions.push(build(number));
    if script.versions.len() > KEPT_VERSIONS {
        script.versions.remove(0);
    }
    script.modified_on = stamp;
    script.migration_tag = migration_tag;
    i
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum UploadKind {
    /// PUT script: deploys at once.
    Script,
    /// POST versions: module syntax only, no migrations.
    Version,
}

async fn upload(
    sandbox: Sandbox,
    r: ScriptRef,
    kind: UploadKind,
    query: HashMap<String, String>,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    check_script_name(&r.name)?;
    let (metadata, code): (Map<String, Value>, Option<Code>) = match read_upload(&headers, body)
        .await?
    {
        UploadBody::RawScript(data) if kind == UploadKind::Script => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            (Map::new(), Some(raw_script(&data, content_type)?))
        }
        UploadBody::RawScript(_) => {
            return Err(ApiError::validation(
                "a version upload is multipart/form-data with a main_module",
            ))
        }
        UploadBody::Multipart(form) => {
            let metadata = form.json_object("metadata")?;
            let entry = entry_of(&metadata)?;
            if kind == UploadKind::Version {
                if !matches!(entry, Entry::MainModule(_)) {
                    return Err(ApiError::validation(
                        "main_module is required: version uploads take ES modules only",
                    ));
                }
                if metadata.get("migrations").is_some_and(|m| !m.is_null()) {
                    return Err(ApiError::validation(
                        "migrations are not supported on version uploads; upload the Worker with PUT instead",
                    ));
                }
            }
            let code = code_of(&entry, &form, "metadata")?;
            (metadata, code)
        }
    };
    let given = bindings_field(&metadata)?.unwrap_or_default();
    let keep = keep_bindings_field(&metadata)?;
    let mode = InheritMode {
        strict: query.get("bindings_inherit").is_some_and(|v| v == "strict"),
    };
    sandbox.change(|state| {
        require_namespace(state, r.namespace.as_deref())?;
        let index = find_index(state, &r);
        let versions: &[Version] = index.map_or(&[], |i| &state.scripts[i].versions);
        let bindings = upload_bindings(&given, &keep, versions, mode, state)?;
        let code = match code {
            Some(code) => code,
            None => versions.last().map(|v| v.code.clone()).ok_or_else(|| {
                ApiError::validation(
                    "no main_module or body_part and no module parts: only an existing Worker can be \
                     updated without code",
                )
            })?,
        };
        let settings = upload_settings(&metadata, versions.last());
        let tag = migrated_tag(&metadata, index.and_then(|i| state.scripts[i].migration_tag.as_ref()))?;
        let build = |number| Version { id: uuid(), number, created_on: now(), code, bindings, settings };
        let i = store_version(state, &r, index, build, tag);
        let script = &state.scripts[i];
        Ok(Success::new(match kind {
            UploadKind::Script => script_json(script),
            UploadKind::Version => version_json(script.latest()),
        }))
    })
}

/// The entry named by a `CF-WORKER-MAIN-MODULE-PART` / `CF-WORKER-BODY-PART` header, if any.
fn entry_from_headers(headers: &HeaderMap) -> Option<Entry> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    text("cf-worker-main-module-part")
        .map(Entry::MainModule)
        .or_else(|| text("cf-worker-body-part").map(Entry::BodyPart))
}

async fn put_content(sandbox: Sandbox, r: ScriptRef, headers: HeaderMap, body: Body) -> Reply {
    let form = read_multipart(&headers, body).await?;
    let entry = match entry_from_headers(&headers) {
        Some(entry) => entry,
        None => entry_of(&form.json_object("metadata")?)?,
    };
    if entry == Entry::None {
        return Err(ApiError::validation(
            "the metadata part must name main_module or body_part",
        ));
    }
    let code = code_of(&entry, &form, "metadata")?
        .ok_or_else(|| ApiError::validation("the upload has no code parts"))?;
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let latest = state.scripts[i].latest().clone();
        let tag = state.scripts[i].migration_tag.clone();
        let build = |number| Version {
            id: uuid(),
            number,
            created_on: now(),
            code,
            ..latest
        };
        let i = store_version(state, &r, Some(i), build, tag);
        Ok(Success::new(script_json(&state.scripts[i])))
    })
}

async fn patch_settings(sandbox: Sandbox, r: ScriptRef, headers: HeaderMap, body: Body) -> Reply {
    let form = read_multipart(&headers, body).await?;
    let given = form.json_object("settings")?;
    let bindings = bindings_field(&given)?;
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let latest = state.scripts[i].latest().clone();
        let bindings = match &bindings {
            Some(list) => patched_bindings(list, &latest.bindings, state)?,
            None => latest.bindings.clone(),
        };
        let mut settings = latest.settings.clone();
        for key in VERSIONED_SETTINGS.iter().chain(SCRIPT_SETTINGS) {
            if let Some(value) = given.get(*key) {
                settings.insert(key.to_string(), value.clone());
            }
        }
        let tag = migrated_tag(&given, state.scripts[i].migration_tag.as_ref())?;
        let build = |number| Version {
            id: uuid(),
            number,
            created_on: now(),
            bindings,
            settings,
            ..latest
        };
        let i = store_version(state, &r, Some(i), build, tag);
        Ok(Success::new(settings_json(&state.scripts[i])))
    })
}

fn get_settings(sandbox: &Sandbox, r: &ScriptRef) -> Reply {
    sandbox.read(|state| {
        Ok(Success::new(settings_json(
            &state.scripts[existing(state, r)?],
        )))
    })
}

/// The entry module's bytes, as the content endpoints return them.
fn download(sandbox: &Sandbox, r: &ScriptRef) -> Result<Response, ApiError> {
    sandbox.read(|state| {
        let script = &state.scripts[existing(state, r)?];
        let code = &script.latest().code;
        let entry = code.entry_module().ok_or_else(|| not_found(r))?;
        Ok((
            [
                (header::CONTENT_TYPE, entry.content_type.clone()),
                (
                    header::HeaderName::from_static("cf-entrypoint"),
                    entry.name.clone(),
                ),
            ],
            entry.data.clone(),
        )
            .into_response())
    })
}

fn delete(sandbox: &Sandbox, r: &ScriptRef) -> Reply {
    sandbox.change(|state| {
        let i = existing(state, r)?;
        state.scripts.remove(i);
        Ok(Success::new(Value::Null))
    })
}

fn list(sandbox: &Sandbox, namespace: Option<String>, query: &HashMap<String, String>) -> Reply {
    let page = Page::from_query(query, 1000)?;
    let items = sandbox.read(|state| {
        require_namespace(state, namespace.as_deref())?;
        Ok::<_, ApiError>(
            state
                .scripts
                .iter()
                .filter(|s| s.namespace == namespace)
                .map(script_json)
                .collect::<Vec<_>>(),
        )
    })?;
    let (items, info) = page.slice(items);
    Ok(Success {
        result_info: Some(info),
        ..Success::new(Value::Array(items))
    })
}

// ---- handlers: each serves account Workers and user Workers alike (see `place`) ----

type Params = Query<HashMap<String, String>>;

/// `PUT …/scripts/{script}`: upload and deploy.
pub async fn upload_script(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Query(query): Params,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    upload(sandbox, r, UploadKind::Script, query, headers, body).await
}

/// `POST …/scripts/{script}/versions`: upload a version.
pub async fn upload_version(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    Query(query): Params,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    upload(sandbox, r, UploadKind::Version, query, headers, body).await
}

/// `GET …/scripts/{script}` (account Workers), `…/content/v2`, `…/content`: the entry's bytes.
pub async fn download_script(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
) -> Result<Response, ApiError> {
    download(&sandbox, &r)
}

/// `DELETE …/scripts/{script}`.
pub async fn delete_script(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    delete(&sandbox, &r)
}

/// `GET …/scripts/{script}/settings`.
pub async fn get_script_settings(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    get_settings(&sandbox, &r)
}

/// `PATCH …/scripts/{script}/settings` (multipart, one `settings` part).
pub async fn patch_script_settings(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    patch_settings(sandbox, r, headers, body).await
}

/// `PUT …/scripts/{script}/content`: code only.
pub async fn put_script_content(
    State(sandbox): State<Sandbox>,
    r: ScriptRef,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    put_content(sandbox, r, headers, body).await
}

/// `GET …/scripts`: the Workers of the account or of one dispatch namespace.
pub async fn list_scripts(
    State(sandbox): State<Sandbox>,
    place: Place,
    Query(query): Params,
) -> Reply {
    list(&sandbox, place.namespace, &query)
}

/// `GET …/dispatch/namespaces/{namespace}/scripts/{script}`: the user Worker's details.
pub async fn get_user_script(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| {
        let script = &state.scripts[existing(state, &r)?];
        Ok(Success::new(json!({
            "script": script_json(script),
            "created_on": script.created_on,
            "modified_on": script.modified_on,
            "dispatch_namespace": r.namespace,
        })))
    })
}

/// `GET …/dispatch/namespaces/{namespace}/scripts/{script}/bindings`.
pub async fn get_bindings(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| {
        let script = &state.scripts[existing(state, &r)?];
        Ok(Success::new(Value::Array(redacted_all(
            &script.latest().bindings,
        ))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_names() {
        for ok in ["my-worker", "w", "a_b", "worker2"] {
            assert!(check_script_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "My-Worker", "-a", "a-", "a.b", "a b", &"x".repeat(64)] {
            assert_eq!(check_script_name(bad).unwrap_err().code, 10016, "{bad}");
        }
    }

    #[test]
    fn migration_tags() {
        let map = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(migrated_tag(&map(json!({})), None).unwrap(), None);
        let first = map(json!({"migrations": {"new_tag": "v1"}}));
        assert_eq!(migrated_tag(&first, None).unwrap().as_deref(), Some("v1"));
        let next = map(json!({"migrations": {"old_tag": "v1", "new_tag": "v2"}}));
        assert_eq!(
            migrated_tag(&next, Some(&"v1".to_string()))
                .unwrap()
                .as_deref(),
            Some("v2")
        );
        assert!(migrated_tag(&next, Some(&"v0".to_string())).is_err());
    }

    #[test]
    fn uploads_keep_script_level_settings() {
        let map = |v: Value| v.as_object().unwrap().clone();
        let previous = Version {
            id: "v".into(),
            number: 1,
            created_on: String::new(),
            code: Code {
                entry: "a".into(),
                syntax: Syntax::Module,
                modules: vec![],
            },
            bindings: vec![],
            settings: map(json!({"logpush": true, "compatibility_date": "2024-01-01"})),
        };
        let settings = upload_settings(
            &map(json!({"compatibility_flags": ["nodejs_compat"]})),
            Some(&previous),
        );
        assert_eq!(settings.get("logpush"), Some(&json!(true)));
        assert_eq!(settings.get("compatibility_date"), None);
        assert_eq!(
            settings.get("compatibility_flags"),
            Some(&json!(["nodejs_compat"]))
        );
    }
}
