//! Browser-side pieces of the app, run in headless Chromium by wasm-bindgen-test-runner:
//! FormData built from the model, file reading, storage that never holds a secret, the preview's
//! JSON view in a real page, and the form catalog. The app's state machine and parsers are in
//! the core (`editor`) and tested on the host.
#![cfg(target_arch = "wasm32")]

use bindery::app::browser::{files, form_data, storage};
use bindery::editor::edit::binding_with;
use bindery::editor::Editor;
use bindery::encode;
use bindery::model::catalog;
use bindery::model::{Binding, BindingKind, Composition, Module, ModuleKind, KNOWN_BINDING_TYPES};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn sample() -> Composition {
    let mut c = Editor::blank("2025-01-15");
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
    ]
    .into();
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
        for field in spec.form_fields().filter(|f| !f.key.contains('.')) {
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
async fn json_view_text_matches_after_edits() {
    // The real component in the page: its text is always exactly the JSON it was given.
    use bindery::app::json_view::JsonView;
    use bindery::editor::highlight::CHUNK_LINES;
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
        assert_eq!(
            pre.child_element_count() as usize,
            text.split('\n').count().div_ceil(CHUNK_LINES)
        );
    }
    // A long text: an edit of one line replaces one block, and the text stays exact.
    let long: String = (0..5 * CHUNK_LINES)
        .map(|i| format!("  \"k{i}\": {i},\n"))
        .collect();
    for text in [long.clone(), long.replace("\"k99\": 99", "\"k99\": \"x\"")] {
        app.update(Props {
            text: text.clone().into(),
        });
        gloo_timers::future::TimeoutFuture::new(20).await;
        let pre = document.get_element_by_id("jv").unwrap();
        assert_eq!(pre.text_content().unwrap(), text);
        assert_eq!(pre.child_element_count() as usize, 5);
    }
    app.destroy();
}

#[wasm_bindgen_test]
async fn an_importer_that_cannot_load_answers_each_request_with_why_and_is_tried_again() {
    use bindery::app::browser::worker;
    use bindery::editor::import::{ImportReply, ImportRequest};
    // The test page has no import worker beside it (the app's dist has): its script is missing.
    for _ in 0..2 {
        let id = worker::next_id();
        let reply = worker::ask(ImportRequest::Curl {
            id,
            text: "curl https://api.cloudflare.com/client/v4/accounts/a/workers/scripts/w".into(),
            files: vec![("w.js".into(), vec![0, 1, 2])],
        })
        .await;
        match reply {
            ImportReply::Failed { id: got, message } => {
                assert_eq!(got, id);
                assert!(message.contains("could not be loaded"), "{message}");
            }
            other => panic!("a failure: {other:?}"),
        }
        assert!(!worker::is_ready());
    }
}
