//! Every binding type of the catalog (`model::catalog`), walked through every layer that reads
//! it: the model, the form's edits, the required-field rule, the diff's sentences, the
//! redaction of write-only values (storage, preview, sandbox), the sandbox's checks, the error
//! explanations and the wrangler configuration export and import.
//!
//! Nothing here names a binding type: the samples are made from each field's catalog entry
//! (its input, whether it is required, the resource it names), so a type added to the catalog
//! is walked through every layer as soon as it is declared, and a layer that keeps a table of
//! its own fails here.

use bindery::diff::{self, binding_subject, type_label, CurrentSettings};
use bindery::editor::edit::{binding_value, edit_binding, BindingEdit};
use bindery::editor::resources::ResourceKind;
use bindery::encode::{self, CurlOptions, SECRET_MASK};
use bindery::explain::explain_error;
use bindery::import::wrangler::import_text;
use bindery::model::catalog::{self, FieldSpec, Input, Resource, TypeSpec};
use bindery::model::{
    Binding, BindingKind, Composition, Module, ModuleKind, Operation, CATALOG, KNOWN_BINDING_TYPES,
};
use bindery::rules::{self, Level};
use bindery::server::sandbox::bindings::{check_binding, redacted};
use bindery::server::sandbox::state::State;
use bindery::server::sandbox::state::{
    D1Database, DispatchNamespace, KvNamespace, Queue, R2Bucket,
};
use serde_json::{json, Map, Value};

const NAME: &str = "BOUND";
const ID: &str = "0123456789abcdef0123456789abcdef";
const UUID: &str = "6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// A value the form could produce for a field, one the rules find well-formed. Values are
/// chosen by the field's input and name only, never by binding type.
fn sample(spec: &TypeSpec, field: &FieldSpec) -> Value {
    let member = field.key.rsplit('.').next().unwrap_or(field.key);
    match field.input {
        Input::Choice(choices) => json!(choices[0]),
        Input::Number if member == "period" => json!(60),
        Input::Number => json!(10),
        Input::Bool => json!(true),
        Input::List if member == "usages" => json!(["sign", "verify"]),
        Input::List => json!(["ops@example.com"]),
        Input::Secret if member.starts_with("key_") => json!("c2VjcmV0IGtleSBieXRlcw=="),
        Input::Secret => json!("s3cr3t value"),
        Input::SecretJson => json!({"kty": "oct", "k": "c2VjcmV0"}),
        Input::Json if member == "algorithm" => json!({"name": "HMAC", "hash": "SHA-256"}),
        Input::Json if member == "outbound" => json!({"worker": {"service": "outbound-worker"}}),
        Input::Json => json!({"k": 1}),
        Input::Text => {
            let text = match member {
                m if m.ends_with("address") => "ops@example.com",
                "class_name" => "Counter",
                "network_id" => "cf1:network",
                "namespace_id" if spec.type_name == "ratelimit" => "1001",
                _ if field.resource == Some(Resource::D1Database) => UUID,
                "tunnel_id" => UUID,
                _ if field.resource.is_some() || member.ends_with("id") => ID,
                _ => "sample-value",
            };
            json!(text)
        }
    }
}

/// The fields a well-formed binding fills: the required ones and the first of each set of
/// alternatives; a write-only field too, when the type has one (key material needs one).
fn filled(spec: &TypeSpec) -> Vec<&'static FieldSpec> {
    let first_secret = spec.form_fields().find(|f| f.write_only());
    spec.form_fields()
        .filter(|f| {
            f.required
                || spec.one_of.iter().any(|group| group.fields[0] == f.key)
                || first_secret.is_some_and(|s| s.key == f.key)
        })
        .collect()
}

/// A well-formed binding of the type, made through the form's edits.
fn well_formed(spec: &TypeSpec) -> Binding {
    let mut binding = Binding::new(NAME, BindingKind::empty(spec.type_name));
    for field in filled(spec) {
        let edit = BindingEdit::Field {
            key: field.key.to_string(),
            value: Some(sample(spec, field)),
        };
        binding = edit_binding(&binding, &edit)
            .unwrap_or_else(|e| panic!("{}.{}: {e}", spec.type_name, field.key));
    }
    binding
}

