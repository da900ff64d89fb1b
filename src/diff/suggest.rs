//! Which request fits the user's edit, and what each request changes.

use super::bindings::diff as binding_diff;
use super::current::CurrentSettings;
use super::settings::diff as settings_diff;
use crate::model::{Composition, Operation};

/// A suggested operation and why, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub operation: Operation,
    pub reason: String,
}

/// What a request changes on the script, in one or two sentences.
pub fn explain_operation(operation: Operation) -> &'static str {
    match operation {
        Operation::Upload => "Uploads code, bindings and settings together and deploys them at once: the new version serves all traffic.",
        Operation::Settings => "Changes bindings and settings only; the code stays untouched. Bindings left out of the list are removed, and a binding given with only its type and name is kept as deployed.",
        Operation::Version => "Uploads code, bindings and settings as a new version without deploying it; deploy it later (gradually if you like). Tags, logpush, tail Workers and observability are not part of a version.",
        Operation::Content => "Replaces the code only; bindings and settings stay as they are.",
    }
}

/// The request that fits the composition. `current` is the script's current settings, `None`
/// when the script does not exist (or has not been loaded).
///
/// In order: migrations need a full upload (versions refuse them); without code, an existing
/// script is changed by a settings PATCH (unless `keep_bindings` is used, which only uploads
/// read) and a new one needs code first; with code and nothing else different from the deployed
/// script, a content upload; a version upload stays a version upload (the user chose not to
/// deploy); otherwise an upload.
pub fn suggest_operation(current: Option<&CurrentSettings>, c: &Composition) -> Suggestion {
    let has_code = !c.modules.is_empty();
    let service_worker = c.metadata.is_service_worker();
    let suggestion = |operation, reason: &str| Suggestion {
        operation,
        reason: reason.to_string(),
    };
    if c.metadata.migrations.is_some() {
        return suggestion(Operation::Upload, "Durable Object migrations are applied by a full upload; version uploads do not accept them.");
    }
    let Some(current) = current else {
        return suggestion(
            Operation::Upload,
            if has_code {
                "The script does not exist yet: a first upload sends its code, bindings and settings."
            } else {
                "The script does not exist yet: add its code (an entry module) and upload it."
            },
        );
    };
    if !has_code {
        if !c.metadata.keep_bindings.is_empty() {
            return suggestion(
                Operation::Upload,
                "No code is attached and keep_bindings is used, which only uploads read: an upload without code keeps the deployed code. (A settings PATCH would ignore keep_bindings; keep those bindings by name instead to use it.)",
            );
        }
        return suggestion(Operation::Settings, "Only bindings and settings are edited (no code attached): a settings PATCH changes them and leaves the deployed code untouched.");
    }
    if only_code_differs(current, c) && c.metadata.entry_part().is_some() {
        return suggestion(Operation::Content, "Bindings and settings match the deployed script: a content-only upload replaces just the code.");
    }
    if c.request.operation == Operation::Version && !service_worker {
        return suggestion(
            Operation::Version,
            "A version upload stages code, bindings and settings without deploying them.",
        );
    }
    suggestion(Operation::Upload, "Code and bindings or settings change together: upload and deploy them in one request (or upload a version to deploy later).")
}

/// Whether a full upload of `c` would change no binding and no setting.
fn only_code_differs(current: &CurrentSettings, c: &Composition) -> bool {
    let mut as_upload = c.clone();
    as_upload.request.operation = Operation::Upload;
    let bindings_same = binding_diff(current, &as_upload).iter().all(|b| {
        use super::bindings::Change::*;
        matches!(
            b.change,
            Unchanged | KeptByType | Inherited { .. } | KeptBare
        )
    });
    bindings_same && settings_diff(current, &as_upload).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::*;
    use crate::model::{Migrations, Module};
    use serde_json::json;

    fn current() -> CurrentSettings {
        let mut current = current_with(
            json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}]),
        );
        current.compatibility_date = Some("2024-06-01".into());
        current
    }

    fn with_code(mut c: Composition) -> Composition {
        c.metadata.main_module = Some("worker.js".into());
        c.metadata.compatibility_date = Some("2024-06-01".into());
        c.modules
            .push(Module::inline("worker.js", "export default {}"));
        c
    }

    #[test]
    fn only_bindings_changed_suggests_a_settings_patch() {
        let c = composition_with(
            Operation::Upload,
            json!([
                {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
                {"type": "r2_bucket", "name": "STORAGE", "bucket_name": "files"}
            ]),
        );
        let s = suggest_operation(Some(&current()), &c);
        assert_eq!(s.operation, Operation::Settings);
        assert!(s.reason.contains("code untouched"), "{}", s.reason);
    }

    #[test]
    fn the_wfp_seed_without_code_keeps_its_upload_for_keep_bindings() {
        let s = suggest_operation(Some(&current()), &wfp_seed_composition());
        assert_eq!(s.operation, Operation::Upload);
        assert!(s.reason.contains("keep_bindings"));
    }

    #[test]
    fn code_only_changes_suggest_content_and_migrations_an_upload() {
        let unchanged = with_code(composition_with(
            Operation::Upload,
            json!([
                {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}
            ]),
        ));
        assert_eq!(
            suggest_operation(Some(&current()), &unchanged).operation,
            Operation::Content
        );
        let mut added = unchanged.clone();
        added
            .metadata
            .bindings
            .push(serde_json::from_value(json!({"type": "ai", "name": "AI"})).unwrap());
        assert_eq!(
            suggest_operation(Some(&current()), &added).operation,
            Operation::Upload
        );
        added.request.operation = Operation::Version;
        assert_eq!(
            suggest_operation(Some(&current()), &added).operation,
            Operation::Version
        );
        let mut migrating = unchanged;
        migrating.metadata.migrations = Some(Migrations {
            new_tag: Some("v1".into()),
            new_sqlite_classes: vec!["Room".into()].into(),
            ..Default::default()
        });
        let s = suggest_operation(Some(&current()), &migrating);
        assert_eq!(s.operation, Operation::Upload);
        assert!(s.reason.contains("migrations"));
    }

    #[test]
    fn a_new_script_needs_an_upload() {
        let c = composition_with(Operation::Settings, json!([]));
        let s = suggest_operation(None, &c);
        assert_eq!(s.operation, Operation::Upload);
        assert!(s.reason.contains("does not exist"));
    }

    #[test]
    fn every_operation_is_explained_by_what_it_changes() {
        assert!(explain_operation(Operation::Upload).contains("deploys"));
        assert!(explain_operation(Operation::Settings).contains("code stays untouched"));
        assert!(explain_operation(Operation::Version).contains("without deploying"));
        assert!(explain_operation(Operation::Content).contains("code only"));
    }
}
