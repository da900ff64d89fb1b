//! Worker scripts, account-level and in dispatch namespaces: upload (PUT), version upload,
//! settings GET/PATCH, bindings GET, content PUT/GET, list, delete.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::assets::consume_completion_token;
use super::bindings::{
    bindings_field, check_durable_object_classes, keep_bindings_field, patched_bindings,
    redacted_all, upload_bindings, InheritMode,
};
use super::code::{code_of, entry_of, raw_script, Entry};
use super::fields::{check_fields, SCRIPT_SETTINGS, VERSIONED_SETTINGS};
use super::form::{read_multipart, read_upload, UploadBody};
use super::ids::{hex_id, now, uuid};
use super::paging::Page;
use super::place::{Place, ScriptRef};
use super::reply::{ApiError, Reply, Success};
use super::resources::namespace_not_found;
use super::state::{
    Code, DeployedVersion, Deployment, Manifest, Script, State as SandboxState, Syntax, Version,
    WorkerSubdomain,
};
use super::{Sandbox, ACCOUNT_ID};

/// How many versions a Worker keeps besides the deployed ones (older ones can no longer be
/// inherited from or deployed).
const KEPT_VERSIONS: usize = 100;
/// How many deployments a Worker's history keeps (the API lists the last ten).
const KEPT_DEPLOYMENTS: usize = 10;
/// Who the sandbox says made every version and deployment.
pub const AUTHOR_EMAIL: &str = "sandbox@bindery.invalid";

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

pub(super) fn find_index(state: &SandboxState, r: &ScriptRef) -> Option<usize> {
    state
        .scripts
        .iter()
        .position(|s| s.namespace == r.namespace && s.name == r.name)
}

/// A Worker that is not there: 10007 on the account; in a dispatch namespace 10092, the
/// "environment not found" code wrangler 4 expects before a first `--dispatch-namespace` deploy.
pub(super) fn not_found(r: &ScriptRef) -> ApiError {
    match &r.namespace {
        Some(ns) => ApiError::new(
            StatusCode::NOT_FOUND,
            10092,
            format!(
                "workers.api.error.environment_not_found: This Worker does not exist in the \
                 dispatch namespace {ns}. ({})",
                r.name
            ),
        ),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            10007,
            format!("This Worker does not exist on your account. ({})", r.name),
        ),
    }
}

/// A dispatch namespace that does not exist is 100119, whatever is asked of it.
pub(super) fn require_namespace(
    state: &SandboxState,
    namespace: Option<&str>,
) -> Result<(), ApiError> {
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
pub(super) fn existing(state: &SandboxState, r: &ScriptRef) -> Result<usize, ApiError> {
    require_namespace(state, r.namespace.as_deref())?;
    find_index(state, r).ok_or_else(|| not_found(r))
}

/// The script itself, for reading.
pub(super) fn script_of<'a>(
    state: &'a SandboxState,
    r: &ScriptRef,
) -> Result<&'a Script, ApiError> {
    Ok(&state.scripts[existing(state, r)?])
}

fn setting<'a>(version: &'a Version, key: &str) -> Option<&'a Value> {
    version.settings.get(key)
}

fn setting_or(version: &Version, key: &str, default: Value) -> Value {
    setting(version, key).cloned().unwrap_or(default)
}

/// The Worker as the scripts list and uploads describe it (its deployed version).
pub(super) fn script_json(script: &Script) -> Result<Value, ApiError> {
    let deployed = script.deployed()?;
    let mut value = json!({
        "id": script.name,
        "tag": script.tag,
        "etag": deployed.code.etag(),
        "handlers": deployed.code.handlers(),
        "created_on": script.created_on,
        "modified_on": script.modified_on,
        "compatibility_date": setting(deployed, "compatibility_date"),
        "compatibility_flags": setting_or(deployed, "compatibility_flags", json!([])),
        "usage_model": setting_or(deployed, "usage_model", json!("standard")),
        "has_modules": deployed.code.syntax == Syntax::Module,
        "has_assets": deployed.assets.is_some(),
        "logpush": script.settings.get("logpush").cloned().unwrap_or(json!(false)),
        "tail_consumers": script.settings.get("tail_consumers"),
        "tags": script.settings.get("tags").cloned().unwrap_or(json!([])),
        "observability": script.settings.get("observability"),
        "last_deployed_from": "api",
        "startup_time_ms": 1,
    });
    if let Some(mode) = setting(deployed, "placement").and_then(|p| p.get("mode")) {
        value["placement_mode"] = mode.clone();
    }
    if let Some(tag) = &script.migration_tag {
        value["migration_tag"] = json!(tag);
    }
    if let Some(ns) = &script.namespace {
        value["dispatch_namespace"] = json!(ns);
    }
    Ok(value)
}

