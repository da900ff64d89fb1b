//! Bindings of an upload: validated against the sandbox's resources, merged with the previous
//! version (`keep_bindings`, `inherit`, settings-PATCH carry-over), and shown without secrets.
//!
//! What a binding type needs and which of its fields name an account resource or hold a secret
//! is the binding catalog's (`model::catalog`), as for the rest of Bindery.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::code::exported_names;
use super::reply::ApiError;
use super::state::{Code, State, Syntax, Version};
use crate::model::catalog::{self, Input, Resource};
use crate::model::Blank;

/// `type` and `name` of a binding object.
fn type_and_name(binding: &Value, index: usize) -> Result<(&str, &str), ApiError> {
    let object = binding
        .as_object()
        .ok_or_else(|| ApiError::validation(format!("binding #{index} is not a JSON object")))?;
    let kind = object.get("type").and_then(Value::as_str).ok_or_else(|| {
        let called = object
            .get("name")
            .and_then(Value::as_str)
            .map_or(format!("#{index}"), String::from);
        ApiError::validation(format!("binding {called} has no type"))
    })?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ApiError::validation(format!("binding #{index} of type {kind} has no name"))
        })?;
    Ok((kind, name))
}

/// 10021 for a binding without a field its type needs, in the API's words (reference (f)): a
/// variable's or secret's `text` has a message of its own.
fn missing(key: &str, kind: &str, name: &str) -> ApiError {
    if key == "text" {
        return ApiError::validation(format!(
            "invalid or missing text property for binding {name}"
        ));
    }
    ApiError::validation(format!(
        "binding {name} of type {kind} must have a valid `{key}` specified"
    ))
}

/// The value at `key` (a member key such as `simple.limit` reaches into its object).
fn value_at<'a>(binding: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.')
        .try_fold(binding, |value, part| value.get(part))
}

fn not_found(code: u32, what: String, name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        format!("binding {name}: {what} not found"),
    )
}

/// Whether the sandbox has the resource a field names; `None` for kinds of resources it does not
/// keep.
fn exists(state: &State, resource: Resource, value: &str, binding: &Value) -> Option<bool> {
    Some(match resource {
        Resource::KvNamespace => state.kv_namespaces.iter().any(|n| n.id == value),
        Resource::R2Bucket => {
            let jurisdiction = r2_jurisdiction(binding);
            state
                .r2_buckets
                .iter()
                .any(|b| b.name == value && b.jurisdiction == jurisdiction)
        }
        Resource::D1Database => state.d1_databases.iter().any(|d| d.uuid == value),
        Resource::Queue => state.queues.iter().any(|q| q.queue_name == value),
        Resource::DispatchNamespace => state
            .dispatch_namespaces
            .iter()
            .any(|n| n.namespace_name == value),
        _ => return None,
    })
}

fn r2_jurisdiction(binding: &Value) -> &str {
    binding
        .get("jurisdiction")
        .and_then(Value::as_str)
        .unwrap_or("default")
}

/// Checks one (non-`inherit`) binding against the sandbox: a type the API knows, the fields it
/// needs, and the resources it names.
pub fn check_binding(binding: &Value, index: usize, state: &State) -> Result<(), ApiError> {
    let (kind, name) = type_and_name(binding, index)?;
    let Some(spec) = catalog::lookup(kind) else {
        return Err(ApiError::validation(format!(
            "Unknown binding type \"{kind}\" for binding {name}"
        )));
    };
    for field in spec.form_fields().filter(|f| f.required) {
        match value_at(binding, field.key) {
            None | Some(Value::Null) => return Err(missing(field.key, kind, name)),
            Some(value) if value.is_blank() && !field.empty_ok => {
                return Err(missing(field.key, kind, name))
            }
            Some(_) => {}
        }
    }
    for field in spec.form_fields() {
        match value_at(binding, field.key) {
            None | Some(Value::Null) => {}
            Some(value) if fits(field.input, value) => {}
            Some(_) if field.key == "text" => return Err(missing(field.key, kind, name)),
            Some(_) => {
                return Err(ApiError::validation(format!(
                    "binding {name} of type {kind}: `{}` must be {}",
                    field.key,
                    expected(field.input)
                )))
            }
        }
    }
    for group in spec.one_of {
        let given = |key: &&str| value_at(binding, key).is_some_and(|v| !v.is_blank());
        if !group.fields.iter().any(given) {
            return Err(missing(group.fields[0], kind, name));
        }
    }
    for field in spec.form_fields() {
        let (Some(resource), Some(value)) = (
            field.resource,
            value_at(binding, field.key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty()),
        ) else {
            continue;
        };
        if exists(state, resource, value, binding) == Some(false) {
            let what = match resource {
                Resource::R2Bucket => format!(
                    "R2 bucket '{value}' (jurisdiction {})",
                    r2_jurisdiction(binding)
                ),
                other => format!("{} '{value}'", other.label()),
            };
            let code = resource.missing_code().unwrap_or(10021) as u32;
            return Err(not_found(code, what, name));
        }
    }
    Ok(())
}

