//! "Load from account": a composition started from a script's current settings.
//!
//! Secrets come back without their values, and an empty secret would *replace* the deployed one
//! with an empty string. So each secret is composed in the form that keeps it:
//! - for a settings PATCH, a bare binding (only `type` + `name`), which carries the deployed
//!   binding of that name over;
//! - for an upload or version upload, an `inherit` binding by name, with strict inheritance
//!   turned on. An `inherit` binding is chosen over adding `secret_text` to `keep_bindings`
//!   because it keeps exactly the secrets that were loaded, one visible row per secret that the
//!   user can remove on its own, and with `bindings_inherit=strict` a secret that vanished in
//!   the meantime fails the upload instead of disappearing silently. `keep_bindings` would also
//!   keep secrets added later by someone else, unseen.
//!
//! Every other binding is copied as returned. Copied settings: compatibility date and flags,
//! usage model, placement, limits, logpush, tags, tail Workers, observability (defaults such as
//! `logpush: false` are left unset). Not copied: migrations (the answer only has the current
//! tag, not a migration to send), annotations (per version), and the code (the settings answer
//! has none: modules are added by the user).

use serde_json::{Map, Value};

use super::current::CurrentSettings;
use super::values::lenient;
use crate::model::{Binding, BindingKind, Composition, Metadata, Operation, Request};

/// A loaded composition and what could not be carried over, in plain words.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub composition: Composition,
    pub notes: Vec<String>,
}

/// Starts a composition for `request` from a settings answer (the v4 envelope or its
/// `result`); see the module documentation for how secrets are kept.
pub fn composition_from_settings(
    settings: &Value,
    request: Request,
) -> Result<Composition, String> {
    let current = CurrentSettings::parse(settings)?;
    Ok(composition_from_current(&current, request).composition)
}

/// Starts a composition for `request` from already parsed settings, with notes on what was
/// left out (the parse notes included).
pub fn composition_from_current(current: &CurrentSettings, request: Request) -> Loaded {
    let mut notes = current.notes.clone();
    let operation = request.operation;
    let bindings: Vec<Binding> = current
        .bindings
        .iter()
        .map(|b| {
            if b.kind.is_secret() {
                keeping_binding(b, operation)
            } else {
                b.clone()
            }
        })
        .collect();
    let mut request = request;
    if bindings
        .iter()
        .any(|b| matches!(b.kind, BindingKind::Inherit { .. }))
    {
        request.bindings_inherit_strict = true;
    }
    let typed = |field: &str| -> Option<Value> { current.setting(field) };
    let metadata = Metadata {
        bindings: bindings.into(),
        compatibility_date: current.compatibility_date.clone(),
        compatibility_flags: current.compatibility_flags.clone().into(),
        usage_model: typed("usage_model").and_then(|v| lenient(&v, "usage_model", &mut notes)),
        placement: typed("placement").and_then(|v| lenient(&v, "placement", &mut notes)),
        limits: typed("limits").and_then(|v| lenient(&v, "limits", &mut notes)),
        logpush: current.setting("logpush").and_then(|v| v.as_bool()),
        tags: current.tags.clone().into(),
        tail_consumers: typed("tail_consumers")
            .and_then(|v| lenient(&v, "tail_consumers", &mut notes))
            .unwrap_or_default(),
        observability: typed("observability")
            .and_then(|v| lenient(&v, "observability", &mut notes)),
        ..Metadata::default()
    };
    Loaded {
        composition: Composition {
            request,
            metadata,
            ..Composition::default()
        },
        notes,
    }
}

/// The binding that keeps `current` as deployed without knowing its value: bare on a settings
/// PATCH, an `inherit` by name on uploads. A type that has no bare form (a plain variable always
/// sends its `text`) is copied instead: its value is readable.
pub(crate) fn keeping_binding(current: &Binding, operation: Operation) -> Binding {
    match operation {
        Operation::Settings => bare(current).unwrap_or_else(|| current.clone()),
        _ => Binding::new(
            current.name.clone(),
            BindingKind::Inherit {
                old_name: None,
                version_id: None,
            },
        ),
    }
}

