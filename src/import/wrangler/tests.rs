use super::*;
use crate::import::files::MemFiles;
use serde_json::json;

fn assembled(text: &str, options: &WranglerOptions) -> Assembled {
    assemble(text, ConfigFormat::sniff(text), options, &NoFiles, None).unwrap()
}

fn metadata(text: &str) -> Value {
    Value::Object(assembled(text, &WranglerOptions::default()).metadata)
}

#[test]
fn the_seed_worker_is_what_wrangler_sends() {
    let text = r#"
name = "visit-counter"
main = "src/worker.js"
compatibility_date = "2024-06-01"
account_id = "023e105f4ecef8ad9ca31a8372d0c353"

[[kv_namespaces]]
binding = "USER_KV"
id = "0f2ac74b498b48028cb68387c421e279"
"#;
    let a = assembled(text, &WranglerOptions::default());
    assert_eq!(
        serde_json::to_string(&a.metadata).unwrap(),
        r#"{"main_module":"worker.js","bindings":[{"name":"USER_KV","type":"kv_namespace","namespace_id":"0f2ac74b498b48028cb68387c421e279"}],"compatibility_date":"2024-06-01","compatibility_flags":[],"code_update_strategy":{"mode":"deferred","max_delay":300},"keep_bindings":["secret_text","secret_key"]}"#
    );
    assert_eq!(a.request.script_name, "visit-counter");
    assert_eq!(a.request.account_id, "023e105f4ecef8ad9ca31a8372d0c353");
    assert!(a.request.bindings_inherit_strict);
    assert_eq!(a.modules[0].path.as_deref(), Some("src/worker.js"));
}

#[test]
fn jsonc_and_toml_give_the_same_upload() {
    let toml = "name = \"w\"\nmain = \"index.js\"\ncompatibility_flags = [\"nodejs_compat\"]\n[vars]\nA = \"x\"\n";
    let jsonc = "{\n // comment\n \"name\": \"w\", \"main\": \"index.js\",\n \"compatibility_flags\": [\"nodejs_compat\",],\n \"vars\": {\"A\": \"x\",},\n}";
    assert_eq!(metadata(toml), metadata(jsonc));
}

#[test]
fn the_top_level_order_is_wranglers() {
    let text = r#"{
        "name": "w", "main": "index.js",
        "unsafe": {"metadata": {"zzz": 1, "compatibility_date": "2099-01-01"}},
        "observability": {"enabled": true},
        "limits": {"cpu_ms": 10},
        "tail_consumers": [{"service": "t"}],
        "placement": {"mode": "smart"},
        "logpush": false,
        "keep_vars": true,
        "migrations": [{"tag": "v1", "new_sqlite_classes": ["Room"]}],
        "compatibility_date": "2024-01-01",
        "cache": {"enabled": true},
        "streaming_tail_consumers": [{"service": "s"}]
    }"#;
    let m = metadata(text);
    let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "main_module",
            "bindings",
            "compatibility_date",
            "compatibility_flags",
            "migrations",
            "code_update_strategy",
            "keep_bindings",
            "logpush",
            "placement",
            "tail_consumers",
            "streaming_tail_consumers",
            "limits",
            "observability",
            "cache_options",
            "zzz"
        ]
    );
    // unsafe.metadata overrides in place.
    assert_eq!(m["compatibility_date"], "2099-01-01");
    assert_eq!(
        m["keep_bindings"],
        json!(["plain_text", "json", "secret_text", "secret_key"])
    );
    assert_eq!(
        m["migrations"],
        json!({"new_tag": "v1", "steps": [{"new_sqlite_classes": ["Room"]}]})
    );
}

