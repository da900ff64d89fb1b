//! JSON helpers shared by the diff: tolerant comparison, "unset" defaults, short rendering, and
//! lenient reading of values the API may extend with fields this build does not know.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Equal as JSON, with numbers compared by value (`1` equals `1.0`) and object keys in any order.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Whether a settings value means "not set": what the API shows for a field nobody set
/// (`null`, `[]`, `{}`, `""`, `logpush: false`, `usage_model: "standard"`).
pub fn is_unset(field: &str, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::String(text) => text.is_empty() || (field == "usage_model" && text == "standard"),
        Value::Bool(on) => field == "logpush" && !on,
        Value::Number(_) => false,
    }
}

/// The value with "unset" folded into `None`.
pub fn set_value(field: &str, value: Option<&Value>) -> Option<Value> {
    value.filter(|v| !is_unset(field, v)).cloned()
}

/// A value in a sentence: strings bare, lists of strings joined by commas, the rest as JSON.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Removes `null` members (at any depth): the API may show an absent optional field as `null`,
/// which the model's non-optional fields do not accept.
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Reads `value` as `T` (with `null` members taken as unset). Members `T` does not know are
/// kept in the model's `extra` maps, so a newer API's fields are sent back as they came. `None`
/// (with a note) when the value does not fit.
pub fn lenient<T: DeserializeOwned>(
    value: &Value,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<T> {
    match serde_json::from_value::<T>(without_nulls(value.clone())) {
        Ok(typed) => Some(typed),
        Err(error) => {
            notes.push(format!(
                "`{what}` could not be read ({error}) and was left out"
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Limits, Observability};
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value() {
        assert!(same(
            &json!({"a": 1, "b": [0.5]}),
            &json!({"b": [0.5], "a": 1.0})
        ));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn defaults_count_as_unset() {
        for (field, value) in [
            ("placement", json!({})),
            ("tags", json!([])),
            ("logpush", json!(false)),
            ("usage_model", json!("standard")),
            ("tail_consumers", Value::Null),
        ] {
            assert!(is_unset(field, &value), "{field}");
        }
        assert!(!is_unset("usage_model", &json!("bundled")));
        assert!(!is_unset("logpush", &json!(true)));
    }

    #[test]
    fn lenient_reading_keeps_unknown_members_and_takes_nulls_as_unset() {
        let mut notes = Vec::new();
        let limits: Limits = lenient(
            &json!({"cpu_ms": 50, "memory_mb": 128}),
            "limits",
            &mut notes,
        )
        .unwrap();
        assert_eq!(limits.cpu_ms, Some(50));
        assert_eq!(limits.extra["memory_mb"], json!(128));
        assert!(notes.is_empty());
        let nested = json!({"enabled": true, "logs": {"enabled": true, "invocation_logs": false, "sampling": 1}, "head_sampling_rate": null});
        let o: Observability = lenient(&nested, "observability", &mut notes).unwrap();
        assert!(o.enabled == Some(true) && o.logs.is_some());
        assert!(
            o.extra.is_empty(),
            "a null is unset, not kept: {:?}",
            o.extra
        );
        assert_eq!(o.logs.unwrap().extra["sampling"], json!(1));
        assert!(lenient::<Limits>(&json!({"cpu_ms": "fast"}), "limits", &mut notes).is_none());
        assert!(notes.last().unwrap().contains("could not be read"));
    }

    #[test]
    fn rendering() {
        assert_eq!(render(&json!("2024-06-01")), "2024-06-01");
        assert_eq!(render(&json!(["nodejs_compat", "x"])), "nodejs_compat, x");
        assert_eq!(render(&json!({"mode": "smart"})), r#"{"mode":"smart"}"#);
    }
}
