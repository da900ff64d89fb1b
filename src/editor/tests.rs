//! The reducer, the live session and the answer parsers, on the host.

use std::rc::Rc;

use serde_json::{json, Value};

use super::edit::BindingEdit;
use super::live::{Fetch, ListKey, LiveAction, LiveState, ScriptKey, Token};
use super::resources::{
    matching, parse_accounts, settings_path, Account, Deployed, Next, Resource, ResourceKind,
};
use super::{Action, Editor, Notice, EDIT_REFUSED};
use crate::diff::{CurrentSettings, Resolution};
use crate::encode;
use crate::model::{Binding, BindingKind, Composition, Module, Operation, Target};
use crate::rules::{At, Finding, Level};

const TODAY: &str = "2025-01-15";

fn sample() -> Composition {
    let mut c = Editor::blank(TODAY);
    c.request.account_id = "0123456789abcdef0123456789abcdef".into();
    c.request.script_name = "my-worker".into();
    c.modules = vec![
        Module::inline(
            "index.js",
            "import { x } from './lib/util.js';\nexport default { fetch() { return new Response(x) } }",
        ),
        Module::inline("lib/util.js", "export const x = 'héllo';"),
        Module::inline("add.wasm", vec![0u8, 97, 115, 109, 1, 0, 0, 0, 255]),
    ];
    c.metadata.main_module = Some("index.js".into());
    c.metadata.bindings = vec![Binding::new(
        "USER_KV",
        BindingKind::KvNamespace {
            namespace_id: "abc123".into(),
        },
    )]
    .into();
    c
}

fn start(c: Composition) -> Rc<Editor> {
    Rc::new(Editor::new(c, TODAY))
}

fn field(index: usize, key: &str, value: Value) -> Action {
    Action::EditBinding(
        index,
        BindingEdit::Field {
            key: key.into(),
            value: Some(value),
        },
    )
}

#[test]
fn state_updates_are_pure_and_derive_once() {
    let state = start(Editor::blank(TODAY));
    let state = state.apply(Action::AddModules(vec![Module::inline(
        "worker.js",
        "export default {}",
    )]));
    assert_eq!(
        state.composition.metadata.main_module.as_deref(),
        Some("worker.js"),
        "first JS module becomes the entry"
    );
    assert_eq!(state.derived.parts.len(), 2);
    let state = state.apply(Action::RenameModule(0, "index.js".into()));
    assert_eq!(
        state.composition.metadata.main_module.as_deref(),
        Some("index.js"),
        "entry follows a rename"
    );
    let state = state.apply(Action::AddBinding("kv_namespace".into()));
    let revision = state.revision;
    let same = state
        .clone()
        .apply(Action::MoveBinding { index: 0, up: true });
    assert!(Rc::ptr_eq(&same, &state), "a no-op keeps the state");
    assert_eq!(same.revision, revision);
    assert!(state.derived.metadata_pretty.contains("\"kv_namespace\""));
    assert_eq!(
        state.derived.curl,
        encode::command(&state.composition, &Default::default())
    );
    let state = state.apply(Action::RemoveModule(0));
    assert_eq!(
        state.composition.metadata.main_module, None,
        "removing the entry clears it"
    );
    let state = state.apply(Action::New);
    assert_eq!(*state.composition, Editor::blank(TODAY));
}

#[test]
fn a_module_added_again_replaces_its_bytes_and_the_entry_stays() {
    let state = start(sample());
    let state = state.apply(Action::AddModules(vec![
        Module::inline("lib/util.js", "export const x = 2;"),
        Module::inline("extra.js", "export const y = 1;"),
    ]));
    let c = &state.composition;
    assert_eq!(c.modules.len(), 4);
    assert_eq!(c.modules[1].bytes, b"export const x = 2;");
    assert_eq!(c.metadata.main_module.as_deref(), Some("index.js"));
}

#[test]
fn modules_move_and_change_kind_within_bounds() {
    let state = start(sample());
    let state = state.apply(Action::MoveModule { index: 2, up: true });
    let names: Vec<&str> = state
        .composition
        .modules
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["index.js", "add.wasm", "lib/util.js"]);
    let same = state.clone().apply(Action::MoveModule {
        index: 2,
        up: false,
    });
    assert!(Rc::ptr_eq(&same, &state), "past the end: nothing moves");
    let same = state.clone().apply(Action::RemoveModule(9));
    assert!(Rc::ptr_eq(&same, &state));
    let state = state.apply(Action::SetModuleKind(0, crate::model::ModuleKind::Commonjs));
    assert_eq!(
        state.composition.modules[0].kind,
        crate::model::ModuleKind::Commonjs
    );
}

#[test]
fn the_entry_switches_between_main_module_and_body_part() {
    let state = start(sample());
    let state = state.apply(Action::SetFormat {
        service_worker: true,
    });
    let m = &state.composition.metadata;
    assert_eq!(
        (m.main_module.as_deref(), m.body_part.as_deref()),
        (None, Some("index.js"))
    );
    let state = state.apply(Action::SetEntry {
        name: Some("lib/util.js".into()),
        service_worker: false,
    });
    let m = &state.composition.metadata;
    assert_eq!(
        (m.main_module.as_deref(), m.body_part.as_deref()),
        (Some("lib/util.js"), None)
    );
}