/// A version as the versions endpoints show it.
pub(super) fn version_json(script: &Script, version: &Version) -> Value {
    let mut runtime = json!({
        "compatibility_date": setting(version, "compatibility_date"),
        "compatibility_flags": setting_or(version, "compatibility_flags", json!([])),
        "usage_model": setting_or(version, "usage_model", json!("standard")),
    });
    for key in ["limits", "placement"] {
        if let Some(value) = setting(version, key) {
            runtime[key] = value.clone();
        }
    }
    if let Some(tag) = &script.migration_tag {
        runtime["migration_tag"] = json!(tag);
    }
    json!({
        "id": version.id,
        "number": version.number,
        "metadata": {
            "author_id": ACCOUNT_ID,
            "author_email": AUTHOR_EMAIL,
            "created_on": version.created_on,
            "modified_on": version.created_on,
            "source": "api",
            "hasPreview": false,
            "has_preview": false,
        },
        "annotations": setting_or(version, "annotations", json!({})),
        "resources": {
            "bindings": redacted_all(&version.bindings),
            "script": {
                "etag": version.code.etag(),
                "handlers": version.code.handlers(),
                "last_deployed_from": "api",
            },
            "script_runtime": runtime,
        },
        "startup_time_ms": 1,
    })
}

/// The settings endpoint's answer: the deployed version's settings and the Worker's own.
pub(super) fn settings_json(script: &Script) -> Result<Value, ApiError> {
    let deployed = script.deployed()?;
    let mut value = json!({
        "bindings": redacted_all(&deployed.bindings),
        "compatibility_flags": [],
        "usage_model": "standard",
        "logpush": false,
        "tail_consumers": null,
        "placement": {},
        "tags": [],
    });
    for (key, setting) in deployed.settings.iter().chain(&script.settings) {
        value[key] = setting.clone();
    }
    if let Some(tag) = &script.migration_tag {
        value["migrations"] = json!({"tag": tag});
    }
    Ok(value)
}

/// The versioned settings of a new version, from the metadata (an upload replaces them all).
fn versioned_settings(metadata: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in VERSIONED_SETTINGS {
        if let Some(value) = metadata.get(*key).filter(|v| !v.is_null()) {
            out.insert(key.to_string(), value.clone());
        }
    }
    // The completion token is spent by this upload: only the configuration is kept.
    if let Some(assets) = out.get_mut("assets").and_then(Value::as_object_mut) {
        assets.remove("jwt");
    }
    out
}

/// Script-level settings given in metadata or a PATCH replace the Worker's own (null clears).
pub(super) fn apply_script_settings(script: &mut Script, given: &Map<String, Value>) {
    for key in SCRIPT_SETTINGS {
        match given.get(*key) {
            Some(Value::Null) => {
                script.settings.remove(*key);
            }
            Some(value) => {
                script.settings.insert(key.to_string(), value.clone());
            }
            None => {}
        }
    }
}

/// 10079: an upload's migrations must start from the Worker's current migration tag.
fn migration_precondition_failed(current: Option<&String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        10079,
        format!(
            "Migration tag precondition failed; current tag is {}",
            current.map_or("(none)", String::as_str)
        ),
    )
}

/// The migration tag after an upload: `old_tag` must be the current one (both absent for a
/// Worker without a tag); `new_tag` replaces it.
fn migrated_tag(
    metadata: &Map<String, Value>,
    current: Option<&String>,
) -> Result<Option<String>, ApiError> {
    let Some(migrations) = metadata.get("migrations").and_then(Value::as_object) else {
        return Ok(current.cloned());
    };
    let old = migrations.get("old_tag").and_then(Value::as_str);
    if old != current.map(String::as_str) {
        return Err(migration_precondition_failed(current));
    }
    Ok(migrations
        .get("new_tag")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| current.cloned()))
}