/// A binding's wire object with the field at `key` (a member key reaches into its object) taken
/// out or replaced.
fn wire_with(binding: &Binding, key: &str, value: Option<Value>) -> Map<String, Value> {
    let mut object = binding.to_json();
    let (parent, member) = match key.split_once('.') {
        Some((parent, member)) => (Some(parent), member),
        None => (None, key),
    };
    let target = match parent {
        Some(parent) => object
            .get_mut(parent)
            .and_then(Value::as_object_mut)
            .expect("a member's object"),
        None => &mut object,
    };
    match value {
        Some(value) => target.insert(member.to_string(), value),
        None => target.shift_remove(member),
    };
    object
}

/// An upload with these bindings: module syntax, or service-worker syntax with the parts they
/// bind when one is of a legacy (service-worker only) type.
fn upload_with(bindings: Vec<Binding>) -> Composition {
    let legacy = bindings.iter().any(|b| {
        catalog::lookup(b.type_name()).is_some_and(|spec| spec.group == catalog::Group::Legacy)
    });
    let mut c = module_upload_with(bindings);
    if legacy {
        c.metadata.main_module = None;
        c.metadata.body_part = Some("worker.js".into());
        let mut script = Module::inline(
            "worker.js",
            "addEventListener('fetch', e => e.respondWith(new Response(String(BOUND))))",
        );
        script.kind = ModuleKind::Commonjs;
        c.modules = vec![script, Module::inline("sample-value", "bound part")];
    }
    c
}

fn module_upload_with(bindings: Vec<Binding>) -> Composition {
    let mut c = Composition::default();
    c.request.account_id = ID.into();
    c.request.script_name = "catalog-walk".into();
    c.request.operation = Operation::Upload;
    c.metadata.main_module = Some("index.js".into());
    c.metadata.compatibility_date = Some("2025-06-01".into());
    c.metadata.bindings = bindings.into();
    c.modules.push(Module::inline(
        "index.js",
        "export class Counter {}\nexport default { fetch(request, env) { return new Response(String(env.BOUND)) } }",
    ));
    c
}

/// The errors the rules find at the binding.
fn binding_errors(c: &Composition) -> Vec<rules::Finding> {
    rules::check(c)
        .into_iter()
        .filter(|f| f.level == Level::Error && f.at.binding_index() == Some(0))
        .collect()
}

/// A sandbox account that has every resource the samples name.
fn sandbox_state() -> State {
    let mut state = State::default();
    for spec in CATALOG {
        for field in spec.form_fields() {
            let Some(value) = sample(spec, field).as_str().map(String::from) else {
                continue;
            };
            match field.resource {
                Some(Resource::KvNamespace) => state.kv_namespaces.push(KvNamespace {
                    id: value,
                    title: "walk".into(),
                }),
                Some(Resource::R2Bucket) => state.r2_buckets.push(R2Bucket {
                    name: value,
                    jurisdiction: "default".into(),
                    creation_date: String::new(),
                    location: None,
                    storage_class: "Standard".into(),
                }),
                Some(Resource::D1Database) => state.d1_databases.push(D1Database {
                    uuid: value,
                    name: "walk".into(),
                    created_at: String::new(),
                }),
                Some(Resource::Queue) => state.queues.push(Queue {
                    queue_id: ID.into(),
                    queue_name: value,
                    created_on: String::new(),
                }),
                Some(Resource::DispatchNamespace) => {
                    state.dispatch_namespaces.push(DispatchNamespace {
                        namespace_id: ID.into(),
                        namespace_name: value,
                        created_on: String::new(),
                    })
                }
                _ => {}
            }
        }
    }
    state
}

#[test]
fn the_catalog_has_one_entry_per_model_type_and_each_entry_is_complete() {
    let names: Vec<&str> = CATALOG.iter().map(|spec| spec.type_name).collect();
    assert_eq!(names, KNOWN_BINDING_TYPES);
    for spec in CATALOG {
        let t = spec.type_name;
        assert_eq!(catalog::lookup(t), Some(spec));
        assert_eq!(BindingKind::empty(t).type_name(), t);
        for text in [spec.label, spec.noun, spec.help] {
            assert!(!text.trim().is_empty(), "{t}: a label, noun and help");
        }
        let keys: Vec<&str> = spec.form_fields().map(|f| f.key).collect();
        for (i, key) in keys.iter().enumerate() {
            assert!(!key.is_empty() && !keys[..i].contains(key), "{t}.{key}");
        }
        for field in spec.form_fields() {
            assert!(!field.help.trim().is_empty(), "{t}.{}: help", field.key);
            assert!(!field.empty_ok || field.required, "{t}.{}", field.key);
        }
        for group in spec.one_of {
            for key in group.fields {
                let field = spec.field(key).unwrap_or_else(|| panic!("{t}: {key}"));
                assert!(
                    !field.required,
                    "{t}.{key}: an alternative is not required alone"
                );
            }
        }
    }
    assert!(catalog::lookup("hologram").is_none());
    for name in catalog::MOST_USED {
        assert!(catalog::lookup(name).is_some(), "{name}");
    }
}