#[test]
fn request_fields_are_set_and_the_account_id_is_trimmed() {
    let state = start(sample());
    let state = state.apply(Action::SetAccountId("  abc \n".into()));
    assert_eq!(state.composition.request.account_id, "abc");
    let state = state.apply(Action::SetTarget(Target::Dispatch));
    let state = state.apply(Action::SetDispatchNamespace("prod".into()));
    let state = state.apply(Action::SetInheritStrict(true));
    let r = &state.composition.request;
    assert_eq!(
        (
            r.target,
            r.dispatch_namespace.as_str(),
            r.bindings_inherit_strict
        ),
        (Target::Dispatch, "prod", true)
    );
    assert!(state.derived.url.contains("/dispatch/namespaces/prod/"));
}

#[test]
fn a_binding_edit_changes_only_that_binding_and_a_no_op_keeps_the_state() {
    let state = start(sample());
    let state = state.apply(Action::AddBinding("r2_bucket".into()));
    let state = state.apply(Action::EditBinding(1, BindingEdit::Name("FILES".into())));
    let state = state.apply(field(1, "bucket_name", json!("files")));
    assert_eq!(
        state.composition.metadata.bindings[1].to_json(),
        *json!({"type": "r2_bucket", "name": "FILES", "bucket_name": "files"})
            .as_object()
            .unwrap()
    );
    assert!(state.derived.metadata_pretty.contains("\"files\""));
    let revision = state.revision;
    let same = state.clone().apply(field(1, "bucket_name", json!("files")));
    assert!(Rc::ptr_eq(&same, &state), "the same value again is a no-op");
    let same = state.clone().apply(field(7, "bucket_name", json!("x")));
    assert!(Rc::ptr_eq(&same, &state), "no such binding");
    let state = state.apply(Action::EditBinding(
        1,
        BindingEdit::Field {
            key: "jurisdiction".into(),
            value: Some(json!("eu")),
        },
    ));
    assert_eq!(state.revision, revision + 1);
    let state = state.apply(Action::EditBinding(
        1,
        BindingEdit::Field {
            key: "jurisdiction".into(),
            value: None,
        },
    ));
    assert_eq!(
        state.composition.metadata.bindings[1]
            .to_json()
            .get("jurisdiction"),
        None
    );
}

#[test]
fn an_edit_that_changes_no_finding_keeps_the_findings_list_itself() {
    let state = start(sample()).apply(Action::AddBinding("r2_bucket".into()));
    assert!(
        !state.derived.findings.is_empty(),
        "an r2_bucket without its fields has findings"
    );
    let next = state
        .clone()
        .apply(Action::EditBinding(0, BindingEdit::Name("KV".into())));
    assert!(!Rc::ptr_eq(&next.derived, &state.derived));
    assert!(
        Rc::ptr_eq(&next.derived.findings, &state.derived.findings),
        "the same findings are the same list, so the panels compare one pointer"
    );
    assert!(Rc::ptr_eq(&next.checks.findings, &state.checks.findings));
    assert!(Rc::ptr_eq(&next.checks.todo, &state.checks.todo));
    assert!(Rc::ptr_eq(&next.field_findings, &state.field_findings));
    let fixed = next.clone().apply(field(1, "bucket_name", json!("files")));
    assert_ne!(fixed.derived.findings, next.derived.findings);
    assert_eq!(
        *fixed.derived.findings,
        crate::rules::check_at(&fixed.composition, Some(TODAY))
    );
}

#[test]
fn an_edit_the_model_refuses_changes_nothing_and_shows_under_its_field() {
    let state = start(sample());
    let before = state.composition.clone();
    let state = state.apply(field(0, "namespace_id", json!(42)));
    assert_eq!(state.composition, before, "the composition is untouched");
    let refused = state.refused.clone().expect("a refusal");
    assert_eq!(refused.rule, EDIT_REFUSED);
    assert_eq!(refused.at, At::binding(0).field("namespace_id"));
    assert_eq!(state.field_findings.last(), Some(&refused));
    assert!(
        !state.derived.findings.contains(&refused),
        "the checks list keeps rule findings only"
    );
    // The same refusal again changes nothing; an accepted edit (even a no-op) clears it.
    let same = state.clone().apply(field(0, "namespace_id", json!(42)));
    assert!(Rc::ptr_eq(&same, &state));
    let state = state.apply(field(0, "namespace_id", json!("abc123")));
    assert_eq!(state.refused, None);
    assert_eq!(state.field_findings, state.derived.findings);

    let state = state.apply(Action::SetMetadataField {
        path: "placement".into(),
        value: Some(json!("everywhere")),
    });
    let refused = state.refused.clone().expect("a refusal");
    assert_eq!(refused.at, "metadata.placement");
    assert!(refused.message.starts_with("placement: "), "{refused}");
    let state = state.apply(Action::SetScriptName("other".into()));
    assert_eq!(state.refused, None, "any accepted change clears it");
}