/// Whether a value has the JSON type a field of this input takes.
fn fits(input: Input, value: &Value) -> bool {
    match input {
        Input::Text | Input::Secret | Input::Choice(_) => value.is_string(),
        Input::Number => value.is_u64(),
        Input::Bool => value.is_boolean(),
        Input::List => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        Input::Json | Input::SecretJson => true,
    }
}

fn expected(input: Input) -> &'static str {
    match input {
        Input::Text | Input::Secret | Input::Choice(_) => "a string",
        Input::Number => "a non-negative integer",
        Input::Bool => "a boolean",
        Input::List => "an array of strings",
        Input::Json | Input::SecretJson => "a JSON value",
    }
}

fn check_unique_names(bindings: &[Value]) -> Result<(), ApiError> {
    let mut seen = std::collections::HashSet::new();
    for binding in bindings {
        if let Some(name) = binding.get("name").and_then(Value::as_str) {
            if !seen.insert(name) {
                return Err(ApiError::validation(format!(
                    "binding name {name} is used more than once"
                )));
            }
        }
    }
    Ok(())
}

/// How an upload resolves `inherit` bindings.
#[derive(Clone, Copy, Debug)]
pub struct InheritMode {
    /// `?bindings_inherit=strict`: an unresolvable inherit is an error (10057), else dropped.
    pub strict: bool,
}

/// The bindings of a new version made by an upload (PUT script, POST version).
///
/// `given` is the metadata's `bindings`; `keep_types` its `keep_bindings`; `versions` the
/// script's earlier versions (empty for a new script). Explicit bindings come first, then the
/// kept ones whose names were not given again.
pub fn upload_bindings(
    given: &[Value],
    keep_types: &[String],
    versions: &[Version],
    mode: InheritMode,
    state: &State,
) -> Result<Vec<Value>, ApiError> {
    let previous = versions.last();
    let mut out = Vec::new();
    for (index, binding) in given.iter().enumerate() {
        let (kind, name) = type_and_name(binding, index)?;
        if kind != "inherit" {
            check_binding(binding, index, state)?;
            out.push(binding.clone());
            continue;
        }
        let source_name = binding
            .get("old_name")
            .and_then(Value::as_str)
            .unwrap_or(name);
        let version_id = binding
            .get("version_id")
            .and_then(Value::as_str)
            .unwrap_or("latest");
        let source_version = match version_id {
            "latest" => previous,
            id => versions.iter().find(|v| v.id == id),
        };
        let found = source_version.and_then(|v| {
            v.bindings
                .iter()
                .find(|b| b.get("name").and_then(Value::as_str) == Some(source_name))
        });
        match found {
            Some(inherited) => {
                let mut renamed = inherited.clone();
                renamed["name"] = Value::String(name.to_string());
                out.push(renamed);
            }
            None if mode.strict => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    10057,
                    format!(
                        "binding {name} of type inherit could not be resolved: no binding {source_name} \
                         in version {version_id} of this Worker"
                    ),
                ))
            }
            None => {}
        }
    }
    if let Some(previous) = previous {
        for kept in &previous.bindings {
            let kind = kept.get("type").and_then(Value::as_str).unwrap_or("");
            let name = kept.get("name").and_then(Value::as_str);
            let named_again = out
                .iter()
                .any(|b| b.get("name").and_then(Value::as_str) == name);
            if keep_types.iter().any(|t| t == kind) && !named_again {
                out.push(kept.clone());
            }
        }
    }
    check_unique_names(&out)?;
    Ok(out)
}

/// The bindings after a settings PATCH: a binding given with only `name` and `type` carries
/// the current one of that name over (secret values included); bindings left out are removed.
pub fn patched_bindings(
    given: &[Value],
    current: &[Value],
    state: &State,
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for (index, binding) in given.iter().enumerate() {
        let (kind, name) = type_and_name(binding, index)?;
        let only_name_and_type = binding.as_object().is_some_and(|o| o.len() == 2);
        let existing = current.iter().find(|b| {
            b.get("name").and_then(Value::as_str) == Some(name)
                && b.get("type").and_then(Value::as_str) == Some(kind)
        });
        match existing {
            Some(existing) if only_name_and_type => out.push(existing.clone()),
            _ => {
                check_binding(binding, index, state)?;
                out.push(binding.clone());
            }
        }
    }
    check_unique_names(&out)?;
    Ok(out)
}

