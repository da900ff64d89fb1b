//! Conformance: the metadata every fixture produces validates against Cloudflare's official
//! OpenAPI schema (the 2024-08-06 subset in `../shared/reference`), for the parts that schema
//! types. Where the 2024 schema is older than the API reference (workers-upload-api.md), the
//! reference wins; each such difference is listed in `NEWER_THAN_2024` with the reason, and a
//! test checks that every listed difference really occurs, so the list cannot hide anything else.

use std::path::{Path, PathBuf};

use bindery::model::{Composition, Operation};
use bindery::{cli, encode};
use serde_json::{json, Value};

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/cloudflare-openapi-workers-subset.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// JSON pointer (inside the reference document) of the metadata schema an operation is checked
/// against.
fn metadata_schema_pointer(operation: Operation) -> &'static str {
    match operation {
        Operation::Upload | Operation::Content => {
            "/$defs/requestBodies.workers_script_upload/content/multipart~1form-data/schema/oneOf/0/properties/metadata"
        }
        Operation::Version => {
            "/$defs/requestBodies.workers_version-post/content/multipart~1form-data/schema/properties/metadata"
        }
        Operation::Settings => "/$defs/workers_script-and-version-settings-item",
    }
}

/// The 2024 schema's binding definition for a binding type, where it has one.
fn binding_schema_pointer(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "kv_namespace" => "/$defs/workers_kv_namespace_binding",
        "service" => "/$defs/workers_service_binding",
        "durable_object_namespace" => "/$defs/workers_do_binding",
        "r2_bucket" => "/$defs/workers_r2_binding",
        "queue" => "/$defs/workers_queue_binding",
        "d1" => "/$defs/workers_d1_binding",
        "dispatch_namespace" => "/$defs/workers_dispatch_namespace_binding",
        "mtls_certificate" => "/$defs/workers_mtls_cert_binding",
        _ => return None,
    })
}

/// OpenAPI request bodies carry `"required": true` (the body is required), which is not JSON
/// Schema; it is dropped so the document compiles. Nothing else is changed.
fn without_openapi_required_flags(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if matches!(map.get("required"), Some(Value::Bool(_))) {
                map.remove("required");
            }
            map.values_mut().for_each(without_openapi_required_flags);
        }
        Value::Array(items) => items.iter_mut().for_each(without_openapi_required_flags),
        _ => {}
    }
}

/// A validator for the schema at `pointer`, with the whole reference's `$defs` in scope.
fn validator(reference: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = json!({ "$schema": "https://json-schema.org/draft/2020-12/schema" });
    root["$defs"] = reference["$defs"].clone();
    without_openapi_required_flags(&mut root);
    root["$ref"] = Value::String(format!("#{pointer}"));
    jsonschema::validator_for(&root).expect("the reference schema compiles")
}

/// Differences where the API reference (2026) is newer than the 2024 schema, or the 2024 schema
/// is wrong:
/// (fixture, instance path prefix, why the 2024 schema rejects it).
const NEWER_THAN_2024: &[(&str, &str, &str)] = &[
    // The 2024 PUT schema allows only bundled/unbound; `standard` is today's only recommended model.
    ("every-binding", "/usage_model", "usage_model \"standard\""),
    // D1: the 2024 schema wants the variable in `binding` and the database name in `name`;
    // wrangler, the docs and the 2026 SDK send `name` = variable and `id`.
    ("every-binding", "/bindings/5", "d1 binding shape"),
    // Service: `environment` was required in 2024; it is optional (legacy) now.
    (
        "every-binding",
        "/bindings/7",
        "service binding without environment",
    ),
    // Dispatch namespace outbound params: strings in 2024, `{name}` objects in 2026 and wrangler.
    (
        "every-binding",
        "/bindings/16/outbound/params",
        "outbound params as objects",
    ),
    // mTLS: the 2024 schema requires `certificate` (a typo: its own property is `certificate_id`,
    // which is what the reference, the SDK and wrangler send).
    (
        "every-binding",
        "/bindings/15",
        "mtls_certificate requires the misspelt `certificate`",
    ),
    // Migrations: the 2024 `oneOf` of single-step and stepped migrations is ambiguous (neither
    // branch forbids the other's keys, so every stepped migration matches both). The either-or
    // is enforced by the rules instead (`migrations-mixed-forms`).
    (
        "durable-object-migrations",
        "/migrations",
        "ambiguous oneOf for migrations",
    ),
    // Settings PATCH: a binding of only `type` + `name` carries the existing binding over
    // (reference section e, how wrangler keeps secrets); the 2024 schema types every binding of
    // a PATCH fully.
    (
        "wfp-settings-add-r2",
        "/bindings/0",
        "bare kv_namespace binding keeps the existing one",
    ),
];

