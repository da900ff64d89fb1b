//! The metadata and settings fields the sandbox judges by their shape (as the API's schema and
//! the SDK's types give them), and which of them belong to a version or to the Worker.
//!
//! A field of the wrong JSON type (`placement: "x"`, `limits: 3.7e307`, `compatibility_flags`
//! as one string) is refused with 10021 naming the field, as the real API refuses a metadata
//! part it cannot decode; a field the sandbox does not know passes untouched (newer clients send
//! fields this list has never heard of, such as `code_update_strategy`).

use serde_json::{Map, Value};

use super::reply::ApiError;

/// Settings carried by a version (replaced by each upload).
pub const VERSIONED_SETTINGS: &[&str] = &[
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

/// Settings of the Worker itself (`script-settings`; kept by an upload that does not give them).
pub const SCRIPT_SETTINGS: &[&str] = &["logpush", "tail_consumers", "observability", "tags"];

/// Checks every known field of a metadata or settings object (`part` names it in messages).
pub fn check_fields(object: &Map<String, Value>, part: &str) -> Result<(), ApiError> {
    for (key, value) in object {
        if let Err(expected) = check_field(key, value) {
            return Err(ApiError::validation(format!(
                "{part}: `{key}` must be {expected}"
            )));
        }
    }
    Ok(())
}

/// What a known field must be, or `Ok` (unknown fields pass).
fn check_field(key: &str, value: &Value) -> Result<(), &'static str> {
    match key {
        "main_module" | "body_part" => nullable(value, |v| {
            non_empty_string(v).ok_or("the name of a module part (a non-empty string)")
        }),
        "compatibility_date" => {
            date(value).ok_or("a date written YYYY-MM-DD (for example \"2024-06-01\")")
        }
        "compatibility_flags" => strings(value, is_flag)
            .ok_or("an array of flag names (strings without spaces or control characters)"),
        "keep_bindings" => {
            strings(value, |s| !s.is_empty()).ok_or("an array of binding type names")
        }
        "usage_model" => matches!(value.as_str(), Some("standard" | "bundled" | "unbound"))
            .then_some(())
            .ok_or("one of \"standard\", \"bundled\", \"unbound\""),
        "logpush" | "keep_assets" => value.is_boolean().then_some(()).ok_or("true or false"),
        "tags" => nullable(value, |v| {
            strings(v, |_| true).ok_or("an array of strings or null")
        }),
        "tail_consumers" | "streaming_tail_consumers" => nullable(value, |v| {
            objects(v, |o| o.get("service").is_some_and(Value::is_string))
                .ok_or("an array of {\"service\": \"worker-name\"} objects or null")
        }),
        "placement" => placement(value)
            .ok_or("an object such as {\"mode\":\"smart\"} or {\"region\":\"aws:us-east-1\"}"),
        "limits" => limits(value)
            .ok_or("an object such as {\"cpu_ms\": 50} (whole numbers from 0 to 4294967295)"),
        "observability" => nullable(value, |v| {
            observability(v)
                .ok_or("an object such as {\"enabled\": true, \"head_sampling_rate\": 1} or null")
        }),
        "annotations" => value
            .as_object()
            .filter(|o| o.values().all(|v| v.is_string() || v.is_null()))
            .map(|_| ())
            .ok_or("an object of string annotations such as {\"workers/message\": \"…\"}"),
        "migrations" => nullable(value, |v| {
            migrations(v)
                .ok_or("an object with old_tag/new_tag strings and class lists (or steps of them)")
        }),
        "assets" => value
            .as_object()
            .filter(|o| {
                o.get("jwt").is_none_or(Value::is_string)
                    && o.get("config").is_none_or(|c| c.is_object() || c.is_null())
            })
            .map(|_| ())
            .ok_or("an object {\"jwt\": \"…\", \"config\": {…}}"),
        "exports" | "cache_options" => {
            nullable(value, |v| v.is_object().then_some(()).ok_or("an object"))
        }
        _ => Ok(()),
    }
}

fn nullable(
    value: &Value,
    check: impl FnOnce(&Value) -> Result<(), &'static str>,
) -> Result<(), &'static str> {
    if value.is_null() {
        Ok(())
    } else {
        check(value)
    }
}

fn non_empty_string(value: &Value) -> Option<()> {
    value.as_str().filter(|s| !s.is_empty()).map(|_| ())
}

fn strings(value: &Value, each: impl Fn(&str) -> bool) -> Option<()> {
    value
        .as_array()?
        .iter()
        .all(|v| v.as_str().is_some_and(&each))
        .then_some(())
}

fn objects(value: &Value, each: impl Fn(&Map<String, Value>) -> bool) -> Option<()> {
    value
        .as_array()?
        .iter()
        .all(|v| v.as_object().is_some_and(&each))
        .then_some(())
}