#[test]
fn metadata_fields_and_object_keys_are_set_through_the_model() {
    let state = start(sample());
    let state = state.apply(Action::SetMetadataField {
        path: "compatibility_flags".into(),
        value: Some(json!(["nodejs_compat"])),
    });
    assert_eq!(
        state.composition.metadata.compatibility_flags,
        ["nodejs_compat"]
    );
    let state = state.apply(Action::SetMetadataField {
        path: "annotations.workers/message".into(),
        value: Some(json!("first deploy")),
    });
    assert!(state.derived.metadata_pretty.contains("first deploy"));
    let revision = state.revision;
    let same = state.clone().apply(Action::SetMetadataField {
        path: "annotations.workers/message".into(),
        value: Some(json!("first deploy")),
    });
    assert!(Rc::ptr_eq(&same, &state));
    let state = state.apply(Action::SetMetadataField {
        path: "annotations.workers/message".into(),
        value: None,
    });
    assert_eq!(state.revision, revision + 1);
    assert!(state.composition.metadata.annotations.is_none());
}

#[test]
fn a_custom_binding_becomes_a_known_one_when_its_type_is_typed() {
    let state = start(sample());
    let state = state.apply(Action::AddBinding(String::new()));
    let state = state.apply(Action::EditBinding(
        1,
        BindingEdit::Fields(Some(json!({"namespace_id": "n1"}))),
    ));
    let state = state.apply(Action::EditBinding(
        1,
        BindingEdit::Type("kv_namespace".into()),
    ));
    assert!(matches!(
        &state.composition.metadata.bindings[1].kind,
        BindingKind::KvNamespace { namespace_id } if namespace_id == "n1"
    ));
    let refused = state.apply(Action::EditBinding(1, BindingEdit::Fields(Some(json!(3)))));
    assert_eq!(
        refused.refused.as_ref().map(|f| f.at.to_string()),
        Some("bindings[1]".into())
    );
}

#[test]
fn bindings_are_added_moved_and_removed() {
    let state = start(sample());
    let state = state.apply(Action::AddBinding("queue".into()));
    let state = state.apply(Action::MoveBinding { index: 1, up: true });
    let types: Vec<&str> = state
        .composition
        .metadata
        .bindings
        .iter()
        .map(Binding::type_name)
        .collect();
    assert_eq!(types, ["queue", "kv_namespace"]);
    let state = state.apply(Action::RemoveBinding(0));
    assert_eq!(state.composition.metadata.bindings.len(), 1);
    let same = state.clone().apply(Action::RemoveBinding(5));
    assert!(Rc::ptr_eq(&same, &state));
}

#[test]
fn the_curl_prefix_and_notices_do_not_count_as_changes() {
    let state = start(sample());
    let state = state.apply(Action::SetCurlPrefix("dist/".into()));
    assert_eq!(state.revision, 0, "nothing to save");
    assert!(state.derived.curl_text.contains("@dist/index.js"));
    let same = state.clone().apply(Action::SetCurlPrefix("dist/".into()));
    assert!(Rc::ptr_eq(&same, &state));
    let state = state.apply(Action::Notify(Some(Notice::info("hello"))));
    assert_eq!(state.notice, Some(Notice::info("hello")));
    assert_eq!(state.revision, 0);
    let state = state.apply(Action::Notify(None));
    assert_eq!(state.notice, None);
}

#[test]
fn a_replaced_composition_is_a_change_and_new_clears_the_notice() {
    let state = start(Editor::blank(TODAY));
    let state = state.apply(Action::Replace(Box::new(sample())));
    assert_eq!(state.revision, 1);
    assert_eq!(*state.composition, sample());
    let state = state.apply(Action::Notify(Some(Notice::error("bad"))));
    let state = state.apply(Action::New);
    assert_eq!(state.notice, None);
    assert_eq!(state.revision, 2);
}

#[test]
fn api_errors_show_under_fields_until_the_composition_changes() {
    let state = start(sample());
    let rules = state.derived.findings.len();
    let api = Finding {
        level: Level::Error,
        rule: "api-error",
        at: At::metadata("main_module"),
        message: "API error 10021: no such module".into(),
    };
    let state = state.apply(Action::ApiFindings(vec![api.clone()]));
    assert_eq!(state.field_findings.len(), rules + 1);
    assert_eq!(state.field_findings.last(), Some(&api));
    assert_eq!(
        state.derived.findings.len(),
        rules,
        "the checks list keeps rule findings only"
    );
    // A new response replaces them; a change to the composition drops them.
    let state = state.apply(Action::ApiFindings(vec![api.clone(), api]));
    assert_eq!(state.field_findings.len(), rules + 2);
    let state = state.apply(Action::SetScriptName("other".into()));
    assert!(state.api_findings.is_empty());
    assert_eq!(state.field_findings, state.derived.findings);
    let same = state.clone().apply(Action::ApiFindings(vec![]));
    assert!(Rc::ptr_eq(&same, &state));
}