/// What a new version of a Worker is made of.
pub(super) struct NewVersion {
    pub code: Code,
    pub bindings: Vec<Value>,
    pub settings: Map<String, Value>,
    pub assets: Option<Manifest>,
    /// `workers/triggered_by` of the version and its deployment: `upload` or `secret` (the
    /// values wrangler knows besides `rollback` and `promotion`).
    pub triggered_by: &'static str,
}

/// Adds a version to the script at `index` (a new script when `None`) and, with `deploy`,
/// deploys it alone at 100 %. Returns the script's index.
pub(super) fn add_version(
    state: &mut SandboxState,
    r: &ScriptRef,
    index: Option<usize>,
    new: NewVersion,
    deploy: bool,
) -> Result<usize, ApiError> {
    let stamp = now();
    let i = match index {
        Some(i) => i,
        None => {
            state.scripts.push(Arc::new(Script {
                namespace: r.namespace.clone(),
                name: r.name.clone(),
                tag: hex_id(),
                created_on: stamp.clone(),
                modified_on: stamp.clone(),
                migration_tag: None,
                settings: Map::new(),
                subdomain: WorkerSubdomain::default(),
                versions: Vec::new(),
                deployments: Vec::new(),
            }));
            state.scripts.len() - 1
        }
    };
    let script = Arc::make_mut(&mut state.scripts[i]);
    let number = match script.versions.last() {
        None => 1,
        Some(last) => last.number.checked_add(1).ok_or_else(|| {
            ApiError::validation(format!(
                "the Worker {} has reached the highest version number ({}): delete it and upload it again",
                r.name, last.number
            ))
        })?,
    };
    let mut settings = new.settings;
    let annotations = settings.entry("annotations").or_insert_with(|| json!({}));
    if let Some(map) = annotations.as_object_mut() {
        map.insert("workers/triggered_by".into(), json!(new.triggered_by));
    }
    let id = uuid();
    script.versions.push(Version {
        id: id.clone(),
        number,
        created_on: stamp.clone(),
        code: new.code,
        bindings: new.bindings,
        settings,
        assets: new.assets,
    });
    if deploy {
        push_deployment(
            script,
            vec![DeployedVersion {
                version_id: id,
                percentage: 100.0,
            }],
            Map::from_iter([("workers/triggered_by".to_string(), json!(new.triggered_by))]),
        );
    }
    script.modified_on = stamp;
    trim_versions(script);
    Ok(i)
}

/// Records a deployment (the newest becomes the current one) and forgets the oldest ones.
pub(super) fn push_deployment(
    script: &mut Script,
    versions: Vec<DeployedVersion>,
    annotations: Map<String, Value>,
) -> &Deployment {
    script.deployments.push(Deployment {
        id: uuid(),
        created_on: now(),
        source: "api".to_string(),
        strategy: "percentage".to_string(),
        versions,
        annotations,
    });
    if script.deployments.len() > KEPT_DEPLOYMENTS {
        let excess = script.deployments.len() - KEPT_DEPLOYMENTS;
        script.deployments.drain(..excess);
    }
    trim_versions(script);
    let last = script.deployments.len() - 1;
    &script.deployments[last]
}

