//! One field edit at a time: the metadata or a binding with one field set, checked by the
//! model's own deserializer, and the text of a form input read as the JSON value it stands for.
//!
//! The reducer applies edits with these functions; a form field that must know at once what
//! the model will hold (the JSON editor, so that its own echo does not rewrite what is typed)
//! calls the same function, so the two never disagree.

use serde_json::{Map, Value};

use crate::model::{Binding, Metadata};

/// `metadata` with the field at `path` set to `value` (or unset with `None`), checked by the
/// model. `path` is a top-level field (`compatibility_date`) or one key of an object field
/// (`limits.cpu_ms`, `annotations.workers/message`): the object's other keys stay, and an
/// object left empty is unset. The error names the field and what is wrong.
pub fn metadata_with(
    metadata: &Metadata,
    path: &str,
    value: Option<Value>,
) -> Result<Metadata, String> {
    let key = path.split_once('.').map_or(path, |(outer, _)| outer);
    // Another field than the bindings list is set without writing out (and reading back)
    // hundreds of bindings: they are put back as they were.
    let keep_bindings = key != "bindings" && !metadata.extra.contains_key("bindings");
    let mut object = if keep_bindings {
        metadata.object_with_bindings(None)
    } else {
        match serde_json::to_value(metadata) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    };
    let (key, value) = match path.split_once('.') {
        None => (path, value),
        Some((outer, inner)) => {
            let mut inside = match object.get(outer) {
                Some(Value::Object(map)) => map.clone(),
                _ => Map::new(),
            };
            match value {
                Some(v) => inside.insert(inner.to_string(), v),
                None => inside.shift_remove(inner),
            };
            (outer, (!inside.is_empty()).then_some(Value::Object(inside)))
        }
    };
    match value {
        Some(value) => object.insert(key.to_string(), value),
        None => object.shift_remove(key),
    };
    let mut out: Metadata =
        serde_json::from_value(Value::Object(object)).map_err(|e| format!("{key}: {e}"))?;
    if keep_bindings {
        out.bindings = metadata.bindings.clone();
    }
    Ok(out)
}

/// The value the metadata holds at `path` (same paths as [`metadata_with`]). Only that field
/// is serialized (the metadata panel asks for a few on every render, whatever the bindings).
pub fn metadata_value(metadata: &Metadata, path: &str) -> Option<Value> {
    let (key, inner) = match path.split_once('.') {
        None => (path, None),
        Some((outer, inner)) => (outer, Some(inner)),
    };
    let value = metadata.member(key)?;
    match inner {
        None => Some(value),
        Some(inner) => value.get(inner).cloned(),
    }
}

/// One change to one binding, as a form makes it.
#[derive(Clone, Debug, PartialEq)]
pub enum BindingEdit {
    /// The `env` name.
    Name(String),
    /// A field by wire name, nested with one dot (`simple.limit`); `None` removes it.
    Field { key: String, value: Option<Value> },
    /// The wire type of a binding the form does not know (a custom binding).
    Type(String),
    /// Every field but `type` and `name` of a custom binding: an object, or nothing.
    Fields(Option<Value>),
}

impl BindingEdit {
    /// The field the edit is about, below the binding (`""` for all of its fields).
    pub fn field(&self) -> String {
        match self {
            BindingEdit::Name(_) => "name".into(),
            BindingEdit::Field { key, .. } => key.clone(),
            BindingEdit::Type(_) => "type".into(),
            BindingEdit::Fields(_) => String::new(),
        }
    }
}

/// `binding` with `edit` made, checked by the model; the error says what the model refused.
pub fn edit_binding(binding: &Binding, edit: &BindingEdit) -> Result<Binding, String> {
    match edit {
        BindingEdit::Name(name) => Ok(Binding {
            name: name.clone(),
            ..binding.clone()
        }),
        BindingEdit::Field { key, value } => binding_field_with(binding, key, value.clone()),
        BindingEdit::Type(type_name) => {
            let mut object = binding.to_json();
            object.insert("type".into(), Value::String(type_name.trim().to_string()));
            Binding::from_json(object)
        }
        BindingEdit::Fields(value) => {
            let mut object = match value {
                Some(Value::Object(map)) => map.clone(),
                None => Map::new(),
                Some(_) => return Err("the fields must be a JSON object".to_string()),
            };
            object.insert(
                "type".into(),
                Value::String(binding.type_name().to_string()),
            );
            object.insert("name".into(), Value::String(binding.name.clone()));
            Binding::from_json(object)
        }
    }
}

