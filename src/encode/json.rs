//! The JSON object sent on the wire: the `metadata` part (or `settings` for a PATCH).
//!
//! The composition keeps every field the user set; the endpoint decides which ones travel.
//! [`wire_metadata`] leaves out the known fields the chosen operation does not take (see
//! [`crate::model::METADATA_FIELDS`]) and [`dropped_fields`] names them, so the rules can warn
//! and the preview can say which request carries them instead ([`notes`]). Fields Bindery does
//! not know are always sent, as given.

use serde_json::{Map, Value};

use crate::model::{
    Accepts, Composition, FieldSupport, ListPresence, Operation, PatchList, PATCH_LISTS,
};

/// The metadata object for `c.request.operation`, in wrangler's key order, unknown fields last.
///
/// Unset fields are absent (never `null`, unless given as `null`). A list is sent when it was
/// written, even empty: on a settings PATCH an absent list keeps the deployed value and `[]`
/// clears it. An upload or a version upload always names its `bindings` (`[]` when there are
/// none), as wrangler does: there absent and empty mean the same. (An upload of static assets
/// without an entry names none, as wrangler's.)
pub fn wire_metadata(c: &Composition) -> Value {
    let serialized = match serde_json::to_value(&c.metadata) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    Value::Object(wire_members(c, serialized))
}

/// The members of [`wire_metadata`] from the metadata as serialized (`serialized`): what the
/// endpoint takes, with `bindings: []` where an upload needs it. The preview passes the
/// metadata with its bindings not yet written out, and writes each binding's own text.
pub(crate) fn wire_members(c: &Composition, serialized: Map<String, Value>) -> Map<String, Value> {
    let operation = c.request.operation;
    let mut out = Map::new();
    let assets_only = c.metadata.entry_part().is_none() && c.metadata.assets.is_some();
    let always_bindings = matches!(operation, Operation::Upload | Operation::Version)
        && c.metadata.bindings.is_absent()
        && !assets_only;
    let mut bindings_placed = !always_bindings;
    for (key, value) in serialized {
        if !bindings_placed && !matches!(key.as_str(), "main_module" | "body_part") {
            out.insert("bindings".into(), Value::Array(Vec::new()));
            bindings_placed = true;
        }
        if sent(&key, operation) {
            out.insert(key, value);
        }
    }
    if !bindings_placed {
        out.insert("bindings".into(), Value::Array(Vec::new()));
    }
    out
}

/// The known fields the user set that [`wire_metadata`] leaves out for this endpoint, in wire
/// order.
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

/// The known fields that are sent although the sources disagree on whether this endpoint
/// takes them, each with how they disagree.
pub fn disputed_fields(c: &Composition) -> Vec<(&'static str, &'static str)> {
    let operation = c.request.operation;
    c.metadata
        .set_fields()
        .into_iter()
        .filter(|(_, set)| *set)
        .filter_map(|(name, _)| match support(name, operation) {
            Some(Accepts::Disputed(why)) => Some((name, why)),
            _ => None,
        })
        .collect()
}

/// What the preview says about the JSON it shows, in plain sentences: the fields left out and
/// the request that carries each instead, the fields sent though the sources disagree, and on a
/// settings PATCH what each list means (absent keeps the deployed one, `[]` clears it).
pub fn notes(c: &Composition) -> Vec<String> {
    let operation = c.request.operation;
    let mut out = Vec::new();
    for name in dropped_fields(c) {
        if let Some(Accepts::No(instead)) = support(name, operation) {
            out.push(format!(
                "`{name}` is not sent with {}; it goes with {instead}.",
                endpoint(operation)
            ));
        }
    }
    for (name, why) in disputed_fields(c) {
        out.push(format!("`{name}` is sent as given, though {why}."));
    }
    if operation == Operation::Settings {
        out.extend(PATCH_LISTS.iter().map(|list| list_note(list, &c.metadata)));
    }
    out
}

/// What a list means on a settings PATCH.
fn list_note(list: &PatchList, metadata: &crate::model::Metadata) -> String {
    let PatchList {
        name,
        every,
        plural,
    } = list;
    match list.presence(metadata) {
        ListPresence::Absent => {
            format!("`{name}` is left out: the deployed {plural} stay as they are.")
        }
        ListPresence::Empty => format!("`{name}: []` removes {every}."),
        ListPresence::Items(_) if *name == "bindings" => "`bindings` replaces the deployed bindings: any not listed is removed (one with only its name and type keeps the deployed one).".to_string(),
        ListPresence::Items(_) => format!("`{name}` replaces the deployed {plural}."),
    }
}

fn endpoint(operation: Operation) -> &'static str {
    match operation {
        Operation::Upload => "an upload",
        Operation::Version => "a version upload",
        Operation::Settings => "a settings PATCH",
        Operation::Content => "a content upload",
    }
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

