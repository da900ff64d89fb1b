//! Browser-side pieces of the app, run in headless Chromium by wasm-bindgen-test-runner:
//! FormData built from the model, file reading, storage that never holds a secret, and the
//! app's pure helpers (catalog, state, ids, highlighting, import parsing).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use bindery::app::browser::{files, form_data, storage};
use bindery::app::state::{binding_with, Action, AppState};
use bindery::app::{catalog, highlight, ids, parse_composition};
use bindery::encode;
use bindery::model::{Binding, BindingKind, Composition, Module, ModuleKind, KNOWN_BINDING_TYPES};
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn sample() -> Composition {
    let mut c = AppState::blank("2025-01-15");
    c.request.account_id = "0123456789abcdef0123456789abcdef".into();
    c.request.script_name = "my-worker".into();
    c.modules = vec![
        Module::inline("index.js", "import { x } from './lib/util.js';\nexport default { fetch() { return new Response(x) } }"),
        Module::inline("lib/util.js", "export const x = 'héllo';"),
        Module::inline("add.wasm", vec![0u8, 97, 115, 109, 1, 0, 0, 0, 255]),
    ];
    c.metadata.main_module = Some("index.js".into());
    c.metadata.bindings = vec![
        Binding::new(
            "USER_KV",
            BindingKind::KvNamespace {
                namespace_id: "abc123".into(),
            },
        ),
        Binding::new(
            "API_TOKEN",
            BindingKind::SecretText {
                text: "s3cr3t-value-never-stored".into(),
            },
        ),
        Binding::new(
            "SIGNING",
            BindingKind::SecretKey {
                format: "raw".into(),
                algorithm: json!({"name": "HMAC", "hash": "SHA-256"}),
                usages: vec!["sign".into()],
                key_base64: Some("a2V5LW1hdGVyaWFsLW5ldmVyLXN0b3JlZA==".into()),
                key_jwk: None,
            },
        ),
    ];
    c
}

#[wasm_bindgen_test]
async fn form_data_reads_back_as_the_parts() {
    let c = sample();
    let parts = encode::parts(&c);
    let form = form_data::form_data(&parts).expect("form data");
    // The JSON part is a plain string field.
    let metadata = form.get("metadata");
    assert_eq!(
        metadata.as_string().as_deref(),
        Some(encode::compact(&c).as_str())
    );
    for part in parts.iter().skip(1) {
        let file: web_sys::File = form
            .get(&part.name)
            .dyn_into()
            .expect("module parts are files");
        assert_eq!(file.name(), *part.filename.as_ref().unwrap());
        assert_eq!(Some(file.type_()), part.content_type.clone());
        assert_eq!(file.size() as usize, part.size());
        let bytes = files::read_bytes(&file).await.expect("read back");
        assert_eq!(bytes, part.body, "bytes of {}", part.name);
    }
    assert_eq!(
        parts[3].content_type.as_deref(),
        Some(ModuleKind::Wasm.content_type())
    );
}

#[wasm_bindgen_test]
async fn settings_form_has_only_the_settings_part() {
    let mut c = sample();
    c.request.operation = bindery::model::Operation::Settings;
    let form = form_data::form_data(&encode::parts(&c)).unwrap();
    assert!(form.get("settings").as_string().is_some());
    assert!(form.get("metadata").is_null());
    assert!(form.get("index.js").is_null());
}

#[wasm_bindgen_test]
async fn reads_a_file_byte_for_byte() {
    let bytes: Vec<u8> = (0..=255u8).chain([0, 13, 10, 0xff]).collect();
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let file = web_sys::File::new_with_u8_array_sequence(&array, "blob.bin").unwrap();
    assert_eq!(files::read_bytes(&file).await.unwrap(), bytes);
    let read = files::read_all(vec![file]).await.unwrap();
    assert_eq!(read, vec![("blob.bin".to_string(), bytes)]);
}

fn local_storage_text() -> String {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut all = String::new();
    for i in 0..storage.length().unwrap() {
        let key = storage.key(i).unwrap().unwrap();
        all.push_str(&key);
        all.push_str(&storage.get_item(&key).unwrap().unwrap_or_default());
    }
    all
}