#[test]
fn the_diff_resolutions_update_the_composition_and_preview() {
    let current = Rc::new(
        CurrentSettings::parse(&json!({"bindings": [
            {"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"},
            {"type": "secret_text", "name": "API_KEY"},
        ], "compatibility_date": "2024-06-01"}))
        .unwrap(),
    );
    let mut c = sample();
    c.metadata.bindings.clear();
    let state = start(c);
    let state = state.apply(Action::SetOperation(Operation::Settings));
    let resolve = |state: Rc<Editor>, name: &str, how| {
        state.apply(Action::Resolve {
            current: current.clone(),
            name: name.into(),
            how,
        })
    };
    let state = resolve(state, "USER_KV", Resolution::Restore);
    assert_eq!(
        state.composition.metadata.bindings,
        [Binding::new(
            "USER_KV",
            BindingKind::KvNamespace {
                namespace_id: "ns1".into()
            }
        )]
    );
    assert!(
        state.derived.metadata_pretty.contains("\"ns1\""),
        "the preview follows"
    );
    let state = resolve(state, "API_KEY", Resolution::Keep);
    let json = serde_json::to_value(&state.composition.metadata.bindings).unwrap();
    assert_eq!(
        json[1],
        json!({"type": "secret_text", "name": "API_KEY"}),
        "kept bare on a PATCH"
    );
    let state = resolve(state, "USER_KV", Resolution::Drop);
    assert_eq!(state.composition.metadata.bindings.len(), 1);
    assert_eq!(state.composition.metadata.bindings[0].name, "API_KEY");

    // Start from the deployed settings: without modules a settings PATCH; with them, the code
    // is kept.
    let loaded = state.clone().apply(Action::StartFromDeployed {
        current: current.clone(),
        keep_modules: false,
    });
    assert!(loaded.composition.modules.is_empty());
    assert_eq!(loaded.composition.request.operation, Operation::Settings);
    assert_eq!(
        loaded.composition.metadata.compatibility_date.as_deref(),
        Some("2024-06-01")
    );
    assert_eq!(loaded.composition.request.script_name, "my-worker");
    let kept = state.apply(Action::StartFromDeployed {
        current,
        keep_modules: true,
    });
    assert_eq!(kept.composition.modules.len(), 3);
    assert_eq!(
        kept.composition.metadata.main_module.as_deref(),
        Some("index.js")
    );
    assert_eq!(kept.composition.request.operation, Operation::Upload);
    let names: Vec<_> = kept
        .composition
        .metadata
        .bindings
        .iter()
        .map(|b| (b.name.as_str(), b.type_name()))
        .collect();
    assert_eq!(
        names,
        [("USER_KV", "kv_namespace"), ("API_KEY", "inherit")],
        "a secret is inherited, never empty"
    );
}

// ---- The live session and the answers it reads ----

#[test]
fn resource_fields_map_to_their_list_endpoints() {
    use ResourceKind as K;
    assert_eq!(K::for_field("kv_namespace", "namespace_id"), Some(K::Kv));
    assert_eq!(K::for_field("r2_bucket", "bucket_name"), Some(K::R2));
    assert_eq!(K::for_field("r2_bucket", "jurisdiction"), None);
    assert_eq!(K::for_field("d1", "id"), Some(K::D1));
    assert_eq!(K::for_field("queue", "queue_name"), Some(K::Queue));
    assert_eq!(
        K::for_field("dispatch_namespace", "namespace"),
        Some(K::DispatchNamespace)
    );
    assert_eq!(K::for_field("hyperdrive", "id"), Some(K::Hyperdrive));
    assert_eq!(K::for_field("vectorize", "index_name"), Some(K::Vectorize));
    assert_eq!(
        K::for_field("mtls_certificate", "certificate_id"),
        Some(K::MtlsCertificate)
    );
    assert_eq!(K::for_field("plain_text", "text"), None);
    let account = "0123456789abcdef0123456789abcdef";
    assert_eq!(
        K::Kv.list_url("/client/v4", account, None),
        format!("/client/v4/accounts/{account}/storage/kv/namespaces?page=1&per_page=50")
    );
    assert_eq!(
        K::Kv.list_url("/client/v4", account, Some(&Next::Page(3))),
        format!("/client/v4/accounts/{account}/storage/kv/namespaces?page=3&per_page=50")
    );
    assert_eq!(
        K::R2.list_url("/client/v4", account, Some(&Next::Cursor("a b/c".into()))),
        format!("/client/v4/accounts/{account}/r2/buckets?per_page=1000&cursor=a%20b%2Fc")
    );
    // An account id is a path segment: escaped, never able to reach another path.
    assert_eq!(K::Queue.path("x/../y"), "/accounts/x%2F..%2Fy/queues");
    assert_eq!(K::Kv.create_body("users"), json!({"title": "users"}));
    assert_eq!(K::Queue.create_body("jobs"), json!({"queue_name": "jobs"}));
    assert_eq!(K::R2.create_body("files"), json!({"name": "files"}));
    assert!(K::Kv.can_create() && K::DispatchNamespace.can_create());
    assert!(!K::Hyperdrive.can_create() && !K::MtlsCertificate.can_create());
    assert_eq!(K::Vectorize.singular(), "Vectorize index");
    assert_eq!(K::Kv.singular(), "KV namespace");
}

