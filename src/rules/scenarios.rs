//! The user scenarios in the shared seeds, checked end to end.

use super::{check, has_errors, Finding, Level};
use crate::model::{Composition, Metadata, Module, ModuleKind, Operation, Target};

fn seed(name: &str) -> String {
    let path = format!("{}/../shared/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read seed {path}: {e}"))
}

/// The JSON of every `-F 'metadata=…'` argument in a curl example.
fn curl_metadata(text: &str) -> Vec<Metadata> {
    text.split("-F 'metadata=")
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find("}'").expect("metadata argument ends with }'") + 1];
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("seed metadata does not parse: {e}\n{json}"))
        })
        .collect()
}

fn dispatch_upload(metadata: Metadata, modules: Vec<Module>) -> Composition {
    let mut c = Composition::default();
    c.request.target = Target::Dispatch;
    c.request.operation = Operation::Upload;
    c.request.account_id = "0123456789abcdef0123456789abcdef".into();
    c.request.dispatch_namespace = "customers".into();
    c.request.script_name = "customer-worker".into();
    c.metadata = metadata;
    c.modules = modules;
    c
}

fn rules_of(findings: &[Finding], level: Level) -> Vec<&'static str> {
    findings
        .iter()
        .filter(|f| f.level == level)
        .map(|f| f.rule)
        .collect()
}

#[test]
fn wfp_docs_first_example_flags_the_placeholder_and_missing_date() {
    let examples = curl_metadata(&seed("wfp-bindings-docs.txt"));
    assert_eq!(examples.len(), 2);
    let worker = Module::inline(
        "worker.js",
        "export default { fetch(req, env) { return env.USER_KV.get('k') } }",
    );
    let findings = check(&dispatch_upload(examples[0].clone(), vec![worker.clone()]));
    assert_eq!(
        rules_of(&findings, Level::Error),
        ["binding-id-placeholder"],
        "{findings:#?}"
    );
    assert_eq!(findings[0].at, "bindings[0].namespace_id");
    assert_eq!(
        rules_of(&findings, Level::Warning),
        ["compatibility-date-missing"]
    );

    let mut fixed = examples[0].clone();
    fixed.bindings[0] = serde_json::from_value(serde_json::json!({
        "type": "kv_namespace", "name": "USER_KV", "namespace_id": "0123456789abcdef0123456789abcdef"
    }))
    .unwrap();
    fixed.compatibility_date = Some("2024-06-01".into());
    assert_eq!(check(&dispatch_upload(fixed, vec![worker])), vec![]);
}

#[test]
fn wfp_docs_second_example_sends_no_code_on_a_put() {
    let examples = curl_metadata(&seed("wfp-bindings-docs.txt"));
    let second = dispatch_upload(examples[1].clone(), vec![]);
    let findings = check(&second);
    assert!(has_errors(&findings));
    let missing = findings
        .iter()
        .find(|f| f.rule == "entry-missing")
        .expect("entry-missing");
    assert!(
        missing.message.contains("Settings only (PATCH)"),
        "{missing}"
    );

    // As a settings PATCH, keep_bindings is not sent: the message says how to keep bindings there.
    let mut patch = second;
    patch.request.operation = Operation::Settings;
    let findings = check(&patch);
    assert!(!has_errors(&findings), "{findings:#?}");
    // `<your-bucket-name>` is no bucket name either.
    assert_eq!(
        rules_of(&findings, Level::Warning),
        ["r2-bucket-name-format", "keep-bindings-not-sent"]
    );
}

#[test]
fn forum_service_worker_upload_with_kv_binding() {
    // The working answer in the forum thread: `body_part: "script"`, a kv_namespace binding,
    // the script as an application/javascript part named "script".
    let text = seed("forum-bind-kv-and-workers-via-api.txt");
    assert!(text.contains("\"body_part\", \"script\"") && text.contains("\"namespace_id\""));
    let metadata: Metadata = serde_json::from_value(serde_json::json!({
        "body_part": "script",
        "bindings": [{"type": "kv_namespace", "name": "myGlobalVarName", "namespace_id": "0123456789abcdef0123456789abcdef"}],
        "compatibility_date": "2024-06-01"
    }))
    .unwrap();
    let mut script = Module::inline(
        "script",
        "addEventListener('fetch', e => e.respondWith(myGlobalVarName.get('k')))",
    );
    script.kind = ModuleKind::Commonjs;
    let mut c = dispatch_upload(metadata, vec![script]);
    c.request.target = Target::Account;
    assert_eq!(check(&c), vec![]);

    // Sending ES-module code that way is the classic "Unexpected token 'export'".
    c.modules[0].bytes = b"export default { fetch() {} }".to_vec();
    let findings = check(&c);
    assert_eq!(
        rules_of(&findings, Level::Error),
        ["service-worker-esm-code"]
    );
}