#[wasm_bindgen_test]
fn storage_never_holds_a_secret() {
    storage::clear();
    let c = sample();
    assert_eq!(storage::save(&c), Ok(storage::Saved::Complete));
    let stored = local_storage_text();
    assert!(
        stored.contains("USER_KV") && stored.contains("API_TOKEN"),
        "{stored}"
    );
    for secret in [
        "s3cr3t-value-never-stored",
        "a2V5LW1hdGVyaWFsLW5ldmVyLXN0b3JlZA==",
    ] {
        assert!(!stored.contains(secret), "secret {secret} stored");
    }
    let back = storage::load().unwrap().expect("saved");
    assert_eq!(back, c.redacted());
    assert_eq!(back.modules, c.modules, "module bytes survive a reload");
    storage::clear();
    assert_eq!(storage::load(), Ok(None));
}

#[wasm_bindgen_test]
fn unreadable_storage_is_reported() {
    let storage_area = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage_area.set_item(storage::KEY, "{not json").unwrap();
    let err = storage::load().unwrap_err();
    assert!(err.contains("could not be read"), "{err}");
    storage::clear();
}

#[wasm_bindgen_test]
fn catalog_covers_every_binding_type_with_working_fields() {
    for type_name in KNOWN_BINDING_TYPES {
        let spec = catalog::lookup(type_name)
            .unwrap_or_else(|| panic!("{type_name} missing from the catalog"));
        let binding = Binding::new("X", BindingKind::empty(type_name));
        for field in spec.fields.iter().filter(|f| !f.key.contains('.')) {
            let sample = match field.input {
                catalog::Input::Text | catalog::Input::Secret => json!("v"),
                catalog::Input::Choice(choices) => json!(choices[0]),
                catalog::Input::Number => json!(5),
                catalog::Input::Bool => json!(true),
                catalog::Input::List => json!(["a", "b"]),
                catalog::Input::Json | catalog::Input::SecretJson => match field.key {
                    "props" | "outbound" | "key_jwk" | "algorithm" => json!({}),
                    _ => json!({"k": 1}),
                },
            };
            let edited = binding_with(&binding, field.key, Some(sample.clone()))
                .unwrap_or_else(|e| panic!("{type_name}.{}: {e}", field.key));
            assert_eq!(
                edited.to_json().get(field.key),
                Some(&sample),
                "{type_name}.{}",
                field.key
            );
        }
    }
    assert_eq!(
        catalog::TYPES.len(),
        KNOWN_BINDING_TYPES.len(),
        "no type listed twice or unknown"
    );
}

#[wasm_bindgen_test]
fn ratelimit_nested_fields_are_in_the_model() {
    let binding = Binding::new("RL", BindingKind::empty("ratelimit"));
    let edited = binding_with(
        &binding,
        "simple",
        Some(json!({"limit": 100, "period": 60})),
    )
    .unwrap();
    assert_eq!(
        edited.to_json()["simple"],
        json!({"limit": 100, "period": 60})
    );
}

#[wasm_bindgen_test]
fn state_updates_are_pure_and_derive_once() {
    let state = Rc::new(AppState::new(AppState::blank("2025-01-15"), "2025-01-15"));
    let state = state.reduce(Action::AddModules(vec![Module::inline(
        "worker.js",
        "export default {}",
    )]));
    assert_eq!(
        state.composition.metadata.main_module.as_deref(),
        Some("worker.js"),
        "first JS module becomes the entry"
    );
    assert_eq!(state.derived.parts.len(), 2);
    let state = state.reduce(Action::RenameModule(0, "index.js".into()));
    assert_eq!(
        state.composition.metadata.main_module.as_deref(),
        Some("index.js"),
        "entry follows a rename"
    );
    let state = state.reduce(Action::AddBinding("kv_namespace".into()));
    let revision = state.revision;
    let same = state
        .clone()
        .reduce(Action::MoveBinding { index: 0, up: true });
    assert!(Rc::ptr_eq(&same, &state), "a no-op keeps the state");
    assert_eq!(same.revision, revision);
    assert!(state.derived.metadata_pretty.contains("\"kv_namespace\""));
    assert_eq!(
        state.derived.curl,
        encode::command(&state.composition, &Default::default())
    );
    let state = state.reduce(Action::RemoveModule(0));
    assert_eq!(
        state.composition.metadata.main_module, None,
        "removing the entry clears it"
    );
    let state = state.reduce(Action::New);
    assert_eq!(*state.composition, AppState::blank("2025-01-15"));
}

#[wasm_bindgen_test]
fn ids_and_fallbacks_follow_finding_paths() {
    assert_eq!(
        ids::field_id("bindings[3].namespace_id"),
        "f-bindings-3-namespace_id"
    );
    assert_eq!(
        ids::field_id("metadata.compatibility_date"),
        "f-metadata-compatibility_date"
    );
    assert_eq!(
        ids::fallbacks("bindings[2].simple.period"),
        vec![
            "bindings[2].simple.period",
            "bindings[2].simple",
            "bindings[2]",
            "bindings"
        ]
    );
}