/// A Durable Object binding to a class of this Worker (no other `script_name`) needs that class
/// exported by the Worker's code: 10061 otherwise.
pub fn check_durable_object_classes(
    bindings: &[Value],
    code: &Code,
    script_name: &str,
) -> Result<(), ApiError> {
    if code.syntax != Syntax::Module {
        return Ok(());
    }
    let mut exported: Option<Vec<String>> = None;
    for binding in bindings {
        if binding.get("type").and_then(Value::as_str) != Some("durable_object_namespace") {
            continue;
        }
        let other_script = binding
            .get("script_name")
            .and_then(Value::as_str)
            .is_some_and(|s| s != script_name);
        let Some(class) = binding.get("class_name").and_then(Value::as_str) else {
            continue;
        };
        if other_script {
            continue;
        }
        let names = exported.get_or_insert_with(|| {
            code.modules
                .iter()
                .filter(|m| {
                    !matches!(
                        m.content_type.split(';').next().map(str::trim),
                        Some("text/plain" | "application/octet-stream" | "application/wasm")
                    )
                })
                .flat_map(|m| exported_names(&String::from_utf8_lossy(&m.data)))
                .collect()
        });
        if !names.iter().any(|n| n == class) {
            let name = binding.get("name").and_then(Value::as_str).unwrap_or("");
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                10061,
                format!(
                    "Cannot create binding {name} for class '{class}' because it is not exported by \
                     the script {script_name}"
                ),
            ));
        }
    }
    Ok(())
}

/// A binding as the API shows it: write-only values (the catalog's) left out.
pub fn redacted(binding: &Value) -> Value {
    let mut shown = binding.clone();
    if let Value::Object(map) = &mut shown {
        let kind = map
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        for key in catalog::secret_fields(&kind) {
            map.shift_remove(key);
        }
    }
    shown
}

pub fn redacted_all(bindings: &[Value]) -> Vec<Value> {
    bindings.iter().map(redacted).collect()
}

/// The `bindings` array of a metadata/settings object (absent = `None`).
pub fn bindings_field(metadata: &Map<String, Value>) -> Result<Option<Vec<Value>>, ApiError> {
    match metadata.get("bindings") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.clone())),
        Some(_) => Err(ApiError::validation("bindings must be an array")),
    }
}