#[test]
fn migrations_after_the_deployed_tag() {
    let steps = json!([
        {"tag": "v1", "new_classes": ["A"]},
        {"tag": "v2", "renamed_classes": [{"from": "A", "to": "B"}]},
        {"tag": "v3", "deleted_classes": ["B"]}
    ]);
    let mut notes = Notes::default();
    assert_eq!(
        migrations(Some(&steps), Some("v1"), &mut notes),
        Some(
            json!({"old_tag": "v1", "new_tag": "v3", "steps": [{"renamed_classes": [{"from": "A", "to": "B"}]}, {"deleted_classes": ["B"]}]})
        )
    );
    assert_eq!(migrations(Some(&steps), Some("v3"), &mut notes), None);
    assert!(notes.is_empty());
    let all = migrations(Some(&steps), Some("gone"), &mut notes).unwrap();
    assert_eq!(all["old_tag"], "gone");
    assert_eq!(all["steps"].as_array().unwrap().len(), 3);
    assert_eq!(notes.into_findings()[0].rule, "wrangler-migration-tag");
    assert_eq!(
        migrations(Some(&json!([])), None, &mut Notes::default()),
        None
    );
}

#[test]
fn an_environment_gets_its_name_bindings_and_inherited_settings() {
    let text = r#"
name = "shop"
main = "index.js"
compatibility_date = "2024-06-01"
keep_vars = true
[vars]
MODE = "dev"
[[kv_namespaces]]
binding = "KV"
id = "dev-kv"
[env.production]
compatibility_flags = ["nodejs_compat"]
[env.production.vars]
MODE = "prod"
"#;
    let options = WranglerOptions {
        env: Some("production".into()),
        ..Default::default()
    };
    let a = assembled(text, &options);
    assert_eq!(a.request.script_name, "shop-production");
    let m = Value::Object(a.metadata);
    assert_eq!(
        m["bindings"],
        json!([{"name": "MODE", "type": "plain_text", "text": "prod"}])
    );
    assert_eq!(m["compatibility_date"], "2024-06-01");
    assert_eq!(m["compatibility_flags"], json!(["nodejs_compat"]));
    assert_eq!(
        m["keep_bindings"],
        json!(["plain_text", "json", "secret_text", "secret_key"])
    );
    let findings = a.notes.into_findings();
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "wrangler-not-inherited" && f.at == "import.kv_namespaces"),
        "{findings:?}"
    );
}

#[test]
fn placement_is_normalized_as_wrangler_does() {
    assert_eq!(placement(Some(&json!({"mode": "off"}))), None);
    assert_eq!(
        placement(Some(&json!({"mode": "smart", "hint": "wnam"}))),
        Some(json!({"mode": "smart", "hint": "wnam"}))
    );
    assert_eq!(
        placement(Some(&json!({"region": "aws:us-east-1"}))),
        Some(json!({"mode": "targeted", "region": "aws:us-east-1"}))
    );
    assert_eq!(
        placement(Some(
            &json!({"mode": "targeted", "host": "db.example.com:5432"})
        )),
        Some(json!({"mode": "targeted", "host": "db.example.com:5432"}))
    );
}

#[test]
fn code_update_strategy_follows_the_configuration() {
    let m = metadata(r#"{"durable_objects": {"code_update_strategy": {"mode": "immediate"}}}"#);
    assert_eq!(m["code_update_strategy"], json!({"mode": "immediate"}));
    let m = metadata(
        r#"{"durable_objects": {"code_update_strategy": {"mode": "deferred", "max_delay": 60}}}"#,
    );
    assert_eq!(
        m["code_update_strategy"],
        json!({"mode": "deferred", "max_delay": 60})
    );
}

#[test]
fn durable_object_exports_replace_migrations() {
    let m = metadata(
        r#"{
        "migrations": [{"tag": "v1", "new_classes": ["Room"]}],
        "exports": {"Room": {"type": "durable-object", "storage": "sqlite"}, "Api": {"type": "worker"}, "Flow": {"type": "workflow"}}
    }"#,
    );
    assert!(m.get("migrations").is_none());
    let names: Vec<&str> = m["exports"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["Api", "Room", "Flow"]);
}

