//! What a request does to the compared settings (compatibility date and flags, usage model,
//! placement, limits, logpush, tags, tail Workers, observability).
//!
//! Only what the request sends can change, with one exception: an upload or version upload
//! replaces the *versioned* settings (date, flags, usage model, placement, limits), so one it
//! leaves out goes back to its default. The script-level settings (logpush, tags, tail Workers,
//! observability) stay as they are unless sent. A settings PATCH changes only what it names;
//! a content upload changes none. Defaults (`[]`, `{}`, `logpush: false`, usage model
//! `standard`) count as unset on both sides.

use serde_json::Value;

use super::current::{CurrentSettings, COMPARED_SETTINGS};
use super::labels::setting_label;
use super::values::{render, same, set_value};
use crate::encode::wire_metadata;
use crate::model::{Composition, Operation};

/// Settings an upload replaces even when it does not send them.
const VERSIONED: &[&str] = &[
    "compatibility_date",
    "compatibility_flags",
    "usage_model",
    "placement",
    "limits",
];

/// One settings field that changes.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingChange {
    /// The wire name, e.g. `compatibility_date`.
    pub field: String,
    /// The current value, `None` when unset.
    pub from: Option<Value>,
    /// The value after the request, `None` when it will be unset.
    pub to: Option<Value>,
}

impl SettingChange {
    /// The change in plain words, e.g. "Compatibility date changes from 2024-01-01 to 2024-06-01".
    pub fn describe(&self) -> String {
        let label = setting_label(&self.field);
        if self.field == "logpush" {
            let on = self.to.as_ref().and_then(Value::as_bool) == Some(true);
            return format!("{label} will be turned {}", if on { "on" } else { "off" });
        }
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => {
                format!("{label} changes from {} to {}", render(from), render(to))
            }
            (None, Some(to)) => format!("{label} will be set to {}", render(to)),
            (Some(from), None) => format!("{label} will be cleared (now {})", render(from)),
            (None, None) => format!("{label} stays unset"),
        }
    }
}

/// The settings diff of `c` against `current`, in [`COMPARED_SETTINGS`] order.
pub fn diff(current: &CurrentSettings, c: &Composition) -> Vec<SettingChange> {
    let operation = c.request.operation;
    if operation == Operation::Content {
        return Vec::new();
    }
    let wire = wire_metadata(c);
    let mut out = Vec::new();
    for field in COMPARED_SETTINGS {
        let from = current.setting(field);
        let to = match wire.get(*field) {
            Some(sent) => set_value(field, Some(sent)),
            None if operation != Operation::Settings && VERSIONED.contains(field) => None,
            None => continue,
        };
        let unchanged = match (&from, &to) {
            (Some(a), Some(b)) => same(a, b),
            (None, None) => true,
            _ => false,
        };
        if !unchanged {
            out.push(SettingChange {
                field: field.to_string(),
                from,
                to,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::*;
    use crate::model::{Limits, Observability};
    use serde_json::json;

    fn current() -> CurrentSettings {
        CurrentSettings::parse(&json!({
            "bindings": [],
            "compatibility_date": "2024-01-01",
            "compatibility_flags": ["nodejs_compat"],
            "usage_model": "standard",
            "logpush": true,
            "tags": ["customer"],
            "placement": {},
            "limits": {"cpu_ms": 50},
            "observability": {"enabled": true, "head_sampling_rate": 1}
        }))
        .unwrap()
    }

    fn fields(changes: &[SettingChange]) -> Vec<&str> {
        changes.iter().map(|c| c.field.as_str()).collect()
    }

    #[test]
    fn an_upload_replaces_versioned_settings_and_keeps_script_level_ones() {
        let mut c = composition_with(Operation::Upload, json!([]));
        c.metadata.compatibility_date = Some("2024-06-01".into());
        let changes = diff(&current(), &c);
        assert_eq!(
            fields(&changes),
            ["compatibility_date", "compatibility_flags", "limits"]
        );
        assert_eq!(
            changes[0].describe(),
            "Compatibility date changes from 2024-01-01 to 2024-06-01"
        );
        assert_eq!(
            changes[1].describe(),
            "Compatibility flags will be cleared (now nodejs_compat)"
        );
        assert_eq!(
            changes[2].describe(),
            r#"Limits will be cleared (now {"cpu_ms":50})"#
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_sends() {
        let mut c = composition_with(Operation::Settings, json!([]));
        c.metadata.limits = Some(Limits {
            cpu_ms: Some(50),
            subrequests: None,
            ..Default::default()
        });
        c.metadata.observability = Some(Observability {
            enabled: Some(true),
            head_sampling_rate: Some(1.into()),
            ..Default::default()
        });
        c.metadata.tags = vec!["customer".into(), "beta".into()].into();
        c.metadata.logpush = Some(false);
        let changes = diff(&current(), &c);
        assert_eq!(fields(&changes), ["logpush", "tags"]);
        assert_eq!(changes[0].describe(), "Logpush will be turned off");
        assert_eq!(
            changes[1].describe(),
            "Tags changes from customer to customer, beta"
        );
    }

    #[test]
    fn versions_do_not_send_script_level_settings_and_content_changes_nothing() {
        let mut c = composition_with(Operation::Version, json!([]));
        c.metadata.compatibility_date = Some("2024-01-01".into());
        c.metadata.compatibility_flags = vec!["nodejs_compat".into()].into();
        c.metadata.limits = Some(Limits {
            cpu_ms: Some(50),
            subrequests: None,
            ..Default::default()
        });
        c.metadata.tags = vec!["other".into()].into();
        assert_eq!(diff(&current(), &c), []);
        c.request.operation = Operation::Content;
        c.metadata.compatibility_date = Some("2025-01-01".into());
        assert_eq!(diff(&current(), &c), []);
    }
}