#[test]
fn list_pages_are_followed_until_the_last() {
    let kv_page = |page: u32, total_pages: u32| {
        json!({
            "success": true, "errors": [], "messages": [],
            "result": [{"id": format!("id{page}"), "title": format!("Title {page}")}, {"title": "no id"}],
            "result_info": {"page": page, "per_page": 1, "total_pages": total_pages},
        })
        .to_string()
    };
    let first = ResourceKind::Kv.parse_page(&kv_page(1, 2), 1).unwrap();
    assert_eq!(
        first.items,
        [Resource {
            label: "Title 1".into(),
            value: "id1".into()
        }],
        "items without the value field are skipped"
    );
    assert_eq!(first.next, Some(Next::Page(2)));
    assert_eq!(
        ResourceKind::Kv.parse_page(&kv_page(2, 2), 2).unwrap().next,
        None
    );

    let r2 = |cursor: &str| {
        json!({
            "success": true, "errors": [], "messages": [],
            "result": {"buckets": [{"name": "files", "creation_date": "2024-01-01"}]},
            "result_info": {"cursor": cursor, "per_page": 1000},
        })
        .to_string()
    };
    let page = ResourceKind::R2.parse_page(&r2("next-token"), 1).unwrap();
    assert_eq!(page.items[0].value, "files");
    assert_eq!(page.next, Some(Next::Cursor("next-token".into())));
    assert_eq!(ResourceKind::R2.parse_page(&r2(""), 2).unwrap().next, None);

    let d1 = json!({"success": true, "result": [{"uuid": "u-1", "name": "main"}], "result_info": {"total_pages": 1}});
    let page = ResourceKind::D1.parse_page(&d1.to_string(), 1).unwrap();
    assert_eq!(
        page.items,
        [Resource {
            label: "main".into(),
            value: "u-1".into()
        }]
    );
    // Lists that give only total_count (or nothing) are still followed to their end.
    let counted = |page: u32| {
        json!({"success": true, "result": [{"uuid": format!("u{page}"), "name": "db"}],
            "result_info": {"page": page, "per_page": 1, "count": 1, "total_count": 2}})
        .to_string()
    };
    assert_eq!(
        ResourceKind::D1.parse_page(&counted(1), 1).unwrap().next,
        Some(Next::Page(2))
    );
    assert_eq!(
        ResourceKind::D1.parse_page(&counted(2), 2).unwrap().next,
        None
    );
    let full: Vec<Value> = (0..50)
        .map(|i| json!({"queue_name": format!("q{i}")}))
        .collect();
    let full = json!({"success": true, "result": full}).to_string();
    assert_eq!(
        ResourceKind::Queue.parse_page(&full, 1).unwrap().next,
        Some(Next::Page(2))
    );
    let short = json!({"success": true, "result": [{"queue_name": "q"}]}).to_string();
    assert_eq!(
        ResourceKind::Queue.parse_page(&short, 2).unwrap().next,
        None
    );
    let ns = json!({"success": true, "result": [{"namespace_id": "x", "namespace_name": "prod"}]});
    let page = ResourceKind::DispatchNamespace
        .parse_page(&ns.to_string(), 1)
        .unwrap();
    assert_eq!(page.items[0].value, "prod");
    assert_eq!(page.next, None);

    let denied =
        json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]});
    assert_eq!(
        ResourceKind::Kv
            .parse_page(&denied.to_string(), 1)
            .unwrap_err(),
        "Authentication error (10000)"
    );
    assert!(ResourceKind::Vectorize
        .parse_page("<html>not found</html>", 1)
        .unwrap_err()
        .contains("not JSON"));

    let created = json!({"success": true, "result": {"id": "new-id", "title": "users"}});
    assert_eq!(
        ResourceKind::Kv
            .parse_created(&created.to_string())
            .unwrap(),
        Resource {
            label: "users".into(),
            value: "new-id".into()
        }
    );
    let items = vec![
        Resource {
            label: "Users".into(),
            value: "id-1".into(),
        },
        Resource {
            label: "Sessions".into(),
            value: "id-2".into(),
        },
    ];
    assert_eq!(matching(&items, "user").len(), 1);
    assert_eq!(matching(&items, "ID-2")[0].label, "Sessions");
    assert_eq!(matching(&items, "  ").len(), 2);

    let accounts = json!({"success": true, "result": [{"id": "a1", "name": "Mine"}],
        "result_info": {"page": 1, "total_pages": 2}});
    let (list, more) = parse_accounts(&accounts.to_string(), 1).unwrap();
    assert_eq!(
        (list[0].id.as_str(), list[0].name.as_str(), more),
        ("a1", "Mine", true)
    );
}