fn is_flag(flag: &str) -> bool {
    !flag.is_empty() && !flag.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `YYYY-MM-DD` with a month of 1–12 and a day of 1–31.
fn date(value: &Value) -> Option<()> {
    let text = value.as_str()?;
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes[range.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| text[range].parse::<u32>().ok())
            .flatten()
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (_, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(())
}

fn whole_number(value: &Value) -> bool {
    value.as_u64().is_some_and(|n| n <= u64::from(u32::MAX))
}

fn limits(value: &Value) -> Option<()> {
    let object = value.as_object()?;
    ["cpu_ms", "subrequests"]
        .iter()
        .all(|key| object.get(*key).is_none_or(whole_number))
        .then_some(())
}

fn placement(value: &Value) -> Option<()> {
    let object = value.as_object()?;
    let mode_ok = object
        .get("mode")
        .is_none_or(|m| matches!(m.as_str(), Some("smart" | "targeted")));
    let texts_ok = ["region", "hostname", "host", "hint"]
        .iter()
        .all(|key| object.get(*key).is_none_or(Value::is_string));
    let target_ok = object
        .get("target")
        .is_none_or(|t| objects(t, |_| true).is_some());
    (mode_ok && texts_ok && target_ok).then_some(())
}

fn observability(value: &Value) -> Option<()> {
    let object = value.as_object()?;
    let rate_ok = |o: &Map<String, Value>| {
        o.get("head_sampling_rate")
            .is_none_or(|r| r.as_f64().is_some_and(|r| (0.0..=1.0).contains(&r)))
    };
    let flag_ok = |o: &Map<String, Value>, key: &str| o.get(key).is_none_or(Value::is_boolean);
    let nested_ok = ["logs", "traces"].iter().all(|key| {
        object.get(*key).is_none_or(|n| {
            n.as_object()
                .is_some_and(|n| rate_ok(n) && flag_ok(n, "enabled"))
        })
    });
    (flag_ok(object, "enabled") && rate_ok(object) && nested_ok).then_some(())
}

fn migrations(value: &Value) -> Option<()> {
    let object = value.as_object()?;
    let tags_ok = ["old_tag", "new_tag"].iter().all(|key| {
        object
            .get(*key)
            .is_none_or(|t| t.is_string() || t.is_null())
    });
    let step_ok = |step: &Map<String, Value>| {
        ["new_classes", "new_sqlite_classes", "deleted_classes"]
            .iter()
            .all(|key| {
                step.get(*key)
                    .is_none_or(|l| strings(l, |_| true).is_some())
            })
            && ["renamed_classes", "transferred_classes"]
                .iter()
                .all(|key| {
                    step.get(*key)
                        .is_none_or(|l| objects(l, |_| true).is_some())
                })
    };
    let steps_ok = object
        .get("steps")
        .is_none_or(|s| objects(s, step_ok).is_some());
    (tags_ok && step_ok(object) && steps_ok).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value) -> Result<(), ApiError> {
        check_fields(value.as_object().unwrap(), "metadata")
    }

    #[test]
    fn what_wrangler_and_the_sdk_send_passes() {
        check(json!({
            "main_module": "index.js",
            "compatibility_date": "2025-01-01",
            "compatibility_flags": ["nodejs_compat", "no_nodejs_compat_v2"],
            "usage_model": "standard",
            "logpush": false,
            "tags": null,
            "tail_consumers": [{"service": "tail", "environment": "production"}],
            "placement": {"mode": "targeted", "region": "aws:us-east-1"},
            "limits": {"cpu_ms": 50},
            "observability": {"enabled": true, "head_sampling_rate": 0.5, "logs": {"enabled": true, "invocation_logs": true}},
            "annotations": {"workers/message": "hi", "workers/tag": null},
            "migrations": {"old_tag": "v1", "new_tag": "v2", "steps": [{"new_sqlite_classes": ["Room"], "renamed_classes": [{"from": "A", "to": "B"}]}]},
            "assets": {"jwt": "a.b.c", "config": {"html_handling": "auto-trailing-slash"}},
            "keep_assets": true,
            "code_update_strategy": "whatever a newer client sends",
            "unknown_field": {"kept": "as given"},
        }))
        .unwrap();
    }

    #[test]
    fn settings_the_api_refuses_are_refused_naming_the_field() {
        for (metadata, field) in [
            (
                json!({"compatibility_flags": "nodejs_compat\r\nx"}),
                "compatibility_flags",
            ),
            (
                json!({"compatibility_flags": ["a b"]}),
                "compatibility_flags",
            ),
            (json!({"placement": "x"}), "placement"),
            (json!({"placement": {"mode": "fast"}}), "placement"),
            (json!({"limits": 3.7e307}), "limits"),
            (json!({"limits": {"cpu_ms": 3.7e307}}), "limits"),
            (json!({"limits": {"cpu_ms": -1}}), "limits"),
            (json!({"main_module": ""}), "main_module"),
            (json!({"body_part": 3}), "body_part"),
            (
                json!({"compatibility_date": "2024-13-01"}),
                "compatibility_date",
            ),
            (
                json!({"compatibility_date": "tomorrow"}),
                "compatibility_date",
            ),
            (json!({"usage_model": "free"}), "usage_model"),
            (json!({"logpush": "yes"}), "logpush"),
            (json!({"tags": "a"}), "tags"),
            (json!({"tail_consumers": [{"name": "x"}]}), "tail_consumers"),
            (
                json!({"observability": {"head_sampling_rate": 2}}),
                "observability",
            ),
            (
                json!({"annotations": {"workers/message": 1}}),
                "annotations",
            ),
            (json!({"migrations": {"new_classes": "A"}}), "migrations"),
            (json!({"assets": {"jwt": 1}}), "assets"),
        ] {
            let error = check(metadata.clone()).unwrap_err();
            assert_eq!(error.code, 10021, "{metadata}");
            assert_eq!(error.status, 400);
            assert!(
                error
                    .message
                    .starts_with(&format!("metadata: `{field}` must be")),
                "{metadata}: {}",
                error.message
            );
        }
    }
}
