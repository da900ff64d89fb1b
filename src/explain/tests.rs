use serde_json::json;

use super::*;
use crate::model::{Binding, BindingKind, Composition, Module, ModuleKind, Target};

fn composition() -> Composition {
    let mut c = Composition::default();
    c.request.account_id = "0123456789abcdef0123456789abcdef".into();
    c.request.script_name = "my-worker".into();
    c.modules = vec![
        Module::inline("index.js", "export default {}"),
        Module::inline("lib/util.js", "export const x = 1"),
    ];
    c.metadata.main_module = Some("index.js".into());
    c.metadata.bindings = vec![
        Binding::new(
            "SESSIONS",
            BindingKind::KvNamespace {
                namespace_id: "aaa".into(),
            },
        ),
        Binding::new(
            "CACHE",
            BindingKind::KvNamespace {
                namespace_id: "bbb".into(),
            },
        ),
        Binding::new(
            "FILES",
            BindingKind::R2Bucket {
                bucket_name: "files".into(),
                jurisdiction: None,
            },
        ),
        Binding::new(
            "DB",
            BindingKind::D1 {
                id: Some("00000000-0000-0000-0000-000000000000".into()),
                database_id: None,
            },
        ),
    ]
    .into();
    c
}

fn envelope(code: i64, message: &str) -> String {
    json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null})
        .to_string()
}

fn one(code: i64, message: &str, c: &Composition) -> Explanation {
    let mut all = explain_response(400, &envelope(code, message), c);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn success_has_nothing_to_explain() {
    let body =
        json!({"success": true, "errors": [], "messages": [], "result": {"id": "x"}}).to_string();
    assert!(explain_response(200, &body, &composition()).is_empty());
}

#[test]
fn missing_metadata_part() {
    let e = one(
        10021,
        "could not read content for part metadata",
        &composition(),
    );
    assert_eq!(e.code, Some(10021));
    assert!(
        e.explanation.contains("`metadata` part"),
        "{}",
        e.explanation
    );
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("metadata")
    );
}

#[test]
fn no_such_module_points_at_the_entry_or_the_modules() {
    let mut c = composition();
    c.metadata.main_module = Some("worker.js".into());
    let e = one(10021, "Uncaught Error: No such module \"worker.js\".", &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("metadata.main_module")
    );
    assert!(e.explanation.contains("\"worker.js\""));
    let e = one(
        10021,
        "Uncaught Error: No such module \"lib/missing.js\".\n  imported from \"index.js\"",
        &c,
    );
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("modules")
    );
}

#[test]
fn export_in_a_script_points_at_the_part_kind() {
    let mut c = composition();
    c.modules[1].kind = ModuleKind::Commonjs;
    let e = one(
        10021,
        "Uncaught SyntaxError: Unexpected token 'export' at lib/util.js:1:1",
        &c,
    );
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("modules[1].kind")
    );
    c.metadata.main_module = None;
    c.metadata.body_part = Some("index.js".into());
    let e = one(10021, "Uncaught SyntaxError: Unexpected token 'export'", &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("metadata.body_part")
    );
}

#[test]
fn import_in_a_script_points_at_the_part_kind() {
    let mut c = composition();
    c.modules[1].kind = ModuleKind::Commonjs;
    let message =
        "Uncaught SyntaxError: Cannot use import statement outside a module at lib/util.js:1:1";
    let e = one(10021, message, &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("modules[1].kind")
    );
    assert!(e.explanation.contains("ES module"));
    // Without a location: the entry module's kind.
    c.modules[0].kind = ModuleKind::Commonjs;
    let e = one(
        10021,
        "Uncaught SyntaxError: Cannot use import statement outside a module",
        &c,
    );
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("modules[0].kind")
    );
}

#[test]
fn auth_and_account_errors() {
    let c = composition();
    let refused = one(10000, "Authentication error", &c);
    assert_eq!(
        refused.at.as_ref().map(ToString::to_string).as_deref(),
        Some("token")
    );
    // 10000 also answers an unknown or malformed token, not only a valid one lacking rights.
    assert!(refused.explanation.contains("unknown or malformed"));
    assert!(refused.explanation.contains("Workers Scripts: Edit"));
    assert!(!refused.explanation.contains("token is valid but"));
    assert!(one(9106, "Missing X-Auth-Key", &c)
        .explanation
        .starts_with("Authentication failed"));
    assert_eq!(
        one(
            9106,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
            &c
        )
        .at
        .as_ref()
        .map(ToString::to_string)
        .as_deref(),
        Some("token")
    );
    let e = one(7003, "Could not route to /accounts/me@example.com/workers/scripts/x, perhaps your object identifier is invalid?", &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("request.account_id")
    );
    assert_eq!(
        one(10016, "Invalid Worker name", &c)
            .at
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("request.script_name")
    );
}

#[test]
fn missing_resources_point_at_the_binding_quoted() {
    let c = composition();
    let e = one(10041, "KV namespace 'bbb' not found", &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("bindings[1].namespace_id")
    );
    let e = one(10041, "namespace not found", &c);
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("bindings[0].namespace_id"),
        "first KV binding when none is quoted"
    );
    assert_eq!(
        one(10085, "bucket not found", &c)
            .at
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("bindings[2].bucket_name")
    );
    assert_eq!(
        one(10181, "database not found", &c)
            .at
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("bindings[3].id")
    );
    let e = one(
        10021,
        "binding DB of type d1 must have a valid `id` specified [code: 10021]",
        &c,
    );
    assert_eq!(
        e.at.as_ref().map(ToString::to_string).as_deref(),
        Some("bindings[3].id")
    );
}

#[test]
fn dispatch_namespace_and_size() {
    let mut c = composition();
    c.request.target = Target::Dispatch;
    assert_eq!(
        one(100119, "dispatch namespace not found", &c)
            .at
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("request.dispatch_namespace")
    );
    assert_eq!(
        one(10027, "script too large", &c)
            .at
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("modules")
    );
}

#[test]
fn unknown_codes_keep_the_message() {
    let e = one(424242, "Something new", &composition());
    assert_eq!(e.message, "Something new");
    assert_eq!(e.at, None);
}

#[test]
fn failures_without_an_envelope_are_explained_by_status() {
    let all = explain_response(502, "<html>Bad gateway</html>", &composition());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].code, None);
    assert!(all[0].explanation.contains("could not reach"));
}

#[test]
fn a_missing_field_points_at_that_field_of_the_binding_named() {
    let mut c = composition();
    c.metadata.bindings.push(Binding::new(
        "API_KEY",
        BindingKind::SecretText { text: "".into() },
    ));
    c.metadata
        .bindings
        .push(Binding::new("API", BindingKind::empty("service")));
    let at = |code, message: &str| one(code, message, &c).at.map(|at| at.to_string());
    let e = one(
        10021,
        "invalid or missing text property for binding API_KEY",
        &c,
    );
    assert_eq!(
        e.at.map(|at| at.to_string()).as_deref(),
        Some("bindings[4].text")
    );
    assert!(e.explanation.contains("keep_bindings"), "{}", e.explanation);
    assert_eq!(
        at(
            10021,
            "binding API of type service must have a valid `service` specified"
        )
        .as_deref(),
        Some("bindings[5].service")
    );
    // A field the type does not have: the binding's name.
    assert_eq!(
        at(
            10021,
            "binding API of type service must have a valid `hologram` specified"
        )
        .as_deref(),
        Some("bindings[5].name")
    );
}