#[test]
fn deployed_settings_are_read_or_reported_missing() {
    let mut c = sample();
    assert_eq!(
        settings_path(&c.request),
        "/accounts/0123456789abcdef0123456789abcdef/workers/scripts/my-worker/settings"
    );
    c.request.target = Target::Dispatch;
    c.request.dispatch_namespace = "prod".into();
    assert!(settings_path(&c.request)
        .ends_with("/workers/dispatch/namespaces/prod/scripts/my-worker/settings"));

    let found = json!({"success": true, "errors": [], "result": {
        "bindings": [{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}],
        "compatibility_date": "2024-06-01"}});
    match Deployed::read(200, &found.to_string()) {
        Deployed::Found(current) => assert_eq!(current.bindings[0].name, "USER_KV"),
        other => panic!("{other:?}"),
    }
    let missing = json!({"success": false, "errors": [{"code": 10007, "message": "workers.api.error.script_not_found"}]});
    assert_eq!(Deployed::read(404, &missing.to_string()), Deployed::Missing);
    let missing_code =
        json!({"success": false, "errors": [{"code": 10007, "message": "not found"}]});
    assert_eq!(
        Deployed::read(400, &missing_code.to_string()),
        Deployed::Missing
    );
    let denied =
        json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]});
    assert_eq!(
        Deployed::read(403, &denied.to_string()),
        Deployed::Failed("HTTP 403: Authentication error (10000)".into())
    );
    assert!(matches!(
        Deployed::read(200, "<html>"),
        Deployed::Failed(message) if message.contains("not JSON")
    ));
}

#[test]
fn the_live_session_forgets_everything_with_a_new_token() {
    let live = Rc::new(LiveState::default());
    let live = live.apply(LiveAction::SetToken("t1".into()));
    assert!(
        !format!("{live:?}").contains("t1"),
        "the token shows in a debug print"
    );
    let key = ListKey {
        account_id: "a".into(),
        kind: ResourceKind::Kv,
        jurisdiction: String::new(),
    };
    let live = live.apply(LiveAction::List(key.clone(), Fetch::Ready(vec![])));
    let users = Resource {
        label: "users".into(),
        value: "id".into(),
    };
    let live = live.apply(LiveAction::Created(key.clone(), users.clone()));
    let live = live.apply(LiveAction::Created(key.clone(), users.clone()));
    assert_eq!(
        live.lists.get(&key),
        Some(&Fetch::Ready(vec![users])),
        "a created resource is listed once"
    );
    let c = sample();
    let live = live.apply(LiveAction::Deployed(
        ScriptKey::of(&c.request),
        Fetch::Ready(Deployed::Missing),
    ));
    assert!(live.deployed_for(&c.request).is_some());
    assert!(live.current_for(&c.request).is_none());
    let mut other = c.request.clone();
    other.script_name = "another".into();
    assert!(
        live.deployed_for(&other).is_none(),
        "settings of one script shown for another"
    );
    let same = live.clone().apply(LiveAction::SetToken("t1".into()));
    assert!(Rc::ptr_eq(&live, &same));
    let live = live.apply(LiveAction::SetToken("t2".into()));
    assert!(live.lists.is_empty() && live.deployed.is_none() && live.accounts.is_none());

    // An answer read with the old token arrives late: dropped. One for the current token: kept.
    let accounts = |id: &str| {
        let list = vec![Account {
            id: id.into(),
            name: id.into(),
        }];
        Box::new(LiveAction::Accounts(Fetch::Ready(list)))
    };
    let live = live.apply(LiveAction::Answered(Token::new("t1"), accounts("old")));
    assert!(
        live.accounts.is_none(),
        "an answer for an old token was applied"
    );
    let live = live.apply(LiveAction::Answered(Token::new("t2"), accounts("new")));
    assert!(matches!(&live.accounts, Some(Fetch::Ready(list)) if list[0].id == "new"));
}

#[test]
fn a_script_is_complete_with_its_account_name_and_namespace() {
    let mut r = sample().request;
    assert!(ScriptKey::is_complete(&r));
    r.target = Target::Dispatch;
    assert!(
        !ScriptKey::is_complete(&r),
        "a WfP Worker needs its namespace"
    );
    r.dispatch_namespace = "prod".into();
    assert!(ScriptKey::is_complete(&r));
    r.dispatch_namespace = "..".into();
    assert!(
        !ScriptKey::is_complete(&r),
        "its settings would be read from another endpoint"
    );
    r.dispatch_namespace = "prod".into();
    assert_eq!(ScriptKey::of(&r).dispatch_namespace, "prod");
    r.target = Target::Account;
    assert_eq!(
        ScriptKey::of(&r).dispatch_namespace,
        "",
        "an account Worker has none"
    );
    r.account_id = "<your-account-id>".into();
    assert!(
        !ScriptKey::is_complete(&r),
        "a placeholder account names no script"
    );
}

fn todo_labels(state: &Editor) -> Vec<String> {
    state.checks.todo.iter().map(|t| t.label.clone()).collect()
}

fn shown_rules(state: &Editor, level: Level) -> Vec<&'static str> {
    state
        .checks
        .findings
        .iter()
        .filter(|f| f.level == level)
        .map(|f| f.rule)
        .collect()
}

