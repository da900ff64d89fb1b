//! The JSON object sent on the wire: the `metadata` part (or `settings` for a PATCH).
//!
//! The composition keeps every field the user set; the endpoint decides which ones travel.
//! [`wire_metadata`] keeps only the fields the chosen operation accepts (see
//! [`crate::model::METADATA_FIELDS`]) and [`dropped_fields`] names the ones it left out, so the
//! rules can warn about them.

use serde_json::{Map, Value};

use crate::model::{Composition, FieldSupport, Operation};

/// The metadata object for `c.request.operation`, in wrangler's key order.
///
/// Unset fields are absent (never `null`). One special case: a settings PATCH changes only the
/// fields it names, and a `bindings` list there replaces the current bindings, so an *empty*
/// `bindings` list is left out of a PATCH instead of removing every binding of the Worker.
pub fn wire_metadata(c: &Composition) -> Value {
    let operation = c.request.operation;
    let kept: Map<String, Value> = set_fields(c, operation)
        .into_iter()
        .filter(|(key, _)| accepted(key, operation))
        .collect();
    Value::Object(kept)
}

/// The fields the user set that [`wire_metadata`] drops for this endpoint, in wire order.
///
/// Called by the rules on every edit, so it asks the model which fields are set instead of
/// serializing the metadata.
pub fn dropped_fields(c: &Composition) -> Vec<&'static str> {
    let operation = c.request.operation;
    c.metadata
        .set_fields()
        .into_iter()
        .filter(|(name, set)| *set && !accepted(name, operation))
        .map(|(name, _)| name)
        .collect()
}

/// The wire JSON on one line, exactly as sent.
pub fn compact(c: &Composition) -> String {
    wire_metadata(c).to_string()
}

/// The wire JSON indented by two spaces, for previews.
pub fn pretty(c: &Composition) -> String {
    // Serializing a `Value` cannot fail: every key is a string.
    serde_json::to_string_pretty(&wire_metadata(c)).unwrap_or_default()
}

/// Every field that counts as set, in the struct's (wrangler's) order.
fn set_fields(c: &Composition, operation: Operation) -> Map<String, Value> {
    let mut fields = match serde_json::to_value(&c.metadata) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // `bindings` is always serialized by the model; an empty list only counts as set where it
    // means something ("no bindings") rather than "remove them all".
    let empty_bindings = c.metadata.bindings.is_empty();
    if empty_bindings && (operation == Operation::Settings || !accepted("bindings", operation)) {
        fields.shift_remove("bindings");
    }
    fields
}

fn accepted(key: &str, operation: Operation) -> bool {
    FieldSupport::lookup(key).is_some_and(|field| field.accepted_by(operation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Annotations, Binding, BindingKind, Limits, Metadata, Module, Request, Target,
    };

    fn seed_upload() -> Composition {
        Composition {
            request: Request {
                target: Target::Dispatch,
                operation: Operation::Upload,
                account_id: "acc".into(),
                script_name: "customer-1".into(),
                dispatch_namespace: "prod".into(),
                bindings_inherit_strict: false,
            },
            metadata: Metadata {
                main_module: Some("worker.js".into()),
                bindings: vec![Binding::new(
                    "USER_KV",
                    BindingKind::KvNamespace {
                        namespace_id: "ns1".into(),
                    },
                )],
                compatibility_date: Some("2024-06-01".into()),
                keep_bindings: vec!["kv_namespace".into()],
                tags: vec!["customer".into()],
                limits: Some(Limits {
                    cpu_ms: Some(50),
                    subrequests: None,
                }),
                annotations: Some(Annotations {
                    message: Some("hi".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            modules: vec![Module::inline("worker.js", "export default {}")],
            ..Default::default()
        }
    }

    fn with_operation(mut c: Composition, operation: Operation) -> Composition {
        c.request.operation = operation;
        c
    }

    #[test]
    fn upload_keeps_every_set_field_in_wrangler_order() {
        let c = seed_upload();
        assert_eq!(
            compact(&c),
            r#"{"main_module":"worker.js","bindings":[{"type":"kv_namespace","name":"USER_KV","namespace_id":"ns1"}],"compatibility_date":"2024-06-01","keep_bindings":["kv_namespace"],"tags":["customer"],"limits":{"cpu_ms":50},"annotations":{"workers/message":"hi"}}"#
        );
        assert!(dropped_fields(&c).is_empty());
    }

    #[test]
    fn unset_fields_are_absent_not_null() {
        let c = Composition::default();
        assert_eq!(compact(&c), r#"{"bindings":[]}"#);
        assert!(!compact(&seed_upload()).contains("null"));
    }

    #[test]
    fn content_endpoint_keeps_only_the_entry_part() {
        let c = with_operation(seed_upload(), Operation::Content);
        assert_eq!(compact(&c), r#"{"main_module":"worker.js"}"#);
        assert_eq!(
            dropped_fields(&c),
            [
                "bindings",
                "compatibility_date",
                "keep_bindings",
                "tags",
                "limits",
                "annotations"
            ]
        );
    }

    #[test]
    fn settings_patch_drops_code_fields_and_keep_bindings() {
        let c = with_operation(seed_upload(), Operation::Settings);
        let wire = wire_metadata(&c);
        let keys: Vec<&str> = wire
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "bindings",
                "compatibility_date",
                "tags",
                "limits",
                "annotations"
            ]
        );
        assert_eq!(dropped_fields(&c), ["main_module", "keep_bindings"]);
    }

    #[test]
    fn version_upload_drops_unversioned_settings() {
        let c = with_operation(seed_upload(), Operation::Version);
        assert_eq!(dropped_fields(&c), ["tags"]);
        assert!(wire_metadata(&c).get("tags").is_none());
        assert!(wire_metadata(&c).get("keep_bindings").is_some());
    }

    #[test]
    fn empty_bindings_are_sent_on_upload_but_not_on_a_patch() {
        let mut c = seed_upload();
        c.metadata.bindings.clear();
        assert_eq!(wire_metadata(&c)["bindings"], serde_json::json!([]));
        let patch = with_operation(c.clone(), Operation::Settings);
        assert!(wire_metadata(&patch).get("bindings").is_none());
        let content = with_operation(c, Operation::Content);
        assert!(!dropped_fields(&content).contains(&"bindings"));
    }

    #[test]
    fn pretty_uses_two_space_indent_and_same_value() {
        let c = seed_upload();
        let text = pretty(&c);
        assert!(text.starts_with("{\n  \"main_module\": \"worker.js\",\n  \"bindings\": [\n    {"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, wire_metadata(&c));
    }
}