#[test]
fn the_form_sets_every_field_of_every_type_in_the_model() {
    for spec in CATALOG {
        let empty = Binding::new(NAME, BindingKind::empty(spec.type_name));
        for field in spec.form_fields() {
            let value = sample(spec, field);
            let edit = BindingEdit::Field {
                key: field.key.to_string(),
                value: Some(value.clone()),
            };
            let edited = edit_binding(&empty, &edit)
                .unwrap_or_else(|e| panic!("{}.{}: {e}", spec.type_name, field.key));
            assert_eq!(
                binding_value(&edited, field.key),
                Some(value),
                "{}.{}",
                spec.type_name,
                field.key
            );
            assert_eq!(edited.type_name(), spec.type_name);
        }
    }
}

#[test]
fn a_well_formed_binding_of_every_type_has_no_error() {
    for spec in CATALOG {
        let c = upload_with(vec![well_formed(spec)]);
        assert_eq!(binding_errors(&c), vec![], "{}", spec.type_name);
    }
}

#[test]
fn every_required_field_left_out_gives_the_required_field_error_at_that_field() {
    for spec in CATALOG {
        let binding = well_formed(spec);
        let mut left_out: Vec<(&str, &str)> = spec
            .form_fields()
            .filter(|f| f.required && !f.empty_ok)
            .map(|f| (f.key, f.key))
            .collect();
        // A set of alternatives with none given is reported at its first field.
        left_out.extend(spec.one_of.iter().map(|g| (g.fields[0], g.fields[0])));
        for (key, at) in left_out {
            let without = Binding::from_json(wire_with(&binding, key, None)).unwrap();
            let errors = binding_errors(&upload_with(vec![without]));
            let place = format!("bindings[0].{at}");
            // A member the model reads as 0 when left out (a rate limit's `simple.limit`) gets
            // its own rule's error there.
            let member_number =
                key.contains('.') && spec.field(key).is_some_and(|f| f.input == Input::Number);
            assert!(
                errors.iter().any(|f| f.at.to_string() == place
                    && (f.rule == "binding-field-missing" || member_number)),
                "{}: without {key}: {errors:?}",
                spec.type_name
            );
        }
    }
}

#[test]
fn the_diff_names_every_type_by_its_catalog_noun() {
    let nothing = CurrentSettings::parse(&json!({"bindings": []})).unwrap();
    for spec in CATALOG {
        assert_eq!(type_label(spec.type_name), spec.noun);
        let subject = binding_subject(spec.type_name, NAME);
        assert!(subject.starts_with(spec.noun), "{subject}");
        let added = diff::diff(&nothing, &upload_with(vec![well_formed(spec)])).describe();
        // "… will be added" (an inherited one says what it copies instead).
        assert!(
            added.iter().any(|s| s.starts_with(&subject)),
            "{}: {added:?}",
            spec.type_name
        );
        let deployed = Value::Array(vec![Value::Object(redacted_wire(spec))]);
        let current = CurrentSettings::parse(&json!({ "bindings": deployed })).unwrap();
        let removed = diff::diff(&current, &upload_with(vec![])).describe();
        assert!(
            removed.iter().any(|s| s.starts_with(&subject)),
            "{}: {removed:?}",
            spec.type_name
        );
    }
}

/// A well-formed binding as the API shows it back (write-only values left out).
fn redacted_wire(spec: &TypeSpec) -> Map<String, Value> {
    match redacted(&Value::Object(well_formed(spec).to_json())) {
        Value::Object(map) => map,
        other => panic!("{other}"),
    }
}