#[test]
fn a_blank_page_lists_what_to_do_and_an_emptied_field_becomes_an_error() {
    let state = start(Editor::blank(TODAY));
    assert!(state.is_blank());
    assert!(!start(sample()).is_blank());
    assert_eq!(
        todo_labels(&state),
        ["account id", "script name", "a module"]
    );
    assert!(shown_rules(&state, Level::Error).is_empty());
    assert!(
        state.field_findings.is_empty(),
        "nothing red under the fields"
    );

    // Typed, then erased: the user left it empty.
    let state = state.apply(Action::SetScriptName("w".into()));
    let state = state.apply(Action::SetScriptName(String::new()));
    assert_eq!(todo_labels(&state), ["account id", "a module"]);
    assert_eq!(shown_rules(&state, Level::Error), ["script-name-missing"]);
    assert!(state
        .field_findings
        .iter()
        .any(|f| f.at == At::request("script_name")));

    // A copy or a send tried: everything still missing is an error.
    let tried = state.clone().apply(Action::Attempt);
    assert!(tried.checks.todo.is_empty());
    assert_eq!(
        shown_rules(&tried, Level::Error),
        ["account-id-missing", "script-name-missing", "entry-missing"]
    );
    assert!(
        Rc::ptr_eq(&tried.clone().apply(Action::Attempt), &tried),
        "tried once is enough"
    );
    assert_eq!(tried.revision, state.revision, "nothing to save");

    // A new composition starts over.
    let fresh = tried.apply(Action::New);
    assert_eq!(fresh.checks.todo.len(), 3);
    assert!(!fresh.attempted && !fresh.touched.covers(&At::request("script_name")));
}

#[test]
fn an_attempt_with_nothing_to_do_changes_nothing() {
    let state = start(sample());
    assert!(state.checks.todo.is_empty());
    assert!(Rc::ptr_eq(&state.clone().apply(Action::Attempt), &state));
}

#[test]
fn a_new_binding_waits_for_its_values_and_removing_the_entry_is_an_error() {
    let state = start(sample());
    let state = state.apply(Action::AddBinding("r2_bucket".into()));
    assert_eq!(
        todo_labels(&state),
        [
            "binding 2 (r2_bucket): name",
            "binding 2 (r2_bucket): bucket name"
        ]
    );
    let state = state.apply(Action::EditBinding(1, BindingEdit::Name("FILES".into())));
    assert_eq!(todo_labels(&state), ["FILES: bucket name"]);
    // Moved to the top, the binding keeps what was edited in it.
    let state = state.apply(Action::MoveBinding { index: 1, up: true });
    assert!(state.touched.contains(&At::binding(0).field("name")));
    assert_eq!(todo_labels(&state), ["FILES: bucket name"]);
    let state = state.apply(Action::RemoveBinding(0));
    assert!(state.checks.todo.is_empty());
    assert!(!state.touched.contains(&At::binding(0).field("name")));

    let state = state.apply(Action::RemoveModule(0));
    assert_eq!(shown_rules(&state, Level::Error), ["entry-missing"]);
}

#[test]
fn an_example_starts_with_its_placeholders_to_do_and_keeps_a_real_account() {
    // A day after the examples' compatibility date.
    let today = "2025-06-02";
    let state = Rc::new(Editor::new(Editor::blank(today), today)).apply(Action::StartFromExample {
        id: "kv-worker",
        account: None,
    });
    assert_eq!(state.example.map(|e| e.id), Some("kv-worker"));
    assert_eq!(
        todo_labels(&state),
        [
            "account id (replace the placeholder)",
            "USER_KV: namespace id (replace the placeholder)"
        ]
    );
    assert!(state.checks.findings.is_empty());
    assert!(state.notice.as_ref().is_some_and(|n| !n.error));
    assert_eq!(state.revision, 1, "saved like any change");

    let account = "023e105f4ecef8ad9ca31a8372d0c353";
    let state = state.apply(Action::SetAccountId(account.into()));
    let state = state.apply(Action::StartFromExample {
        id: "wfp-add-r2-keep-kv",
        account: Some("ffffffffffffffffffffffffffffffff".into()),
    });
    assert_eq!(state.composition.request.account_id, account);
    assert_eq!(state.composition.request.operation, Operation::Settings);
    assert!(state.checks.todo.is_empty() && state.checks.findings.is_empty());
    assert!(!state.touched.contains(&At::request("account_id")));

    let same = state.clone().apply(Action::StartFromExample {
        id: "no-such-example",
        account: None,
    });
    assert!(Rc::ptr_eq(&same, &state));
    // With no account entered yet, the verified token's only account is used.
    let fresh = state.apply(Action::New).apply(Action::StartFromExample {
        id: "python-worker",
        account: Some(account.into()),
    });
    assert_eq!(fresh.composition.request.account_id, account);
    let state = fresh;
    let imported = state.apply(Action::Replace(Box::new(sample())));
    assert_eq!(imported.example, None);
}

#[test]
fn the_only_account_a_token_reaches_fills_an_empty_or_placeholder_account_id() {
    let account = |id: &str| Account {
        id: id.into(),
        name: "A".into(),
    };
    let live = Rc::new(LiveState::default());
    assert_eq!(live.account_to_fill(""), None, "not listed yet");
    let one = live
        .clone()
        .apply(LiveAction::Accounts(Fetch::Ready(vec![account("a1")])));
    assert_eq!(one.only_account(), Some("a1"));
    assert_eq!(one.account_to_fill(""), Some("a1"));
    assert_eq!(one.account_to_fill("<your-account-id>"), Some("a1"));
    assert_eq!(one.account_to_fill("a1"), None, "already there");
    assert_eq!(
        one.account_to_fill("0123456789abcdef0123456789abcdef"),
        None,
        "never over a real id"
    );
    let two = live.apply(LiveAction::Accounts(Fetch::Ready(vec![
        account("a1"),
        account("a2"),
    ])));
    assert_eq!(two.account_to_fill(""), None, "the user chooses");
}

