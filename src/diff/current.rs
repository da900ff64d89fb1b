//! The deployed state of a script, read from `GET …/scripts/{name}/settings` (reference (a)).
//!
//! Reading is tolerant: an unknown binding type stays a [`BindingKind::Custom`], a field this
//! build does not know is dropped with a note, a value of the wrong shape is noted and skipped.
//! Only an answer that is not a settings object at all (or a failed envelope) is an error.

use serde_json::{Map, Value};

use super::values::{lenient, set_value, without_nulls};
use crate::model::{Binding, BindingKind};

/// The settings fields the diff compares, in the order it reports them.
pub const COMPARED_SETTINGS: &[&str] = &[
    "compatibility_date",
    "compatibility_flags",
    "usage_model",
    "placement",
    "limits",
    "logpush",
    "tags",
    "tail_consumers",
    "observability",
];

/// A script's current bindings and settings. Secrets come back without their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurrentSettings {
    pub bindings: Vec<Binding>,
    pub compatibility_date: Option<String>,
    pub compatibility_flags: Vec<String>,
    pub usage_model: Option<String>,
    pub logpush: Option<bool>,
    pub tags: Vec<String>,
    /// Kept as JSON: the API's shapes for these grow over time.
    pub placement: Option<Value>,
    pub limits: Option<Value>,
    pub tail_consumers: Option<Value>,
    pub observability: Option<Value>,
    /// The Durable Object migration tag (`migrations.tag`), when the Worker has one.
    pub migration_tag: Option<String>,
    /// Every other member of the answer, as returned.
    pub other: Map<String, Value>,
    /// What was skipped or dropped while reading, in plain words.
    pub notes: Vec<String>,
}

impl CurrentSettings {
    /// Reads a settings answer: the whole v4 envelope (`{success, errors, result}`) or its
    /// `result` object.
    pub fn parse(answer: &Value) -> Result<CurrentSettings, String> {
        let result = unwrap_envelope(answer)?;
        let mut current = CurrentSettings::default();
        for (key, value) in result {
            current.read_member(key, value);
        }
        Ok(current)
    }

    /// The current binding called `name`.
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// A compared settings field as JSON, `None` when it is unset (see [`COMPARED_SETTINGS`]).
    pub fn setting(&self, field: &str) -> Option<Value> {
        let strings = |items: &[String]| Value::from(items.to_vec());
        let value = match field {
            "compatibility_date" => self.compatibility_date.clone().map(Value::String),
            "compatibility_flags" => Some(strings(&self.compatibility_flags)),
            "usage_model" => self.usage_model.clone().map(Value::String),
            "placement" => self.placement.clone(),
            "limits" => self.limits.clone(),
            "logpush" => self.logpush.map(Value::Bool),
            "tags" => Some(strings(&self.tags)),
            "tail_consumers" => self.tail_consumers.clone(),
            "observability" => self.observability.clone(),
            _ => self.other.get(field).cloned(),
        };
        set_value(field, value.as_ref())
    }

    fn read_member(&mut self, key: &str, value: &Value) {
        match key {
            "bindings" => self.read_bindings(value),
            "compatibility_date" => self.compatibility_date = self.string(key, value),
            "usage_model" => self.usage_model = self.string(key, value),
            "compatibility_flags" => self.compatibility_flags = self.strings(key, value),
            "tags" => self.tags = self.strings(key, value),
            "logpush" => match value {
                Value::Bool(on) => self.logpush = Some(*on),
                Value::Null => {}
                _ => self.note_shape(key, "true or false"),
            },
            "placement" => self.placement = non_null(value),
            "limits" => self.limits = non_null(value),
            "tail_consumers" => self.tail_consumers = non_null(value),
            "observability" => self.observability = non_null(value),
            "migrations" => {
                self.migration_tag = value.get("tag").and_then(Value::as_str).map(String::from)
            }
            _ => {
                self.other.insert(key.to_string(), value.clone());
            }
        }
    }

    fn read_bindings(&mut self, value: &Value) {
        let items = match value {
            Value::Array(items) => items,
            Value::Null => return,
            _ => return self.note_shape("bindings", "a list"),
        };
        for (index, item) in items.iter().enumerate() {
            match read_binding(item, index, &mut self.notes) {
                Some(binding) if self.binding(&binding.name).is_some() => self.notes.push(format!(
                    "binding {} is listed twice; the first one is used",
                    binding.name
                )),
                Some(binding) => self.bindings.push(binding),
                None => {}
            }
        }
    }

    fn string(&mut self, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) if !text.is_empty() => Some(text.clone()),
            Value::String(_) | Value::Null => None,
            _ => {
                self.note_shape(key, "a string");
                None
            }
        }
    }

    fn strings(&mut self, key: &str, value: &Value) -> Vec<String> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                self.note_shape(key, "a list of strings");
                Vec::new()
            }
        }
    }

    fn note_shape(&mut self, key: &str, expected: &str) {
        self.notes
            .push(format!("`{key}` is not {expected} and was left out"));
    }
}

fn non_null(value: &Value) -> Option<Value> {
    (!value.is_null()).then(|| value.clone())
}

