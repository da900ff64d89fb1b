//! What a request does to the script's bindings, binding by binding.
//!
//! Per operation (reference (b), (e)):
//! - upload and version: the listed bindings replace the current ones; a current binding that is
//!   not listed survives only when its type is in `keep_bindings` or an `inherit` binding names
//!   it (a listed binding of the same name wins over a kept one);
//! - settings PATCH: the listed bindings replace the current ones; a binding given with only
//!   `type` + `name` carries the current one of that name and type over (how secrets are kept);
//!   an empty list is not sent at all (see `encode::json`), so nothing changes;
//! - content only: bindings are not sent, nothing changes.
//!
//! Secret values are never compared or shown: the API does not return them, so a secret listed
//! with a value is reported as "new value", whatever that value is.

use serde_json::{Map, Value};

use super::current::CurrentSettings;
use super::labels::{binding_subject, is_secret_type};
use super::values::same;
use crate::model::{secret_fields, Binding, BindingKind, Composition, Operation};

/// What happens to one binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Listed, not on the current script.
    Added,
    /// On the current script, not listed and not kept: it will be gone.
    Removed,
    /// Listed under a current name with other fields (`type` when the type changes). For a
    /// secret, the write-only value field is named whenever the composition gives a value.
    Changed { fields: Vec<String> },
    /// Listed exactly as it is now.
    Unchanged,
    /// Not listed, but its type is in `keep_bindings`.
    KeptByType,
    /// An `inherit` binding copies it from the current version; `old_name` when it is renamed.
    Inherited { old_name: Option<String> },
    /// A settings PATCH lists it with only `type` + `name`: the current one is carried over.
    KeptBare,
    /// An `inherit` binding names a binding the current script does not have: with strict
    /// inheritance the upload fails, without it the binding is silently left out.
    InheritMissing { source: String },
}

/// One line of the binding diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingChange {
    /// The `env` name after the request.
    pub name: String,
    /// The wire type (for an inherited binding, the type it inherits).
    pub type_name: String,
    pub change: Change,
}

impl BindingChange {
    fn new(name: &str, type_name: &str, change: Change) -> BindingChange {
        BindingChange {
            name: name.to_string(),
            type_name: type_name.to_string(),
            change,
        }
    }

    /// The change in plain words; never contains a secret value.
    pub fn describe(&self) -> String {
        let subject = binding_subject(&self.type_name, &self.name);
        let secret = is_secret_type(&self.type_name);
        match &self.change {
            Change::Added if secret => format!("{subject} will be added (value not shown)"),
            Change::Added => format!("{subject} will be added"),
            Change::Removed => format!("{subject} will be removed"),
            Change::Changed { fields } if fields.iter().any(|f| f == "type") => {
                format!("{subject} will replace the current binding of another type")
            }
            Change::Changed { fields }
                if fields.iter().any(|f| secret_fields(&self.type_name).any(|s| s == f)) =>
            {
                format!("{subject} gets a new value (not shown)")
            }
            Change::Changed { fields } => format!("{subject} will change ({})", fields.join(", ")),
            Change::Unchanged => format!("{subject} is kept (unchanged)"),
            Change::KeptByType => format!("{subject} is kept (keep_bindings: {})", self.type_name),
            Change::Inherited { old_name: Some(old) } => {
                format!("{subject} is inherited from {old} (renamed)")
            }
            Change::Inherited { old_name: None } if secret => {
                format!("{subject} is kept (inherited, value not readable)")
            }
            Change::Inherited { old_name: None } => format!("{subject} is kept (inherited)"),
            Change::KeptBare if secret => format!("{subject} is kept (value not readable)"),
            Change::KeptBare => format!("{subject} is kept as deployed"),
            Change::InheritMissing { source } => format!(
                "{subject} inherits {source}, which the current Worker does not have: with strict inheritance the upload fails, without it the binding is left out"
            ),
        }
    }

    /// Whether the binding is on the script now and will be gone after the request.
    pub fn is_removed(&self) -> bool {
        self.change == Change::Removed
    }
}