/// Keeps the newest versions and every version a kept deployment names.
fn trim_versions(script: &mut Script) {
    if script.versions.len() <= KEPT_VERSIONS {
        return;
    }
    let cut = script.versions.len() - KEPT_VERSIONS;
    let named: std::collections::HashSet<String> = script
        .deployments
        .iter()
        .flat_map(|d| d.versions.iter().map(|v| v.version_id.clone()))
        .collect();
    let mut index = 0;
    script.versions.retain(|version| {
        index += 1;
        index > cut || named.contains(&version.id)
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum UploadKind {
    /// PUT script: deploys at once.
    Script,
    /// POST versions: module syntax only, no migrations, not deployed.
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
            check_fields(&metadata, "metadata")?;
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
    let assets_jwt = metadata
        .get("assets")
        .and_then(|a| a.get("jwt"))
        .and_then(Value::as_str)
        .map(String::from);
    let keep_assets = metadata.get("keep_assets") == Some(&Value::Bool(true));
    sandbox.change(|state| {
        require_namespace(state, r.namespace.as_deref())?;
        let index = find_index(state, &r);
        if kind == UploadKind::Version && index.is_none() {
            return Err(not_found(&r));
        }
        let previous = match index {
            Some(i) => Some(state.scripts[i].latest()?.clone()),
            None => None,
        };
        let versions: &[Version] = index.map_or(&[], |i| &state.scripts[i].versions);
        let bindings = upload_bindings(&given, &keep, versions, mode, state)?;
        let code = match code {
            Some(code) => code,
            None => previous.as_ref().map(|v| v.code.clone()).ok_or_else(|| {
                ApiError::validation(
                    "no main_module or body_part and no module parts: only an existing Worker can be \
                     updated without code",
                )
            })?,
        };
        check_durable_object_classes(&bindings, &code, &r.name)?;
        let tag = migrated_tag(
            &metadata,
            index.and_then(|i| state.scripts[i].migration_tag.as_ref()),
        )?;
        let mut settings = versioned_settings(&metadata);
        let assets = match &assets_jwt {
            Some(jwt) => Some(consume_completion_token(state, &r, jwt)?),
            None if keep_assets => {
                if let (None, Some(kept)) = (
                    settings.get("assets"),
                    previous.as_ref().and_then(|p| p.settings.get("assets")),
                ) {
                    settings.insert("assets".into(), kept.clone());
                }
                previous.as_ref().and_then(|p| p.assets.clone())
            }
            None => None,
        };
        let new = NewVersion {
            code,
            bindings,
            settings,
            assets,
            triggered_by: match kind {
                UploadKind::Script => "upload",
                UploadKind::Version => "upload",
            },
        };
        let i = add_version(state, &r, index, new, kind == UploadKind::Script)?;
        let script = Arc::make_mut(&mut state.scripts[i]);
        script.migration_tag = tag;
        if kind == UploadKind::Script {
            apply_script_settings(script, &metadata);
        }
        let script = &state.scripts[i];
        let latest = script.latest()?;
        Ok(Success::new(match kind {
            UploadKind::Script => {
                let mut value = script_json(script)?;
                value["deployment_id"] = json!(latest.id);
                value
            }
            UploadKind::Version => version_json(script, latest),
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
        None => {
            let metadata = form.json_object("metadata")?;
            check_fields(&metadata, "metadata")?;
            entry_of(&metadata)?
        }
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
        let deployed = state.scripts[i].deployed()?.clone();
        check_durable_object_classes(&deployed.bindings, &code, &r.name)?;
        let new = NewVersion {
            code,
            bindings: deployed.bindings,
            settings: deployed.settings,
            assets: deployed.assets,
            triggered_by: "upload",
        };
        let i = add_version(state, &r, Some(i), new, true)?;
        Ok(Success::new(script_json(&state.scripts[i])?))
    })
}

/// 10214: settings change only when the newest version is the one deployed.
pub(super) fn latest_not_deployed(code: u32, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        format!(
            "{what} refused: the latest version of this Worker is not the one deployed at 100%. \
             Deploy it first (versions deploy), or make the change as a new version."
        ),
    )
}

async fn patch_settings(sandbox: Sandbox, r: ScriptRef, headers: HeaderMap, body: Body) -> Reply {
    let form = read_multipart(&headers, body).await?;
    let given = form.json_object("settings")?;
    check_fields(&given, "settings")?;
    let bindings = bindings_field(&given)?;
    sandbox.change(|state| {
        let i = existing(state, &r)?;
        let script = &state.scripts[i];
        if !script.latest_is_deployed()? {
            return Err(latest_not_deployed(10214, "Settings change"));
        }
        let latest = script.latest()?.clone();
        let bindings = match &bindings {
            Some(list) => patched_bindings(list, &latest.bindings, state)?,
            None => latest.bindings.clone(),
        };
        check_durable_object_classes(&bindings, &latest.code, &r.name)?;
        let mut settings = latest.settings.clone();
        // Annotations describe one version: a PATCH does not carry the previous ones over.
        settings.remove("annotations");
        for key in VERSIONED_SETTINGS {
            if let Some(value) = given.get(*key) {
                settings.insert(key.to_string(), value.clone());
            }
        }
        let tag = migrated_tag(&given, state.scripts[i].migration_tag.as_ref())?;
        let new = NewVersion {
            code: latest.code,
            bindings,
            settings,
            assets: latest.assets,
            triggered_by: "upload",
        };
        let i = add_version(state, &r, Some(i), new, true)?;
        let script = Arc::make_mut(&mut state.scripts[i]);
        script.migration_tag = tag;
        apply_script_settings(script, &given);
        Ok(Success::new(settings_json(&state.scripts[i])?))
    })
}

fn get_settings(sandbox: &Sandbox, r: &ScriptRef) -> Reply {
    sandbox.read(|state| Ok(Success::new(settings_json(script_of(state, r)?)?)))
}

/// A header value the sandbox made from stored text, or an enveloped error.
fn header_value(text: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(text).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            10001,
            format!("sandbox: the stored value {text:?} cannot be sent as a header"),
        )
    })
}

/// The entry module's bytes, as the content endpoints return them.
fn download(sandbox: &Sandbox, r: &ScriptRef) -> Result<Response, ApiError> {
    sandbox.read(|state| {
        let script = script_of(state, r)?;
        let code = &script.deployed()?.code;
        let entry = code.entry_module().ok_or_else(|| not_found(r))?;
        let mut response = entry.data.clone().into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, header_value(&entry.content_type)?);
        headers.insert("cf-entrypoint", header_value(&entry.name)?);
        Ok(response)
    })
}

pub(super) fn delete(sandbox: &Sandbox, r: &ScriptRef) -> Reply {
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
        state
            .scripts
            .iter()
            .filter(|s| s.namespace == namespace)
            .map(|s| script_json(s))
            .collect::<Result<Vec<_>, ApiError>>()
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
        let script = script_of(state, &r)?;
        Ok(Success::new(json!({
            "script": script_json(script)?,
            "created_on": script.created_on,
            "modified_on": script.modified_on,
            "dispatch_namespace": r.namespace,
        })))
    })
}