#[test]
fn what_is_not_uploaded_is_named_with_the_reason() {
    let text = r#"
name = "w"
main = "index.js"
routes = ["example.com/*"]
workers_dev = false
[triggers]
crons = ["0 * * * *"]
[build]
command = "npm run build"
[site]
bucket = "./public"
[assets]
directory = "./dist"
binding = "ASSETS"
"#;
    let findings = assembled(text, &WranglerOptions::default())
        .notes
        .into_findings();
    let ats: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == "wrangler-not-uploaded")
        .map(|f| f.at.to_string())
        .collect();
    for at in [
        "import.routes",
        "import.triggers",
        "import.workers_dev",
        "import.build",
        "import.site",
        "import.assets",
    ] {
        assert!(ats.iter().any(|a| a == at), "{at} in {ats:?}");
    }
    // The assets binding itself is imported.
    let a = assembled(text, &WranglerOptions::default());
    assert_eq!(
        a.metadata["bindings"],
        json!([{"name": "ASSETS", "type": "assets"}])
    );
}

#[test]
fn service_worker_blobs_are_parts_read_from_the_folder() {
    let text = "name = \"sw\"\nmain = \"script.js\"\n[wasm_modules]\nADD = \"add.wasm\"\n[text_blobs]\nTEMPLATE = \"t.html\"\n";
    let project = MemFiles::new()
        .with(
            "script.js",
            "addEventListener('fetch', e => e.respondWith(new Response(TEMPLATE)))",
        )
        .with("add.wasm", vec![0u8, 97, 115, 109])
        .with("t.html", "<p>hi</p>");
    let imported = import(
        text,
        ConfigFormat::Toml,
        &WranglerOptions::default(),
        &project,
        None,
    )
    .unwrap();
    let c = &imported.composition;
    assert_eq!(c.metadata.body_part.as_deref(), Some("script.js"));
    let parts: Vec<(&str, ModuleKind, usize)> = c
        .modules
        .iter()
        .map(|m| (m.name.as_str(), m.kind, m.bytes.len()))
        .collect();
    assert_eq!(
        parts,
        [
            ("ADD", ModuleKind::Wasm, 4),
            ("TEMPLATE", ModuleKind::Text, 9),
            ("script.js", ModuleKind::Commonjs, 69)
        ]
    );
}

#[test]
fn hostile_paths_in_a_configuration_read_nothing_outside_the_folder() {
    let text = "name = \"x\"\nmain = \"../../etc/passwd\"\n[wasm_modules]\nW = \"/etc/shadow\"\n[data_blobs]\nD = \"..\\\\..\\\\secret\"\n";
    struct Spy(std::cell::RefCell<Vec<String>>);
    impl Files for Spy {
        fn read(&self, path: &RelPath) -> Result<Vec<u8>, crate::import::files::FileError> {
            self.0.borrow_mut().push(path.as_str().to_string());
            Err(crate::import::files::FileError::NotFound)
        }
        fn list(&self, _: &RelPath) -> Result<Vec<RelPath>, crate::import::files::FileError> {
            Ok(Vec::new())
        }
    }
    let spy = Spy(Default::default());
    let imported = import(
        text,
        ConfigFormat::Toml,
        &WranglerOptions::default(),
        &spy,
        None,
    )
    .unwrap();
    // Only the project's own package.json was asked for; no hostile path reached the reader.
    assert_eq!(*spy.0.borrow(), ["package.json"]);
    let outside = imported
        .findings
        .iter()
        .filter(|f| f.message.contains("leaves the folder") || f.message.contains("absolute path"))
        .count();
    assert_eq!(outside, 3, "{:?}", imported.findings);
}

#[test]
fn text_alone_imports_with_placeholders_and_never_panics() {
    let imported = import_text("name = \"w\"\nmain = \"src/index.ts\"\n").unwrap();
    assert_eq!(imported.composition.modules[0].name, "index.ts");
    assert!(imported.composition.modules[0].bytes.is_empty());
    for text in [
        "",
        "{}",
        "[env]",
        "env = 1",
        "vars = []",
        "[[kv_namespaces]]",
        "migrations = \"x\"",
        "{\"unsafe\": {\"bindings\": [1, {\"type\": 2}]}}",
        "{\"env\": {\"a\": []}}",
    ] {
        let _ = import_text(text);
    }
    assert!(import_text("name = ").is_err());
}