/// The `result` object of an envelope, or the object itself when it is not an envelope.
fn unwrap_envelope(answer: &Value) -> Result<&Map<String, Value>, String> {
    let object = answer
        .as_object()
        .ok_or("the settings answer is not a JSON object")?;
    let is_envelope = object.contains_key("success") && object.contains_key("result");
    if !is_envelope {
        return Ok(object);
    }
    if object.get("success") == Some(&Value::Bool(false)) {
        let errors: Vec<String> = object
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| {
                let message = e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)");
                match e.get("code") {
                    Some(code) => format!("{message} [code: {code}]"),
                    None => message.to_string(),
                }
            })
            .collect();
        return Err(format!(
            "the settings request failed: {}",
            errors.join("; ")
        ));
    }
    object
        .get("result")
        .and_then(Value::as_object)
        .ok_or_else(|| "the settings answer has no `result` object".to_string())
}

/// One binding of the answer. A known type with fields this build does not know loses those
/// fields (noted); one that still does not fit is kept verbatim as a custom binding, so sending
/// it back changes nothing.
fn read_binding(item: &Value, index: usize, notes: &mut Vec<String>) -> Option<Binding> {
    let Some(object) = item.as_object() else {
        notes.push(format!("binding #{index} is not an object and was skipped"));
        return None;
    };
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(type_name) = object.get("type").and_then(Value::as_str) else {
        notes.push(format!(
            "binding #{index} ({name}) has no type and was skipped"
        ));
        return None;
    };
    if name.is_empty() {
        notes.push(format!(
            "binding #{index} ({type_name}) has no name and was skipped"
        ));
        return None;
    }
    let what = format!("bindings.{name}");
    let mut local_notes = Vec::new();
    match lenient::<Binding>(item, &what, &mut local_notes) {
        Some(binding) => {
            notes.extend(local_notes);
            Some(binding)
        }
        None => {
            notes.push(format!("binding {name} ({type_name}) did not match its type and is kept exactly as returned"));
            let Value::Object(mut fields) = without_nulls(item.clone()) else {
                return None;
            };
            fields.shift_remove("type");
            fields.shift_remove("name");
            Some(Binding::new(
                name,
                BindingKind::Custom {
                    type_name: type_name.to_string(),
                    fields,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shape the sandbox (and the API) answers with.
    pub(crate) fn sandbox_answer() -> Value {
        json!({
            "success": true, "errors": [], "messages": [],
            "result": {
                "bindings": [
                    {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
                    {"type": "secret_text", "name": "API_KEY"},
                    {"type": "hologram", "name": "HOLO", "beam": 3}
                ],
                "compatibility_date": "2024-06-01",
                "compatibility_flags": ["nodejs_compat"],
                "usage_model": "standard",
                "logpush": false,
                "tail_consumers": null,
                "placement": {},
                "tags": [],
                "migrations": {"tag": "v2"},
                "etag": "abc"
            }
        })
    }

    #[test]
    fn reads_the_envelope_and_every_field() {
        let current = CurrentSettings::parse(&sandbox_answer()).unwrap();
        assert_eq!(current.bindings.len(), 3);
        assert_eq!(
            current.binding("API_KEY").unwrap().kind,
            BindingKind::SecretText {
                text: String::new()
            }
        );
        assert!(matches!(
            current.binding("HOLO").unwrap().kind,
            BindingKind::Custom { .. }
        ));
        assert_eq!(
            current.setting("compatibility_date"),
            Some(json!("2024-06-01"))
        );
        assert_eq!(
            current.setting("compatibility_flags"),
            Some(json!(["nodejs_compat"]))
        );
        for unset in [
            "usage_model",
            "logpush",
            "tail_consumers",
            "placement",
            "tags",
            "limits",
        ] {
            assert_eq!(current.setting(unset), None, "{unset}");
        }
        assert_eq!(current.migration_tag.as_deref(), Some("v2"));
        assert_eq!(current.other.get("etag"), Some(&json!("abc")));
        assert!(current.notes.is_empty(), "{:?}", current.notes);
        let bare_result = &sandbox_answer()["result"];
        assert_eq!(CurrentSettings::parse(bare_result).unwrap(), current);
    }

    #[test]
    fn tolerates_new_fields_and_odd_shapes() {
        let answer = json!({
            "bindings": [
                {"type": "r2_bucket", "name": "STORAGE", "bucket_name": "b", "jurisdiction": null, "storage_class": "Standard"},
                {"type": "kv_namespace", "name": "ODD", "namespace_id": 7},
                {"type": "kv_namespace"},
                "nonsense"
            ],
            "tags": "not-a-list"
        });
        let current = CurrentSettings::parse(&answer).unwrap();
        let names: Vec<&str> = current.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["STORAGE", "ODD"]);
        assert_eq!(
            current.binding("STORAGE").unwrap().kind,
            BindingKind::R2Bucket {
                bucket_name: "b".into(),
                jurisdiction: None
            }
        );
        assert_eq!(
            current.binding("STORAGE").unwrap().extra["storage_class"],
            json!("Standard"),
            "a member this build does not know is kept, to be sent back as given"
        );
        let odd = current.binding("ODD").unwrap();
        assert_eq!(
            serde_json::to_value(odd).unwrap(),
            json!({"type": "kv_namespace", "name": "ODD", "namespace_id": 7})
        );
        let notes = current.notes.join("\n");
        assert!(!notes.contains("storage_class"), "{notes}");
        for word in ["ODD", "has no name", "#3", "`tags`"] {
            assert!(notes.contains(word), "{word} in {notes}");
        }
    }

    #[test]
    fn failed_envelopes_and_non_objects_are_errors() {
        let failed = json!({"success": false, "errors": [{"code": 10007, "message": "This Worker does not exist"}], "result": null});
        let err = CurrentSettings::parse(&failed).unwrap_err();
        assert!(err.contains("does not exist [code: 10007]"), "{err}");
        assert!(CurrentSettings::parse(&json!([1])).is_err());
    }
}