fn support(key: &str, operation: Operation) -> Option<Accepts> {
    FieldSupport::lookup(key).map(|field| field.support(operation))
}

fn accepted(key: &str, operation: Operation) -> bool {
    support(key, operation).is_some_and(Accepts::sends)
}

/// Known fields go where the table says; unknown ones always travel.
fn sent(key: &str, operation: Operation) -> bool {
    support(key, operation).is_none_or(Accepts::sends)
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
                )]
                .into(),
                compatibility_date: Some("2024-06-01".into()),
                keep_bindings: vec!["kv_namespace".into()].into(),
                tags: vec!["customer".into()].into(),
                limits: Some(Limits {
                    cpu_ms: Some(50),
                    ..Default::default()
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
    fn an_assets_only_upload_names_no_bindings_as_wrangler_sends_it() {
        let mut c = Composition::default();
        c.metadata.assets = Some(Default::default());
        assert_eq!(compact(&c), r#"{"assets":{}}"#);
    }

    #[test]
    fn an_upload_names_its_bindings_right_after_the_entry() {
        let mut c = seed_upload();
        c.metadata.bindings.set_absent();
        assert!(compact(&c)
            .starts_with(r#"{"main_module":"worker.js","bindings":[],"compatibility_date""#));
    }

    #[test]
    fn unknown_fields_travel_on_every_endpoint_after_the_known_ones() {
        for operation in Operation::ALL {
            let mut c = with_operation(seed_upload(), operation);
            c.metadata
                .extra
                .insert("extra_field".into(), Value::String("x".into()));
            let wire = wire_metadata(&c);
            let keys: Vec<&String> = wire.as_object().unwrap().keys().collect();
            assert_eq!(
                keys.last().unwrap().as_str(),
                "extra_field",
                "{operation:?}"
            );
        }
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
    fn a_patch_sends_an_empty_list_as_written_and_leaves_an_absent_one_out() {
        let given: Metadata = serde_json::from_str(
            r#"{"bindings":[],"compatibility_flags":[],"tags":[],"tail_consumers":[]}"#,
        )
        .unwrap();
        let mut c = Composition {
            metadata: given,
            ..Default::default()
        };
        c.request.operation = Operation::Settings;
        assert_eq!(
            compact(&c),
            r#"{"bindings":[],"compatibility_flags":[],"tags":[],"tail_consumers":[]}"#
        );
        let said = notes(&c).join("\n");
        assert!(
            said.contains("`bindings: []` removes every binding."),
            "{said}"
        );
        assert!(
            said.contains("`compatibility_flags: []` removes every compatibility flag."),
            "{said}"
        );
        assert!(said.contains("`tags: []` removes every tag."), "{said}");
        assert!(
            said.contains("`tail_consumers: []` removes every tail Worker."),
            "{said}"
        );

        c.metadata = Metadata::default();
        assert_eq!(compact(&c), "{}");
        let said = notes(&c).join("\n");
        assert!(
            said.contains("`bindings` is left out: the deployed bindings stay as they are."),
            "{said}"
        );
        assert!(
            said.contains("`tags` is left out: the deployed tags stay as they are."),
            "{said}"
        );
    }

    #[test]
    fn an_emptied_binding_list_is_absent_on_a_patch_unless_written() {
        let mut c = with_operation(seed_upload(), Operation::Settings);
        c.metadata.bindings.set_absent();
        assert!(wire_metadata(&c).get("bindings").is_none());
        c.metadata.bindings.set_empty();
        assert_eq!(wire_metadata(&c)["bindings"], serde_json::json!([]));
        let content = with_operation(c, Operation::Content);
        assert!(wire_metadata(&content).get("bindings").is_none());
    }

    #[test]
    fn the_preview_names_the_request_that_carries_a_field_left_out() {
        let c = with_operation(seed_upload(), Operation::Version);
        let said = notes(&c).join("\n");
        assert!(
            said.contains(
                "`tags` is not sent with a version upload; it goes with a settings PATCH"
            ),
            "{said}"
        );
        assert!(said.contains("`limits` is sent as given, though"), "{said}");
    }

    #[test]
    fn a_version_upload_sends_what_wrangler_sends_there_and_says_the_sources_disagree() {
        let mut c = with_operation(seed_upload(), Operation::Version);
        c.metadata.tail_consumers = vec![crate::model::TailConsumer {
            service: "tail".into(),
            ..Default::default()
        }]
        .into();
        assert!(wire_metadata(&c).get("tail_consumers").is_some());
        assert!(wire_metadata(&c).get("limits").is_some());
        let disputed: Vec<&str> = disputed_fields(&c).iter().map(|(n, _)| *n).collect();
        assert_eq!(disputed, ["tail_consumers", "limits"]);
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