#[test]
fn a_language_tab_shows_its_program_and_follows_every_change() {
    use crate::editor::OutputTab;
    use crate::encode::code::Language;
    let state = start(sample());
    assert_eq!(state.output_tab, OutputTab::Metadata);
    assert_eq!(
        state.program, None,
        "no program is generated for the metadata tab"
    );

    let state = state.apply(Action::ShowOutput(OutputTab::Code(Language::Python)));
    assert_eq!(state.revision, 0, "switching tabs is no change to save");
    let python = state.program.clone().expect("the Python program");
    assert!(python.text.contains("requests.put("));
    assert!(python.text.contains("\"index.js\""));
    let same = state
        .clone()
        .apply(Action::ShowOutput(OutputTab::Code(Language::Python)));
    assert!(Rc::ptr_eq(&same, &state));

    // The folder prefix and an edit reach the program shown.
    let state = state.apply(Action::SetCurlPrefix("dist/".into()));
    assert!(state
        .program
        .as_ref()
        .unwrap()
        .text
        .contains("\"dist/index.js\""));
    let state = state.apply(Action::SetScriptName("renamed".into()));
    assert!(state
        .program
        .as_ref()
        .unwrap()
        .text
        .contains("/scripts/renamed\""));

    // Embedded, the program carries the module text instead of reading the file.
    let state = state.apply(Action::SetEmbed(true));
    let embedded = state.program.clone().unwrap();
    assert!(!embedded.text.contains("open(path, \"rb\")"));
    assert_eq!(state.revision, 1);

    // curl is always in the derived view; its tab generates nothing more.
    let state = state.apply(Action::ShowOutput(OutputTab::Code(Language::Curl)));
    assert_eq!(state.program, None);
    assert!(state.derived.curl_text.contains("@dist/index.js"));
}

#[test]
fn an_import_keeps_its_findings_until_dismissed_new_or_another_import() {
    let editor = Rc::new(Editor::new(sample(), TODAY));
    let text = "curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata={\"main_module\":\"index.js\"}' -F 'index.js=@index.js;type=application/javascript+module'";
    let opened = super::import::open_curl(text, &[]).unwrap();
    let editor = editor.apply(Action::Imported(Box::new(opened.clone())));
    assert_eq!(editor.composition.request.script_name, "w");
    assert_eq!(*editor.import_findings, opened.findings);
    assert!(editor
        .notice
        .as_ref()
        .unwrap()
        .text
        .starts_with("Imported the curl command"));
    // Editing the imported composition keeps them (they say how to fix it).
    let edited = editor.clone().apply(Action::SetScriptName("w2".into()));
    assert_eq!(*edited.import_findings, opened.findings);
    let dismissed = edited.clone().apply(Action::DismissImportFindings);
    assert!(dismissed.import_findings.is_empty());
    assert!(Rc::ptr_eq(
        &dismissed,
        &dismissed.clone().apply(Action::DismissImportFindings)
    ));
    assert!(edited.clone().apply(Action::New).import_findings.is_empty());
    assert!(edited
        .apply(Action::Replace(Box::new(sample())))
        .import_findings
        .is_empty());
}

#[test]
fn the_derived_view_after_each_kind_of_edit_equals_one_derived_afresh() {
    let mut state = start(sample());
    let secret = |text: &str| {
        Action::EditBinding(
            3,
            BindingEdit::Field {
                key: "text".into(),
                value: Some(json!(text)),
            },
        )
    };
    let actions = vec![
        Action::AddBinding("plain_text".into()),
        Action::AddBinding("r2_bucket".into()),
        Action::AddBinding("secret_text".into()),
        field(0, "namespace_id", json!("0123456789abcdef0123456789abcdef")),
        Action::EditBinding(1, BindingEdit::Name("GREETING".into())),
        field(1, "text", json!("hello")),
        secret("s3cr3t"),
        Action::MoveBinding {
            index: 1,
            up: false,
        },
        Action::MoveBinding { index: 3, up: true },
        Action::SetMetadataField {
            path: "compatibility_flags".into(),
            value: Some(json!(["nodejs_compat"])),
        },
        Action::SetCurlPrefix("dist/".into()),
        Action::RemoveBinding(0),
        Action::SetOperation(Operation::Settings),
        Action::RemoveBinding(0),
        Action::SetOperation(Operation::Upload),
        Action::New,
        Action::AddBinding("kv_namespace".into()),
    ];
    for action in actions {
        let what = format!("{action:?}");
        state = state.apply(action);
        let fresh = super::Derived::of(&state.composition, TODAY, &state.curl_prefix);
        assert_eq!(*state.derived, fresh, "after {what}");
    }
}