/// What a field shows after `edit` was made on `binding`: the value the model holds for the
/// field edited (for [`BindingEdit::Fields`], the other fields as one object); `None` when the
/// model refuses the edit.
pub fn held_after(binding: &Binding, edit: &BindingEdit) -> Option<Option<Value>> {
    let next = edit_binding(binding, edit).ok()?;
    Some(match edit {
        BindingEdit::Fields(_) => other_fields(&next),
        BindingEdit::Field { key, .. } => binding_value(&next, key),
        BindingEdit::Name(name) => Some(Value::String(name.clone())),
        BindingEdit::Type(_) => Some(Value::String(next.type_name().to_string())),
    })
}

/// The current value of a binding field, reaching into objects for dotted keys.
pub fn binding_value(binding: &Binding, key: &str) -> Option<Value> {
    let object = binding.to_json();
    let mut parts = key.split('.');
    let mut value = object.get(parts.next()?)?.clone();
    for part in parts {
        value = value.get(part)?.clone();
    }
    Some(value)
}

/// The fields of a binding other than `type` and `name`, as one object (`None` when none).
pub fn other_fields(binding: &Binding) -> Option<Value> {
    let mut fields = binding.to_json();
    fields.shift_remove("type");
    fields.shift_remove("name");
    (!fields.is_empty()).then_some(Value::Object(fields))
}

/// `binding` with the top-level field `key` set (or removed with `None`), checked by the model.
pub fn binding_with(binding: &Binding, key: &str, value: Option<Value>) -> Result<Binding, String> {
    let mut object = binding.to_json();
    match value {
        Some(value) => object.insert(key.to_string(), value),
        None => object.shift_remove(key),
    };
    Binding::from_json(object)
}

/// The binding with `key` (possibly dotted: `simple.limit`) set or removed. The object around
/// a dotted key stays, even when emptied.
fn binding_field_with(
    binding: &Binding,
    key: &str,
    value: Option<Value>,
) -> Result<Binding, String> {
    match key.split_once('.') {
        None => binding_with(binding, key, value),
        Some((outer, inner)) => {
            let mut object = match binding_value(binding, outer) {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            match value {
                Some(v) => object.insert(inner.to_string(), v),
                None => object.shift_remove(inner),
            };
            binding_with(binding, outer, Some(Value::Object(object)))
        }
    }
}

/// `None` for an empty or blank text.
pub fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// Comma- or whitespace-separated words.
pub fn words(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// A text input's value: the text; when blank, `""` for a required field and unset otherwise.
pub fn text_value(text: String, required: bool) -> Option<Value> {
    match non_empty(text) {
        Some(t) => Some(Value::String(t)),
        None if required => Some(Value::String(String::new())),
        None => None,
    }
}

/// A number input's value: a non-negative integer; when blank, `0` for a required field and
/// unset otherwise. `None` while the text is not a number yet (the edit is skipped).
pub fn number_value(text: &str, required: bool) -> Option<Option<Value>> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(n) => Some(Some(Value::from(n))),
        Err(_) if text.is_empty() => Some(required.then(|| Value::from(0u64))),
        Err(_) => None,
    }
}

/// A list input's value: its words as a JSON array; when there are none, `[]` for a required
/// field and unset otherwise.
pub fn list_value(text: &str, required: bool) -> Option<Value> {
    let items = words(text);
    if items.is_empty() && !required {
        return None;
    }
    Some(Value::Array(items.into_iter().map(Value::String).collect()))
}