/// The binding diff of `c` against `current`: listed bindings in composition order, then the
/// current ones the composition does not name, in their order.
pub fn diff(current: &CurrentSettings, c: &Composition) -> Vec<BindingChange> {
    let operation = c.request.operation;
    let listed = &c.metadata.bindings;
    let sent = match operation {
        Operation::Content => false,
        // A PATCH without `bindings` keeps them; `[]` removes them all.
        Operation::Settings => listed.is_present(),
        Operation::Upload | Operation::Version => true,
    };
    if !sent {
        return current
            .bindings
            .iter()
            .map(|b| BindingChange::new(&b.name, b.type_name(), Change::Unchanged))
            .collect();
    }
    let mut out: Vec<BindingChange> = listed
        .iter()
        .map(|b| listed_change(current, b, operation))
        .collect();
    let keeps_types = operation != Operation::Settings;
    for binding in &current.bindings {
        if listed.iter().any(|b| b.name == binding.name) {
            continue;
        }
        let kept = keeps_types
            && c.metadata
                .keep_bindings
                .iter()
                .any(|t| t == binding.type_name());
        // Renamed by an `inherit … old_name`: already reported under its new name.
        let moved = listed
            .iter()
            .any(|b| inherit_source(b) == Some(binding.name.as_str()));
        let change = match (kept, moved) {
            (true, _) => Change::KeptByType,
            (false, true) => continue,
            (false, false) => Change::Removed,
        };
        out.push(BindingChange::new(
            &binding.name,
            binding.type_name(),
            change,
        ));
    }
    out
}

/// The current binding an `inherit` binding copies (its `old_name`, else its own name); `None`
/// for other bindings and for inherits from a specific older version.
pub(crate) fn inherit_source(binding: &Binding) -> Option<&str> {
    match &binding.kind {
        BindingKind::Inherit {
            old_name,
            version_id,
        } if is_latest(version_id.as_deref()) => Some(
            old_name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(&binding.name),
        ),
        _ => None,
    }
}

fn is_latest(version_id: Option<&str>) -> bool {
    matches!(version_id, None | Some("") | Some("latest"))
}

pub(crate) fn listed_change(
    current: &CurrentSettings,
    binding: &Binding,
    operation: Operation,
) -> BindingChange {
    let name = binding.name.as_str();
    if let BindingKind::Inherit {
        old_name,
        version_id,
    } = &binding.kind
    {
        let renamed = old_name
            .clone()
            .filter(|old| !old.is_empty() && old != name);
        let source = renamed.as_deref().unwrap_or(name);
        return match current.binding(source) {
            Some(found) => BindingChange::new(
                name,
                found.type_name(),
                Change::Inherited { old_name: renamed },
            ),
            // An older version is not visible in the current settings: trust it.
            None if !is_latest(version_id.as_deref()) => {
                BindingChange::new(name, "inherit", Change::Inherited { old_name: renamed })
            }
            None => BindingChange::new(
                name,
                "inherit",
                Change::InheritMissing {
                    source: source.to_string(),
                },
            ),
        };
    }
    let Some(existing) = current.binding(name) else {
        return BindingChange::new(name, binding.type_name(), Change::Added);
    };
    if existing.type_name() != binding.type_name() {
        return BindingChange::new(
            name,
            binding.type_name(),
            Change::Changed {
                fields: vec!["type".into()],
            },
        );
    }
    if operation == Operation::Settings && binding.is_bare() {
        return BindingChange::new(name, binding.type_name(), Change::KeptBare);
    }
    let fields = changed_fields(existing, binding);
    let change = if fields.is_empty() {
        Change::Unchanged
    } else {
        Change::Changed { fields }
    };
    BindingChange::new(name, binding.type_name(), change)
}

/// The fields that differ, by wire name. Write-only fields are never compared: one the
/// composition sets counts as changed (the current value cannot be read).
fn changed_fields(existing: &Binding, wanted: &Binding) -> Vec<String> {
    let before = comparable(existing);
    let after = comparable(wanted);
    let mut fields: Vec<String> = after
        .keys()
        .chain(before.keys().filter(|k| !after.contains_key(*k)))
        .filter(|key| match (before.get(*key), after.get(*key)) {
            (Some(a), Some(b)) => !same(a, b),
            _ => true,
        })
        .cloned()
        .collect();
    if existing.kind.is_secret() {
        let given = wanted.to_json();
        fields.extend(
            secret_fields(wanted.type_name())
                .filter(|f| given.contains_key(*f))
                .map(str::to_string),
        );
        if fields.is_empty() {
            // A secret listed without a value replaces the current one with an empty value.
            fields.extend(
                secret_fields(wanted.type_name())
                    .take(1)
                    .map(str::to_string),
            );
        }
    }
    fields
}