#[test]
fn write_only_values_are_redacted_in_storage_the_preview_and_the_sandbox_and_nothing_else_is() {
    for spec in CATALOG {
        let t = spec.type_name;
        let mut binding = well_formed(spec);
        for field in spec.form_fields().filter(|f| f.write_only()) {
            let edit = BindingEdit::Field {
                key: field.key.to_string(),
                value: Some(sample(spec, field)),
            };
            binding = edit_binding(&binding, &edit).unwrap();
        }
        let wire = binding.to_json();
        let secret = |key: &str| spec.field(key).is_some_and(|f| f.write_only());
        let c = upload_with(vec![binding.clone()]);
        assert_eq!(c.has_secret_values(), spec.holds_secret(), "{t}");

        // Storage: write-only values are gone, the rest is kept.
        let stored = c.redacted().metadata.bindings[0].to_json();
        for (key, value) in &wire {
            match stored.get(key) {
                _ if !secret(key) => assert_eq!(stored.get(key), Some(value), "{t}.{key}"),
                None => {}
                Some(kept) => assert!(kept.as_str() == Some(""), "{t}.{key}: {kept}"),
            }
        }

        // The preview: masked, the rest shown.
        let preview = encode::preview(&c, &CurlOptions::default());
        let shown: Value =
            serde_json::from_str(preview.masked.as_deref().unwrap_or(&preview.pretty)).unwrap();
        let shown = &shown["bindings"][0];
        for (key, value) in &wire {
            let expected = if secret(key) {
                &json!(SECRET_MASK)
            } else {
                value
            };
            assert_eq!(&shown[key], expected, "{t}.{key}");
        }

        // The sandbox's answers: left out, the rest shown.
        let answered = redacted(&Value::Object(wire.clone()));
        for (key, value) in &wire {
            let expected = (!secret(key)).then_some(value);
            assert_eq!(answered.get(key), expected, "{t}.{key}");
        }
    }
}

#[test]
fn the_sandbox_accepts_a_well_formed_binding_of_every_type_and_refuses_a_malformed_one() {
    let state = sandbox_state();
    for spec in CATALOG {
        let t = spec.type_name;
        if t == "inherit" {
            continue; // resolved against earlier versions, never checked on its own
        }
        let binding = well_formed(spec);
        let wire = Value::Object(binding.to_json());
        if let Err(e) = check_binding(&wire, 0, &state) {
            panic!("{t}: {} {}", e.code, e.message);
        }
        let mut malformed: Vec<(String, Map<String, Value>)> = Vec::new();
        for field in spec.form_fields().filter(|f| f.required) {
            malformed.push((
                format!("without {}", field.key),
                wire_with(&binding, field.key, None),
            ));
        }
        for group in spec.one_of {
            let mut object = binding.to_json();
            for key in group.fields {
                object.shift_remove(*key);
            }
            malformed.push((format!("without any of {:?}", group.fields), object));
        }
        for field in filled(spec) {
            let wrong = match field.input {
                Input::Json | Input::SecretJson => continue,
                Input::Number | Input::Bool => json!("seven"),
                _ => json!(7),
            };
            malformed.push((
                format!("{} of the wrong type", field.key),
                wire_with(&binding, field.key, Some(wrong)),
            ));
        }
        for field in filled(spec) {
            let missing_code = field.resource.and_then(Resource::missing_code);
            let kept = state_keeps(&state, field.resource);
            if let (Some(code), true) = (missing_code, kept) {
                let elsewhere = wire_with(&binding, field.key, Some(json!("not-in-this-account")));
                let error = check_binding(&Value::Object(elsewhere), 0, &state).unwrap_err();
                assert_eq!(
                    error.code as i64, code,
                    "{t}.{}: {}",
                    field.key, error.message
                );
            }
        }
        for (what, object) in malformed {
            let error =
                check_binding(&Value::Object(object), 0, &state).expect_err(&format!("{t} {what}"));
            assert_eq!(error.code, 10021, "{t} {what}: {}", error.message);
            assert!(error.message.contains(NAME), "{}", error.message);
        }
    }
    let unknown = json!({"type": "hologram", "name": NAME});
    assert_eq!(check_binding(&unknown, 0, &state).unwrap_err().code, 10021);
}

/// Whether the sandbox keeps resources of this kind (and so can say one is missing).
fn state_keeps(state: &State, resource: Option<Resource>) -> bool {
    match resource {
        Some(Resource::KvNamespace) => !state.kv_namespaces.is_empty(),
        Some(Resource::R2Bucket) => !state.r2_buckets.is_empty(),
        Some(Resource::D1Database) => !state.d1_databases.is_empty(),
        Some(Resource::Queue) => !state.queues.is_empty(),
        Some(Resource::DispatchNamespace) => !state.dispatch_namespaces.is_empty(),
        _ => false,
    }
}

