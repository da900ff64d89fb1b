//! Working against a live script: what a request would change compared with the script's
//! current settings, and the helpers around it.
//!
//! - [`CurrentSettings`]: the answer of `GET …/settings`, read tolerantly;
//! - [`composition_from_settings`]: "load from account", a composition started from it;
//! - [`diff`]: the binding and settings changes a composition would make, in plain words;
//! - [`resolve`]: drop, keep or restore a binding the request would remove;
//! - [`suggest_operation`] / [`explain_operation`]: which request fits the edit, and why.
//!
//! Pure and host-testable like the rules; no I/O. Secret values are never compared or shown.

mod bindings;
mod current;
mod labels;
mod load;
mod resolve;
mod settings;
mod suggest;
mod values;

pub use bindings::{BindingChange, Change};
pub use current::{CurrentSettings, COMPARED_SETTINGS};
pub use labels::{binding_subject, setting_label, type_label};
pub use load::{composition_from_current, composition_from_settings, Loaded};
pub use resolve::{resolve, Resolution};
pub use settings::SettingChange;
pub use suggest::{explain_operation, suggest_operation, Suggestion};

use crate::model::Composition;

/// Everything a request would change on the script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    pub bindings: Vec<BindingChange>,
    pub settings: Vec<SettingChange>,
}

impl Diff {
    /// One sentence per binding, then per changed setting.
    pub fn describe(&self) -> Vec<String> {
        let bindings = self.bindings.iter().map(BindingChange::describe);
        bindings
            .chain(self.settings.iter().map(SettingChange::describe))
            .collect()
    }

    /// The bindings the request would remove (the ones a user may want to keep).
    pub fn removed(&self) -> impl Iterator<Item = &BindingChange> {
        self.bindings.iter().filter(|b| b.is_removed())
    }

    /// Whether the request changes no binding and no setting.
    pub fn is_empty(&self) -> bool {
        self.settings.is_empty()
            && self.bindings.iter().all(|b| {
                matches!(
                    b.change,
                    Change::Unchanged
                        | Change::KeptByType
                        | Change::Inherited { .. }
                        | Change::KeptBare
                )
            })
    }
}

/// What sending `c` would change, compared with the script's `current` settings. See the
/// `bindings` and `settings` submodules for the rules per operation.
pub fn diff(current: &CurrentSettings, c: &Composition) -> Diff {
    Diff {
        bindings: bindings::diff(current, c),
        settings: settings::diff(current, c),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use serde_json::{json, Value};

    use super::CurrentSettings;
    use crate::model::{Composition, Operation, Target};

    /// Current settings with these bindings and nothing else set.
    pub fn current_with(bindings: Value) -> CurrentSettings {
        CurrentSettings::parse(&json!({ "bindings": bindings })).unwrap()
    }

    /// A composition for `operation` on a user Worker, with these bindings.
    pub fn composition_with(operation: Operation, bindings: Value) -> Composition {
        let mut c = Composition::default();
        c.request.target = Target::Dispatch;
        c.request.operation = operation;
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.dispatch_namespace = "prod".into();
        c.request.script_name = "customer-1".into();
        c.metadata.bindings = serde_json::from_value(bindings).unwrap();
        c
    }

    /// The WfP docs' second request: add an R2 bucket, keep the KV namespaces, no code.
    pub fn wfp_seed_composition() -> Composition {
        let mut c = composition_with(
            Operation::Upload,
            json!([{"type": "r2_bucket", "name": "STORAGE", "bucket_name": "user-files"}]),
        );
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_seed_case_in_words() {
        let current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        let d = diff(&current, &wfp_seed_composition());
        assert_eq!(
            d.describe(),
            [
                "R2 bucket binding STORAGE will be added",
                "KV namespace binding USER_KV is kept (keep_bindings: kv_namespace)",
            ]
        );
        assert_eq!(d.removed().count(), 0);
        assert!(!d.is_empty());
    }
}