/// A binding's fields without `type`, `name` and write-only values; D1's `id` is compared as
/// `database_id` (the two spellings name the same database).
fn comparable(binding: &Binding) -> Map<String, Value> {
    let mut fields = binding.to_json();
    fields.shift_remove("type");
    fields.shift_remove("name");
    for secret in secret_fields(binding.type_name()) {
        fields.shift_remove(secret);
    }
    if binding.type_name() == "d1" {
        if let Some(id) = fields.shift_remove("id") {
            fields.entry("database_id").or_insert(id);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::*;
    use serde_json::json;

    #[test]
    fn seed_wfp_keep_bindings_keeps_kv_and_adds_r2() {
        let current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        let c = wfp_seed_composition();
        let changes = diff(&current, &c);
        assert_eq!(
            changes,
            [
                BindingChange::new("STORAGE", "r2_bucket", Change::Added),
                BindingChange::new("USER_KV", "kv_namespace", Change::KeptByType),
            ]
        );
        assert_eq!(
            changes[0].describe(),
            "R2 bucket binding STORAGE will be added"
        );
        assert_eq!(
            changes[1].describe(),
            "KV namespace binding USER_KV is kept (keep_bindings: kv_namespace)"
        );
    }

    #[test]
    fn without_keep_bindings_an_upload_removes_what_it_does_not_list() {
        let current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        let mut c = wfp_seed_composition();
        c.metadata.keep_bindings.clear();
        let changes = diff(&current, &c);
        assert_eq!(
            changes[1],
            BindingChange::new("USER_KV", "kv_namespace", Change::Removed)
        );
        assert_eq!(
            changes[1].describe(),
            "KV namespace binding USER_KV will be removed"
        );
        // keep_bindings means nothing to a PATCH.
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        c.request.operation = Operation::Settings;
        assert!(diff(&current, &c)[1].is_removed());
    }

    #[test]
    fn changed_unchanged_and_retyped_bindings() {
        let current = current_with(json!([
            {"type": "kv_namespace", "name": "A", "namespace_id": "ns1"},
            {"type": "d1", "name": "DB", "database_id": "db1"},
            {"type": "plain_text", "name": "MODE", "text": "dev"},
            {"type": "queue", "name": "Q", "queue_name": "q"}
        ]));
        let c = composition_with(
            Operation::Upload,
            json!([
                {"type": "kv_namespace", "name": "A", "namespace_id": "ns1"},
                {"type": "d1", "name": "DB", "id": "db1"},
                {"type": "plain_text", "name": "MODE", "text": "prod"},
                {"type": "r2_bucket", "name": "Q", "bucket_name": "q"}
            ]),
        );
        let changes: Vec<Change> = diff(&current, &c).into_iter().map(|c| c.change).collect();
        assert_eq!(
            changes,
            [
                Change::Unchanged,
                Change::Unchanged,
                Change::Changed {
                    fields: vec!["text".into()]
                },
                Change::Changed {
                    fields: vec!["type".into()]
                },
            ]
        );
    }

    #[test]
    fn settings_patch_with_a_bare_binding_keeps_it_and_drops_the_unlisted() {
        let current = current_with(json!([
            {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
            {"type": "secret_text", "name": "API_KEY"},
            {"type": "plain_text", "name": "OLD", "text": "x"}
        ]));
        let c = composition_with(
            Operation::Settings,
            json!([
                {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
                {"type": "secret_text", "name": "API_KEY"},
                {"type": "r2_bucket", "name": "STORAGE", "bucket_name": "files"}
            ]),
        );
        let changes = diff(&current, &c);
        let described: Vec<String> = changes.iter().map(BindingChange::describe).collect();
        assert_eq!(
            described,
            [
                "KV namespace binding USER_KV is kept (unchanged)",
                "Secret API_KEY is kept (value not readable)",
                "R2 bucket binding STORAGE will be added",
                "Variable OLD will be removed",
            ]
        );
    }

    #[test]
    fn a_patch_without_bindings_and_content_uploads_change_no_binding() {
        let current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        for operation in [Operation::Settings, Operation::Content] {
            let mut c = composition_with(operation, json!([]));
            c.metadata.bindings.set_absent();
            assert_eq!(
                diff(&current, &c),
                [BindingChange::new(
                    "USER_KV",
                    "kv_namespace",
                    Change::Unchanged
                )]
            );
        }
        let c = composition_with(
            Operation::Content,
            json!([{"type": "kv_namespace", "name": "OTHER", "namespace_id": "x"}]),
        );
        assert_eq!(diff(&current, &c).len(), 1);
    }

    #[test]
    fn an_empty_binding_list_on_a_patch_removes_every_binding() {
        let current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        let c = composition_with(Operation::Settings, json!([]));
        assert_eq!(
            diff(&current, &c),
            [BindingChange::new(
                "USER_KV",
                "kv_namespace",
                Change::Removed
            )]
        );
    }

    #[test]
    fn inherit_bindings_including_renames_and_missing_sources() {
        let current = current_with(json!([
            {"type": "secret_text", "name": "API_KEY"},
            {"type": "kv_namespace", "name": "OLD_KV", "namespace_id": "ns1"}
        ]));
        let c = composition_with(
            Operation::Upload,
            json!([
                {"type": "inherit", "name": "API_KEY"},
                {"type": "inherit", "name": "NEW_KV", "old_name": "OLD_KV"},
                {"type": "inherit", "name": "GONE"},
                {"type": "inherit", "name": "PINNED", "version_id": "0f0e"}
            ]),
        );
        let changes = diff(&current, &c);
        assert_eq!(
            changes,
            [
                BindingChange::new(
                    "API_KEY",
                    "secret_text",
                    Change::Inherited { old_name: None }
                ),
                BindingChange::new(
                    "NEW_KV",
                    "kv_namespace",
                    Change::Inherited {
                        old_name: Some("OLD_KV".into())
                    }
                ),
                BindingChange::new(
                    "GONE",
                    "inherit",
                    Change::InheritMissing {
                        source: "GONE".into()
                    }
                ),
                BindingChange::new("PINNED", "inherit", Change::Inherited { old_name: None }),
            ]
        );
        assert_eq!(
            changes[0].describe(),
            "Secret API_KEY is kept (inherited, value not readable)"
        );
        assert_eq!(
            changes[1].describe(),
            "KV namespace binding NEW_KV is inherited from OLD_KV (renamed)"
        );
        assert!(changes[2].describe().contains("strict"));
    }

    #[test]
    fn secrets_are_reported_as_new_values_and_never_printed() {
        let current = current_with(json!([
            {"type": "secret_text", "name": "API_KEY"},
            {"type": "secret_key", "name": "SIGNING", "format": "raw", "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"]}
        ]));
        let value = "hunter2-very-secret";
        let c = composition_with(
            Operation::Upload,
            json!([
                {"type": "secret_text", "name": "API_KEY", "text": value},
                {"type": "secret_key", "name": "SIGNING", "format": "raw", "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"], "key_base64": "c2VjcmV0LWtleQ=="},
                {"type": "secret_text", "name": "NEW_ONE", "text": value}
            ]),
        );
        let changes = diff(&current, &c);
        assert_eq!(
            changes[0].change,
            Change::Changed {
                fields: vec!["text".into()]
            }
        );
        assert_eq!(
            changes[1].change,
            Change::Changed {
                fields: vec!["key_base64".into()]
            }
        );
        let text: Vec<String> = changes.iter().map(BindingChange::describe).collect();
        assert_eq!(
            text,
            [
                "Secret API_KEY gets a new value (not shown)",
                "Secret key SIGNING gets a new value (not shown)",
                "Secret NEW_ONE will be added (value not shown)",
            ]
        );
        let printed = format!("{text:?} {changes:?}");
        assert!(
            !printed.contains(value) && !printed.contains("c2VjcmV0"),
            "{printed}"
        );
    }
}
