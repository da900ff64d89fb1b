//! The user's choice for a binding the request would remove: drop it, keep it as deployed, or
//! restore it into the composition. Afterwards [`super::diff`] shows the binding as removed,
//! kept or unchanged accordingly, and the metadata preview and curl command follow.

use super::bindings::{inherit_source, listed_change, Change};
use super::current::CurrentSettings;
use super::load::keeping_binding;
use crate::model::{Binding, BindingKind, Composition, Operation};

/// What to do with a binding of the current script that the composition leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Let the request remove it. Undoes an earlier Keep or Restore of the same binding.
    Drop,
    /// Keep it as deployed, without copying its fields: on a settings PATCH a bare binding
    /// (type + name; a plain variable, which has no bare form, is copied); on an upload or a
    /// version its type is added to `keep_bindings` when no other binding of that type would
    /// be removed, else an `inherit` binding by name (with strict inheritance).
    Keep,
    /// Copy the current binding into the composition, where it can be edited. Secrets, whose
    /// values cannot be read, are composed as in Keep's bare / `inherit` form.
    Restore,
}

/// Applies `how` to the current binding `binding_name`. Does nothing when the current script
/// has no such binding or the request does not send bindings (content only).
pub fn resolve(
    c: &mut Composition,
    current: &CurrentSettings,
    binding_name: &str,
    how: Resolution,
) {
    let Some(existing) = current.binding(binding_name) else {
        return;
    };
    let operation = c.request.operation;
    if operation == Operation::Content {
        return;
    }
    match how {
        Resolution::Drop => drop_binding(c, current, existing),
        Resolution::Keep => {
            remove_named(c, binding_name);
            if operation == Operation::Settings {
                c.metadata
                    .bindings
                    .push(keeping_binding(existing, operation));
            } else if others_of_type_removed(c, current, existing).is_empty() {
                if !keeps_type(c, existing.type_name()) {
                    c.metadata
                        .keep_bindings
                        .push(existing.type_name().to_string());
                }
            } else {
                push_inherit(c, binding_name);
            }
        }
        Resolution::Restore => {
            remove_named(c, binding_name);
            let restored = if existing.kind.is_secret() {
                keeping_binding(existing, operation)
            } else {
                existing.clone()
            };
            if matches!(restored.kind, BindingKind::Inherit { .. }) {
                c.request.bindings_inherit_strict = true;
            }
            c.metadata.bindings.push(restored);
        }
    }
}

/// Removes whatever keeps `existing` (a bare, inherit or identical binding of its name, its
/// type in `keep_bindings`); other bindings kept by that type are turned into `inherit`s so
/// they stay.
fn drop_binding(c: &mut Composition, current: &CurrentSettings, existing: &Binding) {
    let operation = c.request.operation;
    c.metadata.bindings.retain(|b| {
        let keeps = b.name == existing.name
            && matches!(
                listed_change(current, b, operation).change,
                Change::Unchanged | Change::KeptBare | Change::Inherited { old_name: None }
            );
        !keeps
    });
    let type_name = existing.type_name();
    if operation != Operation::Settings && keeps_type(c, type_name) {
        let others: Vec<String> = current
            .bindings
            .iter()
            .filter(|b| {
                b.type_name() == type_name && b.name != existing.name && !is_named(c, &b.name)
            })
            .map(|b| b.name.clone())
            .collect();
        c.metadata.keep_bindings.retain(|t| t != type_name);
        for name in others {
            push_inherit(c, &name);
        }
    }
}

/// Current bindings of `existing`'s type, other than it, that the composition neither names nor
/// renames: adding the type to `keep_bindings` would keep them too.
fn others_of_type_removed<'a>(
    c: &Composition,
    current: &'a CurrentSettings,
    existing: &Binding,
) -> Vec<&'a Binding> {
    current
        .bindings
        .iter()
        .filter(|b| b.type_name() == existing.type_name() && b.name != existing.name)
        .filter(|b| !is_named(c, &b.name))
        .filter(|b| {
            !c.metadata
                .bindings
                .iter()
                .any(|l| inherit_source(l) == Some(b.name.as_str()))
        })
        .collect()
}

fn is_named(c: &Composition, name: &str) -> bool {
    c.metadata.bindings.iter().any(|b| b.name == name)
}

fn keeps_type(c: &Composition, type_name: &str) -> bool {
    c.metadata.keep_bindings.iter().any(|t| t == type_name)
}

fn remove_named(c: &mut Composition, name: &str) {
    c.metadata.bindings.retain(|b| b.name != name);
}