/// `current` as only `type` + `name`, when its type can be written that way.
pub(crate) fn bare(current: &Binding) -> Option<Binding> {
    let mut object = Map::new();
    object.insert(
        "type".into(),
        Value::String(current.type_name().to_string()),
    );
    object.insert("name".into(), Value::String(current.name.clone()));
    Binding::from_json(object).ok().filter(Binding::is_bare)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, Change};
    use crate::model::{Limits, Target};
    use serde_json::json;

    fn answer() -> Value {
        json!({"success": true, "errors": [], "messages": [], "result": {
            "bindings": [
                {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
                {"type": "secret_text", "name": "API_KEY"},
                {"type": "secret_key", "name": "SIGNING", "format": "raw", "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"]},
                {"type": "plain_text", "name": "MODE", "text": "prod"}
            ],
            "compatibility_date": "2024-06-01",
            "compatibility_flags": ["nodejs_compat"],
            "usage_model": "standard",
            "logpush": false,
            "tail_consumers": [{"service": "tail"}],
            "placement": {"mode": "smart"},
            "limits": {"cpu_ms": 50},
            "tags": ["customer"],
            "observability": {"enabled": true}
        }})
    }

    fn request(operation: Operation) -> Request {
        Request {
            target: Target::Dispatch,
            operation,
            account_id: "acc".into(),
            script_name: "customer-1".into(),
            dispatch_namespace: "prod".into(),
            bindings_inherit_strict: false,
        }
    }

    #[test]
    fn for_a_patch_secrets_are_bare_and_everything_else_is_copied() {
        let c = composition_from_settings(&answer(), request(Operation::Settings)).unwrap();
        let wire = crate::encode::wire_metadata(&c);
        assert_eq!(
            wire["bindings"],
            json!([
                {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
                {"type": "secret_text", "name": "API_KEY"},
                {"type": "secret_key", "name": "SIGNING"},
                {"type": "plain_text", "name": "MODE", "text": "prod"}
            ])
        );
        assert_eq!(wire["compatibility_date"], "2024-06-01");
        assert_eq!(wire["placement"], json!({"mode": "smart"}));
        assert_eq!(
            c.metadata.limits,
            Some(Limits {
                cpu_ms: Some(50),
                subrequests: None,
                ..Default::default()
            })
        );
        assert_eq!(c.metadata.tags, ["customer"]);
        assert_eq!(c.metadata.usage_model, None);
        assert_eq!(c.metadata.logpush, None);
        assert!(!c.request.bindings_inherit_strict);
        assert_eq!(c.request.script_name, "customer-1");
        // Sending it back changes nothing.
        let current = CurrentSettings::parse(&answer()).unwrap();
        let d = diff(&current, &c);
        assert!(d.settings.is_empty(), "{:?}", d.settings);
        let changes: Vec<&Change> = d.bindings.iter().map(|b| &b.change).collect();
        assert_eq!(
            changes,
            [
                &Change::Unchanged,
                &Change::KeptBare,
                &Change::KeptBare,
                &Change::Unchanged
            ]
        );
    }

    #[test]
    fn for_an_upload_secrets_are_inherited_strictly_never_empty() {
        let c = composition_from_settings(&answer(), request(Operation::Upload)).unwrap();
        let wire = crate::encode::wire_metadata(&c);
        assert_eq!(
            wire["bindings"][1],
            json!({"type": "inherit", "name": "API_KEY"})
        );
        assert_eq!(
            wire["bindings"][2],
            json!({"type": "inherit", "name": "SIGNING"})
        );
        assert!(c.request.bindings_inherit_strict);
        assert!(!c
            .metadata
            .bindings
            .iter()
            .any(|b| b.type_name() == "secret_text"));
        let current = CurrentSettings::parse(&answer()).unwrap();
        let d = diff(&current, &c);
        assert!(
            d.bindings
                .iter()
                .all(|b| matches!(b.change, Change::Unchanged | Change::Inherited { .. })),
            "{:?}",
            d.bindings
        );
        assert_eq!(
            d.bindings[1].describe(),
            "Secret API_KEY is kept (inherited, value not readable)"
        );
    }

    #[test]
    fn unknown_setting_members_are_kept_to_be_sent_back_as_given() {
        let mut answer = answer();
        answer["result"]["tail_consumers"][0]["region"] = json!("eu");
        let loaded = composition_from_current(
            &CurrentSettings::parse(&answer).unwrap(),
            request(Operation::Settings),
        );
        let consumers = &loaded.composition.metadata.tail_consumers;
        assert_eq!(consumers.len(), 1);
        assert_eq!(consumers[0].extra["region"], json!("eu"));
        assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
        assert!(composition_from_settings(&json!("nope"), request(Operation::Upload)).is_err());
    }
}