/// A three-way select's value: `true`, `false`, or unset for anything else.
pub fn bool_value(choice: &str) -> Option<Value> {
    match choice {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// A JSON value typed into a one-line input (key material): blank unsets; text that does not
/// parse yet gives `None` (the edit is skipped and the text stays in the input).
pub fn json_value(text: &str) -> Option<Option<Value>> {
    match text.trim() {
        "" => Some(None),
        t => serde_json::from_str::<Value>(t).ok().map(Some),
    }
}

/// The text an input shows for a value: a string as is, nothing for unset or `null`, any
/// other value as JSON.
pub fn shown_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The text a list input shows: its strings joined with `, `.
pub fn shown_list(value: Option<&Value>) -> String {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// `512 B`, `12.3 KB`, `4.0 MB` (integer arithmetic: no float formatting code in the bundle).
pub fn size_text(bytes: usize) -> String {
    let tenths = |unit: usize| {
        let t = (bytes * 10 + unit / 2) / unit;
        format!("{}.{}", t / 10, t % 10)
    };
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", tenths(1024)),
        _ => format!("{} MB", tenths(1024 * 1024)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BindingKind;
    use serde_json::json;

    fn binding(value: Value) -> Binding {
        Binding::from_json(value.as_object().unwrap().clone()).unwrap()
    }

    /// `metadata_with` as it was first written: the whole metadata out to JSON and back.
    fn through_the_whole_object(
        metadata: &Metadata,
        path: &str,
        value: Option<Value>,
    ) -> Result<Metadata, String> {
        let Ok(Value::Object(mut object)) = serde_json::to_value(metadata) else {
            unreachable!("a metadata object serializes to an object")
        };
        let (key, value) = match path.split_once('.') {
            None => (path, value),
            Some((outer, inner)) => {
                let mut inside = match object.get(outer) {
                    Some(Value::Object(map)) => map.clone(),
                    _ => Map::new(),
                };
                match value {
                    Some(v) => inside.insert(inner.to_string(), v),
                    None => inside.shift_remove(inner),
                };
                (outer, (!inside.is_empty()).then_some(Value::Object(inside)))
            }
        };
        match value {
            Some(value) => object.insert(key.to_string(), value),
            None => object.shift_remove(key),
        };
        serde_json::from_value(Value::Object(object)).map_err(|e| format!("{key}: {e}"))
    }

    #[test]
    fn a_metadata_field_set_beside_the_bindings_gives_what_the_whole_object_gives() {
        let with_bindings = |bindings: Value| {
            Metadata::from_object(
                json!({"main_module": "w.js", "bindings": bindings, "tags": ["a"],
                       "x_new": {"k": 1}, "limits": {"cpu_ms": 10}})
                .as_object()
                .unwrap()
                .clone(),
            )
            .unwrap()
        };
        let shapes = [
            with_bindings(
                json!([{"type": "kv_namespace", "name": "KV", "namespace_id": "abc", "x_kept": null},
                                 {"type": "not_a_type_yet", "name": "N", "anything": [1]}]),
            ),
            with_bindings(json!([])),
            with_bindings(Value::Null),
            Metadata::default(),
        ];
        let edits = [
            ("compatibility_date", Some(json!("2025-01-01"))),
            ("compatibility_date", Some(json!(42))),
            ("tags", None),
            ("limits.cpu_ms", Some(json!(50))),
            ("limits.cpu_ms", None),
            ("x_new", Some(json!("replaced"))),
            (
                "bindings",
                Some(json!([{"type": "r2_bucket", "name": "R2", "bucket_name": "b"}])),
            ),
            ("bindings", Some(json!([]))),
            ("bindings", None),
            ("bindings", Some(json!("not a list"))),
        ];
        for m in &shapes {
            for (path, value) in &edits {
                assert_eq!(
                    metadata_with(m, path, value.clone()),
                    through_the_whole_object(m, path, value.clone()),
                    "{path} = {value:?} on {m:?}"
                );
            }
        }
    }

    #[test]
    fn a_metadata_field_is_set_through_the_model() {
        let m = Metadata::default();
        let next = metadata_with(&m, "compatibility_date", Some(json!("2025-01-01"))).unwrap();
        assert_eq!(next.compatibility_date.as_deref(), Some("2025-01-01"));
        let cleared = metadata_with(&next, "compatibility_date", None).unwrap();
        assert_eq!(cleared.compatibility_date, None);
        let refused = metadata_with(&m, "placement", Some(json!(42))).unwrap_err();
        assert!(refused.starts_with("placement: "), "{refused}");
    }

    #[test]
    fn one_key_of_an_object_field_keeps_the_others_and_an_empty_object_is_unset() {
        let m = Metadata::default();
        let m = metadata_with(&m, "annotations.workers/message", Some(json!("hello"))).unwrap();
        let m = metadata_with(&m, "annotations.workers/tag", Some(json!("v1"))).unwrap();
        assert_eq!(
            metadata_value(&m, "annotations"),
            Some(json!({"workers/message": "hello", "workers/tag": "v1"}))
        );
        assert_eq!(
            metadata_value(&m, "annotations.workers/tag"),
            Some(json!("v1"))
        );
        let m = metadata_with(&m, "annotations.workers/message", None).unwrap();
        let m = metadata_with(&m, "annotations.workers/tag", None).unwrap();
        assert_eq!(metadata_value(&m, "annotations"), None);
        let m = metadata_with(&m, "limits.cpu_ms", Some(json!(50))).unwrap();
        assert_eq!(metadata_value(&m, "limits.cpu_ms"), Some(json!(50)));
    }

    #[test]
    fn binding_fields_are_edited_and_checked_by_the_model() {
        let kv = binding(json!({"type": "kv_namespace", "name": "KV", "namespace_id": "a"}));
        let edit = BindingEdit::Field {
            key: "namespace_id".into(),
            value: Some(json!("b")),
        };
        let next = edit_binding(&kv, &edit).unwrap();
        assert_eq!(binding_value(&next, "namespace_id"), Some(json!("b")));
        assert_eq!(held_after(&kv, &edit), Some(Some(json!("b"))));
        let renamed = edit_binding(&kv, &BindingEdit::Name("OTHER".into())).unwrap();
        assert_eq!(renamed.name, "OTHER");
        assert_eq!(renamed.kind, kv.kind);
        let refused = BindingEdit::Field {
            key: "namespace_id".into(),
            value: Some(json!(7)),
        };
        assert!(edit_binding(&kv, &refused).is_err());
        assert_eq!(held_after(&kv, &refused), None);
    }

    #[test]
    fn a_dotted_key_reaches_into_its_object() {
        let limit = binding(
            json!({"type": "ratelimit", "name": "RL", "namespace_id": "1001",
                                   "simple": {"limit": 10, "period": 60}}),
        );
        let next = edit_binding(
            &limit,
            &BindingEdit::Field {
                key: "simple.limit".into(),
                value: Some(json!(100)),
            },
        )
        .unwrap();
        assert_eq!(binding_value(&next, "simple.limit"), Some(json!(100)));
        assert_eq!(binding_value(&next, "simple.period"), Some(json!(60)));
        assert_eq!(binding_value(&next, "simple.nothing"), None);
    }

    #[test]
    fn a_custom_binding_changes_type_and_fields_as_json() {
        let custom = binding(json!({"type": "hologram", "name": "H", "beam": 1}));
        assert!(matches!(custom.kind, BindingKind::Custom { .. }));
        assert_eq!(other_fields(&custom), Some(json!({"beam": 1})));
        let fields = BindingEdit::Fields(Some(json!({"beam": 2, "color": "red"})));
        let next = edit_binding(&custom, &fields).unwrap();
        assert_eq!(next.name, "H");
        assert_eq!(next.type_name(), "hologram");
        assert_eq!(
            held_after(&custom, &fields),
            Some(Some(json!({"beam": 2, "color": "red"})))
        );
        let not_object = BindingEdit::Fields(Some(json!([1])));
        assert_eq!(
            edit_binding(&custom, &not_object).unwrap_err(),
            "the fields must be a JSON object"
        );
        // Typing a known type's name turns it into that type (when its fields fit).
        let known = edit_binding(
            &binding(json!({"type": "x", "name": "K", "namespace_id": "n"})),
            &BindingEdit::Type(" kv_namespace ".into()),
        )
        .unwrap();
        assert_eq!(known.type_name(), "kv_namespace");
        assert!(!matches!(known.kind, BindingKind::Custom { .. }));
        assert_eq!(BindingEdit::Fields(None).field(), "");
        assert_eq!(BindingEdit::Type(String::new()).field(), "type");
    }

    #[test]
    fn input_texts_read_as_their_values() {
        assert_eq!(text_value("  ".into(), true), Some(json!("")));
        assert_eq!(text_value("  ".into(), false), None);
        assert_eq!(text_value("a b".into(), false), Some(json!("a b")));
        assert_eq!(number_value(" 42 ", false), Some(Some(json!(42))));
        assert_eq!(number_value("", true), Some(Some(json!(0))));
        assert_eq!(number_value("", false), Some(None));
        assert_eq!(number_value("4x", true), None, "not a number yet: skipped");
        assert_eq!(number_value("-1", true), None);
        assert_eq!(list_value("a, b\tc", false), Some(json!(["a", "b", "c"])));
        assert_eq!(list_value(" , ", false), None);
        assert_eq!(list_value(" , ", true), Some(json!([])));
        assert_eq!(bool_value("true"), Some(json!(true)));
        assert_eq!(bool_value("false"), Some(json!(false)));
        assert_eq!(bool_value(""), None);
        assert_eq!(json_value(" "), Some(None));
        assert_eq!(json_value("{\"k\":1}"), Some(Some(json!({"k": 1}))));
        assert_eq!(json_value("{\"k\":"), None);
        assert_eq!(shown_text(Some(&json!("x"))), "x");
        assert_eq!(shown_text(Some(&json!(3))), "3");
        assert_eq!(shown_text(Some(&Value::Null)), "");
        assert_eq!(shown_text(None), "");
        assert_eq!(shown_list(Some(&json!(["a", "b"]))), "a, b");
        assert_eq!(shown_list(Some(&json!("a"))), "");
    }

    #[test]
    fn sizes_and_word_lists_read_naturally() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(1023), "1023 B");
        assert_eq!(size_text(1024), "1.0 KB");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(5 * 1024 * 1024 + 1024 * 1024 / 10), "5.1 MB");
        assert_eq!(
            words("nodejs_compat, ,\n a  b"),
            ["nodejs_compat", "a", "b"]
        );
        assert_eq!(non_empty("   ".into()), None);
        assert_eq!(non_empty(" x ".into()), Some(" x ".into()));
    }
}