fn fixtures() -> Vec<(String, Composition)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("composition.json").is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                cli::load_composition(&p.join("composition.json")).unwrap(),
            )
        })
        .collect()
}

/// Every schema error for one fixture: (instance path, message).
fn schema_errors(reference: &Value, composition: &Composition) -> Vec<(String, String)> {
    let metadata = encode::json::wire_metadata(composition);
    let mut errors = Vec::new();
    let whole = validator(
        reference,
        metadata_schema_pointer(composition.request.operation),
    );
    for error in whole.iter_errors(&metadata) {
        errors.push((error.instance_path().to_string(), error.to_string()));
    }
    // The 2024 metadata schema leaves bindings untyped; check the eight kinds it does type.
    for (index, binding) in metadata["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let type_name = binding["type"].as_str().unwrap_or_default();
        if let Some(pointer) = binding_schema_pointer(type_name) {
            for error in validator(reference, pointer).iter_errors(binding) {
                errors.push((
                    format!("/bindings/{index}{}", error.instance_path()),
                    error.to_string(),
                ));
            }
        }
    }
    errors
}

fn is_known_difference(fixture: &str, path: &str) -> bool {
    NEWER_THAN_2024
        .iter()
        .any(|(f, prefix, _)| *f == fixture && path.starts_with(prefix))
}

#[test]
fn fixture_metadata_conforms_to_the_2024_schema_except_where_the_reference_is_newer() {
    let reference = reference();
    let mut unexpected = Vec::new();
    for (name, composition) in fixtures() {
        for (path, message) in schema_errors(&reference, &composition) {
            if !is_known_difference(&name, &path) {
                unexpected.push(format!("{name}: {path}: {message}"));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "metadata rejected by the schema:\n{}",
        unexpected.join("\n")
    );
}

#[test]
fn every_listed_difference_really_occurs() {
    let reference = reference();
    let fixtures = fixtures();
    for (fixture, prefix, why) in NEWER_THAN_2024 {
        let (_, composition) = fixtures
            .iter()
            .find(|(n, _)| n == fixture)
            .expect("fixture exists");
        let errors = schema_errors(&reference, composition);
        assert!(
            errors.iter().any(|(path, _)| path.starts_with(prefix)),
            "{fixture}: expected the 2024 schema to reject {prefix} ({why}); errors: {errors:?}"
        );
    }
}

#[test]
fn the_schema_does_reject_a_broken_binding() {
    // Guards against a validator that accepts everything (e.g. an unresolved $ref).
    let reference = reference();
    let kv = validator(&reference, "/$defs/workers_kv_namespace_binding");
    assert!(kv.is_valid(
        &json!({"type":"kv_namespace","name":"K","namespace_id":"0f2ac74b498b48028cb68387c421e279"})
    ));
    assert!(!kv.is_valid(&json!({"type":"kv_namespace","name":"K"})));
    let metadata = validator(&reference, metadata_schema_pointer(Operation::Upload));
    assert!(!metadata.is_valid(&json!({"main_module": 42})));
}