fn push_inherit(c: &mut Composition, name: &str) {
    c.metadata.bindings.push(Binding::new(
        name,
        BindingKind::Inherit {
            old_name: None,
            version_id: None,
        },
    ));
    c.request.bindings_inherit_strict = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::*;
    use crate::diff::{diff, BindingChange};
    use serde_json::json;

    fn current() -> CurrentSettings {
        current_with(json!([
            {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
            {"type": "kv_namespace", "name": "CACHE", "namespace_id": "ns2"},
            {"type": "secret_text", "name": "API_KEY"},
            {"type": "plain_text", "name": "MODE", "text": "prod"}
        ]))
    }

    /// Adds an R2 bucket and lists nothing else: every current binding is removed.
    fn only_r2(operation: crate::model::Operation) -> Composition {
        composition_with(
            operation,
            json!([{"type": "r2_bucket", "name": "STORAGE", "bucket_name": "files"}]),
        )
    }

    fn change_of(c: &Composition, name: &str) -> Change {
        diff(&current(), c)
            .bindings
            .into_iter()
            .find(|b| b.name == name)
            .unwrap()
            .change
    }

    #[test]
    fn keep_on_a_patch_adds_bare_bindings_or_copies_plain_variables() {
        let mut c = only_r2(Operation::Settings);
        for name in ["USER_KV", "CACHE", "API_KEY", "MODE"] {
            assert_eq!(change_of(&c, name), Change::Removed);
            resolve(&mut c, &current(), name, Resolution::Keep);
        }
        assert_eq!(change_of(&c, "USER_KV"), Change::KeptBare);
        assert_eq!(change_of(&c, "API_KEY"), Change::KeptBare);
        assert_eq!(change_of(&c, "MODE"), Change::Unchanged);
        let wire = crate::encode::wire_metadata(&c);
        assert_eq!(
            wire["bindings"][1],
            json!({"type": "kv_namespace", "name": "USER_KV"})
        );
        assert_eq!(
            wire["bindings"][3],
            json!({"type": "secret_text", "name": "API_KEY"})
        );
        assert_eq!(wire.get("keep_bindings"), None);
    }

    #[test]
    fn keep_on_an_upload_uses_keep_bindings_only_when_it_keeps_nothing_else() {
        let mut c = only_r2(Operation::Upload);
        resolve(&mut c, &current(), "USER_KV", Resolution::Keep);
        // CACHE is a KV namespace too and still to be removed: keep USER_KV by name.
        assert_eq!(c.metadata.keep_bindings, Vec::<String>::new());
        assert_eq!(
            change_of(&c, "USER_KV"),
            Change::Inherited { old_name: None }
        );
        assert!(c.request.bindings_inherit_strict);
        assert_eq!(change_of(&c, "CACHE"), Change::Removed);
        resolve(&mut c, &current(), "API_KEY", Resolution::Keep);
        assert_eq!(c.metadata.keep_bindings, ["secret_text"]);
        assert_eq!(change_of(&c, "API_KEY"), Change::KeptByType);
        assert_eq!(
            diff(&current(), &c)
                .bindings
                .iter()
                .find(|b| b.name == "API_KEY")
                .unwrap()
                .describe(),
            "Secret API_KEY is kept (keep_bindings: secret_text)"
        );
    }

    #[test]
    fn restore_copies_the_binding_and_keeps_secrets_without_values() {
        let mut c = only_r2(Operation::Upload);
        for name in ["USER_KV", "API_KEY", "MODE"] {
            resolve(&mut c, &current(), name, Resolution::Restore);
        }
        assert_eq!(change_of(&c, "USER_KV"), Change::Unchanged);
        assert_eq!(change_of(&c, "MODE"), Change::Unchanged);
        assert_eq!(
            change_of(&c, "API_KEY"),
            Change::Inherited { old_name: None }
        );
        assert!(c
            .metadata
            .bindings
            .iter()
            .all(|b| b.type_name() != "secret_text"));
        let mut patch = only_r2(Operation::Settings);
        resolve(&mut patch, &current(), "API_KEY", Resolution::Restore);
        assert_eq!(change_of(&patch, "API_KEY"), Change::KeptBare);
    }

    #[test]
    fn drop_undoes_keep_and_restore_and_splits_keep_bindings() {
        let mut c = only_r2(Operation::Upload);
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        assert_eq!(change_of(&c, "CACHE"), Change::KeptByType);
        resolve(&mut c, &current(), "CACHE", Resolution::Drop);
        assert_eq!(change_of(&c, "CACHE"), Change::Removed);
        // USER_KV stays kept, now by name.
        assert_eq!(
            change_of(&c, "USER_KV"),
            Change::Inherited { old_name: None }
        );
        resolve(&mut c, &current(), "MODE", Resolution::Restore);
        resolve(&mut c, &current(), "MODE", Resolution::Drop);
        assert_eq!(change_of(&c, "MODE"), Change::Removed);
        let before = c.clone();
        resolve(&mut c, &current(), "NOT_THERE", Resolution::Keep);
        assert_eq!(c, before);
        let names: Vec<BindingChange> = diff(&current(), &c).bindings;
        assert!(names
            .iter()
            .any(|b| b.name == "STORAGE" && b.change == Change::Added));
    }
}