#[test]
fn a_not_found_code_is_explained_at_the_field_naming_that_resource() {
    for spec in CATALOG {
        for field in filled(spec) {
            let Some(code) = field.resource.and_then(Resource::missing_code) else {
                continue;
            };
            let c = upload_with(vec![well_formed(spec)]);
            let message = format!("binding {NAME}: not found");
            let explained = explain_error(code, &message, &c);
            let at = explained.at.map(|at| at.to_string());
            assert_eq!(
                at.as_deref(),
                Some(format!("bindings[0].{}", field.key).as_str()),
                "{}.{} ({code})",
                spec.type_name,
                field.key
            );
            assert!(
                explained
                    .explanation
                    .contains(field.resource.unwrap().label()),
                "{}",
                explained.explanation
            );
        }
    }
}

#[test]
fn every_type_survives_the_wrangler_configuration_export_and_its_import() {
    for spec in CATALOG {
        let t = spec.type_name;
        if t == "inherit" {
            continue; // only meaningful against a deployed version; wrangler writes none
        }
        let binding = well_formed(spec);
        let exported = encode::wrangler::config(&upload_with(vec![binding.clone()]));
        let imported = import_text(&exported.text)
            .unwrap_or_else(|e| panic!("{t}: {e:?}\n{}", exported.text))
            .composition;
        if spec.holds_secret() {
            // Never written to the file (nor in `secrets.required`, which makes the real
            // wrangler refuse a Worker without the secret yet): the file says how to set it.
            assert!(
                !exported.text.contains(&format!("\"{NAME}\""))
                    && exported
                        .text
                        .contains(&format!("wrangler secret put {NAME}")),
                "{t}: {}",
                exported.text
            );
            continue;
        }
        let found: Vec<&Binding> = imported
            .metadata
            .bindings
            .iter()
            .filter(|b| b.name == NAME)
            .collect();
        // A service worker's wasm module, text or data blob: wrangler uploads the part under
        // the binding's name (the real wrangler does, see tests/wrangler_import.rs), and the
        // file says so.
        let mut expected = binding.clone();
        if let BindingKind::WasmModule { part }
        | BindingKind::TextBlob { part }
        | BindingKind::DataBlob { part } = &mut expected.kind
        {
            if part != NAME {
                assert!(
                    exported.text.contains(&format!("is sent as `{NAME}`")),
                    "{t}: {}",
                    exported.text
                );
                *part = NAME.to_string();
            }
        }
        assert_eq!(found, vec![&expected], "{t}:\n{}", exported.text);
    }
}

#[test]
fn every_type_wrangler_has_a_key_for_is_exported_under_that_key_and_not_through_unsafe() {
    let mut exported_natively = 0;
    for spec in CATALOG {
        let Some(key) = spec.wrangler else { continue };
        let t = spec.type_name;
        let binding = well_formed(spec);
        let wire = binding.to_json();
        let exported = encode::wrangler::config(&upload_with(vec![binding]));
        let config = jsonc_value(&exported.text);
        let section = &config[key.section];
        let entry = match key.layout {
            catalog::Layout::Table => section.clone(),
            catalog::Layout::List => section[0].clone(),
            catalog::Layout::Under(list) => section[list][0].clone(),
            catalog::Layout::Paths => json!({ key.name_key: NAME, "path": section[NAME] }),
        };
        assert!(
            entry[key.name_key] == NAME && config.get("unsafe").is_none(),
            "{t} is not under `{}`:\n{}",
            key.section,
            exported.text
        );
        // A field wrangler spells differently is written under its spelling only.
        for (wire_key, wrangler_key) in key.renames {
            if let Some(value) = wire.get(*wire_key) {
                assert_eq!(entry.get(*wrangler_key), Some(value), "{t}: {entry}");
                assert!(entry.get(*wire_key).is_none(), "{t}: {entry}");
            }
        }
        exported_natively += 1;
    }
    assert!(exported_natively >= 30, "{exported_natively}");
}

/// The exported file's object (its header is `//` comments).
fn jsonc_value(text: &str) -> Value {
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_resource_pickers_offer_what_the_catalog_says_a_field_names() {
    let mut offered = Vec::new();
    for spec in CATALOG {
        for field in spec.form_fields() {
            let picker = ResourceKind::for_field(spec.type_name, field.key);
            assert_eq!(
                picker,
                field.resource.and_then(ResourceKind::for_resource),
                "{}.{}",
                spec.type_name,
                field.key
            );
            offered.extend(picker);
        }
    }
    // Every resource the account lists is picked somewhere.
    for resource in Resource::ALL {
        if let Some(kind) = ResourceKind::for_resource(resource) {
            assert!(offered.contains(&kind), "{resource:?}");
        }
    }
}