#[wasm_bindgen_test]
fn highlighting_escapes_and_marks_tokens() {
    let html = highlight::json_html(r#"{"a<b": "x\"</script>", "n": -1.5e3, "t": true}"#);
    assert!(
        html.contains(r#"<span class="j-key">&quot;a&lt;b&quot;</span>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<span class="j-str">&quot;x\&quot;&lt;/script&gt;&quot;</span>"#),
        "{html}"
    );
    assert!(html.contains(r#"<span class="j-num">-1.5e3</span>"#));
    assert!(html.contains(r#"<span class="j-lit">true</span>"#));
    assert!(!html.contains("</script>"));
}

#[wasm_bindgen_test]
fn import_accepts_compositions_and_explains_bad_files() {
    let c = sample();
    let text = serde_json::to_vec(&c).unwrap();
    assert_eq!(parse_composition(&text).unwrap(), c);
    assert!(parse_composition(b"{oops")
        .unwrap_err()
        .contains("not valid JSON"));
    assert!(parse_composition(br#"{"hello": 1}"#)
        .unwrap_err()
        .contains("not a Bindery composition"));
    let wrong = serde_json::to_value(&c).map(|mut v| {
        v["request"]["operation"] = Value::String("explode".into());
        v
    });
    let err = parse_composition(&serde_json::to_vec(&wrong.unwrap()).unwrap()).unwrap_err();
    assert!(err.contains("does not match"), "{err}");
}

#[wasm_bindgen_test]
fn json_view_replaces_only_changed_lines() {
    use bindery::app::json_view::{changed_range, lines_html};
    let old: Vec<String> = ["{", "  \"a\": 1,", "  \"b\": 2", "}"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        changed_range(&old, &["{", "  \"a\": 10,", "  \"b\": 2", "}"]),
        (1, 2, 2)
    );
    assert_eq!(
        changed_range(
            &old,
            &["{", "  \"a\": 1,", "  \"x\": 0,", "  \"b\": 2", "}"]
        ),
        (2, 2, 3)
    );
    assert_eq!(changed_range(&old, &["{", "}"]), (1, 3, 1));
    assert_eq!(
        changed_range(&old, &["{", "  \"a\": 1,", "  \"b\": 2", "}"]),
        (4, 4, 4)
    );
    let html = lines_html(&["{", "}"], true);
    assert_eq!(
        html,
        "<span class=\"l\">{\n</span><span class=\"l\">}</span>"
    );
}

#[wasm_bindgen_test]
async fn json_view_text_matches_after_edits() {
    // The real component in the page: its text is always exactly the JSON it was given.
    use bindery::app::json_view::JsonView;
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct Props {
        text: AttrValue,
    }
    #[function_component]
    fn Host(props: &Props) -> Html {
        html! { <JsonView id="jv" text={props.text.clone()} /> }
    }

    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let texts = [
        "{\n  \"a\": 1,\n  \"b\": \"<x>\"\n}",
        "{\n  \"a\": 12,\n  \"b\": \"<x>\"\n}",
        "{\n  \"a\": 12,\n  \"b\": \"<x>\",\n  \"c\": [\n    true\n  ]\n}",
        "{\n  \"b\": \"<x>\"\n}",
        "[]",
    ];
    let mut app = yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        Props {
            text: texts[0].into(),
        },
    )
    .render();
    for text in texts {
        app.update(Props { text: text.into() });
        gloo_timers::future::TimeoutFuture::new(20).await;
        let pre = document.get_element_by_id("jv").unwrap();
        assert_eq!(pre.text_content().unwrap(), text);
        assert_eq!(pre.child_element_count() as usize, text.split('\n').count());
    }
    app.destroy();
}

#[wasm_bindgen_test]
fn sizes_and_word_lists_read_naturally() {
    use bindery::app::fields::{size_text, words};
    assert_eq!(size_text(0), "0 B");
    assert_eq!(size_text(1023), "1023 B");
    assert_eq!(size_text(1024), "1.0 KB");
    assert_eq!(size_text(12_595), "12.3 KB");
    assert_eq!(size_text(4 * 1024 * 1024 + 52_429), "4.1 MB");
    assert_eq!(
        words("nodejs_compat, streams_enable_constructors\n x"),
        vec!["nodejs_compat", "streams_enable_constructors", "x"]
    );
    assert!(words(" , ").is_empty());
}

// ---- Live account: resource lists, deployed settings, the diff's resolutions ----

use bindery::app::browser::api::{read_deployed, settings_url, Deployed};
use bindery::app::browser::xhr::Reply;
use bindery::app::live::{ListKey, LiveAction, LiveState, ScriptKey, Token};
use bindery::app::resources::{matching, parse_accounts, Next, Resource, ResourceKind};
use bindery::diff::{CurrentSettings, Resolution};
use bindery::model::{Operation, Target};

#[wasm_bindgen_test]
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
}

#[wasm_bindgen_test]
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

#[wasm_bindgen_test]
fn deployed_settings_are_read_or_reported_missing() {
    let mut c = sample();
    assert_eq!(
        settings_url(&c.request),
        "/client/v4/accounts/0123456789abcdef0123456789abcdef/workers/scripts/my-worker/settings"
    );
    c.request.target = Target::Dispatch;
    c.request.dispatch_namespace = "prod".into();
    assert!(settings_url(&c.request)
        .ends_with("/workers/dispatch/namespaces/prod/scripts/my-worker/settings"));

    let reply = |status: u16, body: Value| Reply {
        status,
        body: body.to_string(),
    };
    let found = reply(
        200,
        json!({"success": true, "errors": [], "result": {
        "bindings": [{"type": "kv_namespace", "name": "USER_KV", "namespace_id": "ns1"}],
        "compatibility_date": "2024-06-01"}}),
    );
    match read_deployed(&found) {
        Deployed::Found(current) => assert_eq!(current.bindings[0].name, "USER_KV"),
        other => panic!("{other:?}"),
    }
    let missing = reply(
        404,
        json!({"success": false, "errors": [{"code": 10007, "message": "workers.api.error.script_not_found"}]}),
    );
    assert_eq!(read_deployed(&missing), Deployed::Missing);
    let missing_code = reply(
        400,
        json!({"success": false, "errors": [{"code": 10007, "message": "not found"}]}),
    );
    assert_eq!(read_deployed(&missing_code), Deployed::Missing);
    match read_deployed(&reply(
        403,
        json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]}),
    )) {
        Deployed::Failed(message) => assert_eq!(message, "HTTP 403: Authentication error (10000)"),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
fn the_live_session_forgets_everything_with_a_new_token() {
    let live = Rc::new(LiveState::default());
    let live = live.reduce(LiveAction::SetToken("t1".into()));
    assert!(
        !format!("{live:?}").contains("t1"),
        "the token shows in a debug print"
    );
    let key = ListKey {
        account_id: "a".into(),
        kind: ResourceKind::Kv,
        jurisdiction: String::new(),
    };
    let live = live.reduce(LiveAction::List(
        key.clone(),
        bindery::app::live::Fetch::Ready(vec![]),
    ));
    let live = live.reduce(LiveAction::Created(
        key.clone(),
        Resource {
            label: "users".into(),
            value: "id".into(),
        },
    ));
    assert_eq!(
        live.lists.get(&key),
        Some(&bindery::app::live::Fetch::Ready(vec![Resource {
            label: "users".into(),
            value: "id".into()
        }]))
    );
    let c = sample();
    let live = live.reduce(LiveAction::Deployed(
        ScriptKey::of(&c.request),
        bindery::app::live::Fetch::Ready(Deployed::Missing),
    ));
    assert!(live.deployed_for(&c.request).is_some());
    let mut other = c.request.clone();
    other.script_name = "another".into();
    assert!(
        live.deployed_for(&other).is_none(),
        "settings of one script shown for another"
    );
    let same = live.clone().reduce(LiveAction::SetToken("t1".into()));
    assert!(Rc::ptr_eq(&live, &same));
    let live = live.reduce(LiveAction::SetToken("t2".into()));
    assert!(live.lists.is_empty() && live.deployed.is_none() && live.accounts.is_none());

    // An answer read with the old token arrives late: dropped. One for the current token: kept.
    let accounts = |id: &str| {
        let list = vec![bindery::app::resources::Account {
            id: id.into(),
            name: id.into(),
        }];
        Box::new(LiveAction::Accounts(bindery::app::live::Fetch::Ready(list)))
    };
    let live = live.reduce(LiveAction::Answered(Token::new("t1"), accounts("old")));
    assert!(
        live.accounts.is_none(),
        "an answer for an old token was applied"
    );
    let live = live.reduce(LiveAction::Answered(Token::new("t2"), accounts("new")));
    assert!(
        matches!(&live.accounts, Some(bindery::app::live::Fetch::Ready(list)) if list[0].id == "new")
    );
}

#[wasm_bindgen_test]
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
    let state = Rc::new(AppState::new(c, "2025-01-15"));
    let state = state.reduce(Action::SetOperation(Operation::Settings));
    let resolve = |state: Rc<AppState>, name: &str, how| {
        state.reduce(Action::Resolve {
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

    // Load from account: without modules a settings PATCH; with them, the code is kept.
    let loaded = state.clone().reduce(Action::LoadDeployed {
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
    let kept = state.reduce(Action::LoadDeployed {
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

#[wasm_bindgen_test]
fn the_preview_masks_secrets_but_the_wire_json_keeps_them() {
    use bindery::app::state::{masked_metadata, SECRET_MASK};
    let mut c = sample();
    c.metadata.bindings.truncate(1);
    assert_eq!(masked_metadata(&c), None, "nothing to mask without secrets");
    c.metadata.bindings = vec![
        Binding::new(
            "API_KEY",
            BindingKind::SecretText {
                text: "hunter2-secret".into(),
            },
        ),
        Binding::from_json(
            json!({"type": "secret_key", "name": "SIGNING", "format": "raw",
                   "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"],
                   "key_base64": "c2VjcmV0LWtleS1ieXRlcw=="})
            .as_object()
            .unwrap()
            .clone(),
        )
        .unwrap(),
        Binding::new(
            "EMPTY",
            BindingKind::SecretText {
                text: String::new(),
            },
        ),
    ];
    let state = AppState::new(c.clone(), "2025-01-15");
    let d = &state.derived;
    assert_eq!(
        d.metadata_pretty.as_str(),
        encode::pretty(&c),
        "the real wire JSON"
    );
    assert!(
        d.curl_text.contains("hunter2-secret"),
        "the curl keeps the value"
    );
    let masked = d.metadata_masked.as_deref().expect("a masked display");
    assert!(!masked.contains("hunter2-secret") && !masked.contains("c2VjcmV0"));
    // Everything but the secret values is the wire JSON.
    let mut expected: Value = serde_json::from_str(&d.metadata_pretty).unwrap();
    expected["bindings"][0]["text"] = json!(SECRET_MASK);
    expected["bindings"][1]["key_base64"] = json!(SECRET_MASK);
    assert_eq!(serde_json::from_str::<Value>(masked).unwrap(), expected);
    assert_eq!(
        serde_json::to_string_pretty(&expected).unwrap(),
        masked,
        "same order and layout as the wire JSON"
    );
}

#[wasm_bindgen_test]
fn api_errors_show_under_fields_until_the_composition_changes() {
    use bindery::rules::{Finding, Level};
    let state = Rc::new(AppState::new(sample(), "2025-01-15"));
    let rules = state.derived.findings.len();
    let api = Finding {
        level: Level::Error,
        rule: "api-error",
        at: "metadata.main_module".into(),
        message: "API error 10021: no such module".into(),
    };
    let state = state.reduce(Action::ApiFindings(vec![api.clone()]));
    assert_eq!(state.field_findings.len(), rules + 1);
    assert_eq!(state.field_findings.last(), Some(&api));
    assert_eq!(
        state.derived.findings.len(),
        rules,
        "the checks list keeps rule findings only"
    );
    // A new response replaces them; a change to the composition drops them.
    let state = state.reduce(Action::ApiFindings(vec![api.clone(), api]));
    assert_eq!(state.field_findings.len(), rules + 2);
    let state = state.reduce(Action::SetScriptName("other".into()));
    assert!(state.api_findings.is_empty());
    assert_eq!(state.field_findings, state.derived.findings);
}

#[wasm_bindgen_test]
fn findings_are_grouped_per_binding_in_one_pass() {
    use bindery::app::state::findings_per_binding;
    use bindery::rules::{Finding, Level};
    let at = |at: &str| Finding {
        level: Level::Warning,
        rule: "r",
        at: at.into(),
        message: at.into(),
    };
    let findings = [
        at("bindings[0]"),
        at("bindings[1].namespace_id"),
        at("bindings[10].name"),
        at("bindings[1]x"),
        at("metadata.bindings"),
        at("bindings[7]"),
        at("bindings[0].simple.limit"),
    ];
    let grouped = findings_per_binding(&findings, 3);
    let ats: Vec<Vec<&str>> = grouped
        .iter()
        .map(|list| list.iter().map(|f| f.at.as_str()).collect())
        .collect();
    assert_eq!(
        ats,
        [
            vec!["bindings[0]", "bindings[0].simple.limit"],
            vec!["bindings[1].namespace_id"],
            vec![],
        ]
    );
}