/// The `keep_bindings` list of binding type names.
pub fn keep_bindings_field(metadata: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    match metadata.get("keep_bindings") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ApiError::validation("keep_bindings must be an array of binding type names")
            }),
        Some(_) => Err(ApiError::validation(
            "keep_bindings must be an array of binding type names",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::sandbox::state::{KvNamespace, Module};
    use serde_json::json;

    fn state() -> State {
        let mut s = State::default();
        s.kv_namespaces.push(KvNamespace {
            id: "kv1".into(),
            title: "t".into(),
        });
        s
    }

    fn version(id: &str, bindings: Vec<Value>) -> Version {
        Version {
            id: id.into(),
            number: 1,
            created_on: String::new(),
            code: Code {
                entry: "a".into(),
                syntax: Syntax::Module,
                modules: vec![],
            },
            bindings,
            settings: Map::new(),
            assets: None,
        }
    }

    #[test]
    fn resource_bindings_must_exist() {
        let s = state();
        assert!(check_binding(
            &json!({"type":"kv_namespace","name":"KV","namespace_id":"kv1"}),
            0,
            &s
        )
        .is_ok());
        for (binding, code) in [
            (
                json!({"type":"kv_namespace","name":"KV","namespace_id":"nope"}),
                10041,
            ),
            (
                json!({"type":"r2_bucket","name":"B","bucket_name":"nope"}),
                10085,
            ),
            (json!({"type":"d1","name":"DB","id":"nope"}), 10181),
            (
                json!({"type":"queue","name":"Q","queue_name":"nope"}),
                11000,
            ),
            (
                json!({"type":"dispatch_namespace","name":"D","namespace":"nope"}),
                100119,
            ),
            (json!({"type":"secret_text","name":"S"}), 10021),
            (json!({"type":"d1","name":"DB"}), 10021),
            (json!({"type":"tail_consumer_x","name":"X"}), 10021),
            (json!({"type":"service","name":"S"}), 10021),
            (
                json!({"type":"durable_object_namespace","name":"DO"}),
                10021,
            ),
            (json!({"type":"vpc_network","name":"N"}), 10021),
            (
                json!({"type":"kv_namespace","name":"KV","namespace_id":7}),
                10021,
            ),
            (
                json!({"type":"ratelimit","name":"RL","namespace_id":"1","simple":{"limit":"ten","period":60}}),
                10021,
            ),
            (
                json!({"type":"ratelimit","name":"RL","namespace_id":"1","simple":{"limit":10}}),
                10021,
            ),
            (json!({"name":"X"}), 10021),
            (json!("KV"), 10021),
        ] {
            let error = check_binding(&binding, 0, &s).unwrap_err();
            assert_eq!(error.code, code, "{binding}");
            if let Some(name) = binding.get("name").and_then(Value::as_str) {
                assert!(error.message.contains(name), "{}", error.message);
            }
        }
    }

    #[test]
    fn what_the_catalog_allows_is_accepted() {
        let s = state();
        for binding in [
            json!({"type":"plain_text","name":"EMPTY","text":""}),
            json!({"type":"analytics_engine","name":"A"}),
            json!({"type":"durable_object_namespace","name":"DO","namespace_id":"ns"}),
            json!({"type":"ratelimit","name":"RL","namespace_id":"1","simple":{"limit":10,"period":60}}),
            json!({"type":"k2","name":"FEED","stream":"s"}),
            json!({"type":"analytics","name":"SQL"}),
        ] {
            assert!(check_binding(&binding, 0, &s).is_ok(), "{binding}");
        }
    }

    #[test]
    fn keep_bindings_and_inherit() {
        let s = state();
        let old = version(
            "v1",
            vec![
                json!({"type":"kv_namespace","name":"KV","namespace_id":"kv1"}),
                json!({"type":"secret_text","name":"API_KEY","text":"hunter2"}),
                json!({"type":"plain_text","name":"MODE","text":"dev"}),
            ],
        );
        let given = vec![
            json!({"type":"plain_text","name":"KV","text":"explicit wins"}),
            json!({"type":"inherit","name":"RENAMED","old_name":"MODE"}),
        ];
        let keep = vec!["kv_namespace".to_string(), "secret_text".to_string()];
        let strict = InheritMode { strict: true };
        let out = upload_bindings(&given, &keep, std::slice::from_ref(&old), strict, &s).unwrap();
        let names: Vec<&str> = out.iter().map(|b| b["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["KV", "RENAMED", "API_KEY"]);
        assert_eq!(out[1]["text"], "dev");
        assert_eq!(out[2]["text"], "hunter2");

        let missing = vec![json!({"type":"inherit","name":"GONE"})];
        assert_eq!(
            upload_bindings(&missing, &[], std::slice::from_ref(&old), strict, &s)
                .unwrap_err()
                .code,
            10057
        );
        assert_eq!(
            upload_bindings(&missing, &[], &[], strict, &s)
                .unwrap_err()
                .code,
            10057
        );
        let lax =
            upload_bindings(&missing, &[], &[old], InheritMode { strict: false }, &s).unwrap();
        assert!(lax.is_empty());
    }

    #[test]
    fn patch_keeps_name_and_type_only_bindings() {
        let s = state();
        let current = vec![
            json!({"type":"secret_text","name":"API_KEY","text":"hunter2"}),
            json!({"type":"plain_text","name":"GONE","text":"x"}),
        ];
        let given = vec![
            json!({"type":"secret_text","name":"API_KEY"}),
            json!({"type":"ai","name":"AI"}),
        ];
        let out = patched_bindings(&given, &current, &s).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["text"], "hunter2");
        let new_secret = vec![json!({"type":"secret_text","name":"OTHER"})];
        assert_eq!(
            patched_bindings(&new_secret, &current, &s)
                .unwrap_err()
                .code,
            10021
        );
    }

    #[test]
    fn durable_object_classes_must_be_exported_by_the_worker() {
        let code = Code {
            entry: "index.js".into(),
            syntax: Syntax::Module,
            modules: vec![Module {
                name: "index.js".into(),
                content_type: "application/javascript+module".into(),
                data: bytes::Bytes::from_static(b"export class Counter {}\nexport default {}"),
            }],
        };
        let binding = |class: &str, script: Option<&str>| {
            let mut b =
                json!({"type": "durable_object_namespace", "name": "DO", "class_name": class});
            if let Some(script) = script {
                b["script_name"] = json!(script);
            }
            b
        };
        assert!(check_durable_object_classes(&[binding("Counter", None)], &code, "w").is_ok());
        assert!(
            check_durable_object_classes(&[binding("Room", Some("other"))], &code, "w").is_ok()
        );
        for missing in [binding("Room", None), binding("Room", Some("w"))] {
            let error = check_durable_object_classes(&[missing], &code, "w").unwrap_err();
            assert_eq!(error.code, 10061);
            assert!(error.message.contains("'Room'"), "{}", error.message);
        }
    }

    #[test]
    fn secrets_are_redacted() {
        let shown = redacted(&json!({"type":"secret_text","name":"S","text":"v"}));
        assert_eq!(shown, json!({"type":"secret_text","name":"S"}));
        let plain = json!({"type":"plain_text","name":"P","text":"v"});
        assert_eq!(redacted(&plain), plain);
    }
}