/// `GET …/dispatch/namespaces/{namespace}/scripts/{script}/bindings`.
pub async fn get_bindings(State(sandbox): State<Sandbox>, r: ScriptRef) -> Reply {
    sandbox.read(|state| {
        let script = script_of(state, &r)?;
        Ok(Success::new(Value::Array(redacted_all(
            &script.deployed()?.bindings,
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
    fn migration_tags_must_start_from_the_current_one() {
        let map = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(migrated_tag(&map(json!({})), None).unwrap(), None);
        let first = map(json!({"migrations": {"new_tag": "v1"}}));
        assert_eq!(migrated_tag(&first, None).unwrap().as_deref(), Some("v1"));
        let v1 = Some("v1".to_string());
        let next = map(json!({"migrations": {"old_tag": "v1", "new_tag": "v2"}}));
        assert_eq!(
            migrated_tag(&next, v1.as_ref()).unwrap().as_deref(),
            Some("v2")
        );
        for (metadata, current) in [
            (&next, Some("v0".to_string())),
            (&next, None),
            (&first, v1.clone()),
        ] {
            let error = migrated_tag(metadata, current.as_ref()).unwrap_err();
            assert_eq!(error.code, 10079);
            assert!(error
                .message
                .starts_with("Migration tag precondition failed; current tag is"));
        }
    }

    #[test]
    fn uploads_take_versioned_settings_and_drop_the_spent_assets_token() {
        let map = |v: Value| v.as_object().unwrap().clone();
        let settings = versioned_settings(&map(json!({
            "compatibility_flags": ["nodejs_compat"],
            "logpush": true,
            "usage_model": null,
            "assets": {"jwt": "a.b.c", "config": {"html_handling": "none"}},
        })));
        assert_eq!(settings.get("logpush"), None);
        assert_eq!(settings.get("usage_model"), None);
        assert_eq!(
            settings.get("compatibility_flags"),
            Some(&json!(["nodejs_compat"]))
        );
        assert_eq!(
            settings.get("assets"),
            Some(&json!({"config": {"html_handling": "none"}}))
        );
    }
}
