use super::*;
use crate::encode;
use crate::import::files::MemFiles;
use crate::model::BindingKind;

fn rules_of(imported: &Imported) -> Vec<(&'static str, String)> {
    imported
        .findings
        .iter()
        .map(|f| (f.rule, f.at.to_string()))
        .collect()
}

fn has(imported: &Imported, rule: &str, at: &str) -> bool {
    imported
        .findings
        .iter()
        .any(|f| f.rule == rule && f.at == at)
}

fn seed() -> Composition {
    let mut c = Composition::default();
    c.request.account_id = "023e105f4ecef8ad9ca31a8372d0c353".into();
    c.request.script_name = "visit-counter".into();
    c.metadata.main_module = Some("worker.js".into());
    c.metadata.compatibility_date = Some("2024-06-01".into());
    c.metadata.bindings.push(Binding::new(
        "USER_KV",
        BindingKind::KvNamespace {
            namespace_id: "0f2ac74b498b48028cb68387c421e279".into(),
        },
    ));
    c.modules.push(Module {
        path: Some("worker.js".into()),
        ..Module::inline(
            "worker.js",
            "export default { fetch() { return new Response('hi') } }",
        )
    });
    c
}

#[test]
fn binderys_own_command_imports_back_to_the_same_composition() {
    let original = seed();
    let text = encode::curl::command(&original, &Default::default()).text;
    let files = MemFiles::new().with("worker.js", original.modules[0].bytes.clone());
    let imported = import(&text, &files).unwrap();
    assert_eq!(imported.composition, original, "{:?}", imported.findings);
    assert!(imported.findings.is_empty(), "{:?}", imported.findings);
    assert_eq!(
        imported.sources,
        [ModuleSource::File {
            root: Root::Project,
            read: true
        }]
    );
}

#[test]
fn binderys_own_command_without_an_account_or_a_namespace_yet_imports_back() {
    let mut original = seed();
    original.request.account_id = String::new();
    let files = MemFiles::new().with("worker.js", original.modules[0].bytes.clone());
    let text = encode::curl::command(&original, &Default::default()).text;
    assert!(text.contains("/accounts//workers/scripts/"), "{text}");
    assert_eq!(import(&text, &files).unwrap().composition, original);
    original.request.target = Target::Dispatch;
    let text = encode::curl::command(&original, &Default::default()).text;
    assert!(text.contains("/dispatch/namespaces//scripts/"), "{text}");
    assert_eq!(import(&text, &files).unwrap().composition, original);
    // A trailing slash is not a segment.
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/a/workers/scripts/w/ -F 'metadata={}'";
    let imported = import(text, &files).unwrap();
    assert_eq!(imported.composition.request.script_name, "w");
    assert_eq!(imported.composition.request.operation, Operation::Upload);
}

#[test]
fn the_wfp_docs_example_imports_with_its_placeholders_named() {
    let text = r#"curl -X PUT \
"https://api.cloudflare.com/client/v4/accounts/<account-id>/workers/dispatch/namespaces/<your-namespace>/scripts/<script-name>" \
-H "Content-Type: multipart/form-data" \
-H "Authorization: Bearer <api-token>" \
-F 'metadata={
"main_module": "worker.js",
"bindings": [
{
"type": "kv_namespace",
"name": "USER_KV",
"namespace_id": "<your-namespace-id>"
}
]
}' \
-F 'worker.js=@/path/to/worker.js'"#;
    let imported = import_text(text).unwrap();
    let c = &imported.composition;
    assert_eq!(c.request.target, Target::Dispatch);
    assert_eq!(c.request.dispatch_namespace, "<your-namespace>");
    assert_eq!(c.metadata.main_module.as_deref(), Some("worker.js"));
    assert_eq!(c.metadata.bindings[0].name, "USER_KV");
    assert_eq!(c.modules[0].name, "worker.js");
    assert_eq!(c.modules[0].kind, ModuleKind::Esm);
    assert_eq!(c.modules[0].path.as_deref(), Some("worker.js"));
    assert!(
        has(&imported, "curl-placeholder", "request.account_id"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-placeholder", "request.script_name"));
    assert!(
        has(&imported, "curl-file", "import.curl.-F[1]"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-part-type", "modules[0].kind"));
    // The multipart/form-data header is harmless with -F; the placeholder token is not flagged.
    assert!(!imported
        .findings
        .iter()
        .any(|f| f.rule == "curl-content-type" || f.rule == "curl-token"));
}

#[test]
fn the_binding_json_as_a_json_body() {
    let text = r#"curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -H "Content-Type: application/json" --data '{ "type": "kv_namespace", "name": "myGlobalVarName", "namespace_id": "myNamespaceId" }'"#;
    let imported = import_text(text).unwrap();
    assert!(
        has(&imported, "curl-json-body", "metadata"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-bare-bindings", "metadata.bindings"));
    let message = &imported
        .findings
        .iter()
        .find(|f| f.rule == "curl-json-body")
        .unwrap()
        .message;
    assert!(
        message.contains("10021") && message.contains("-F 'metadata=<"),
        "{message}"
    );
    assert_eq!(
        imported.composition.metadata.bindings[0].name,
        "myGlobalVarName"
    );
}

#[test]
fn bindings_wrapped_in_the_script_part() {
    let text = r#"curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H "Authorization: Bearer $T" -F 'metadata={"body_part":"script"};type=application/json' -F 'script={"bindings":[{"type":"kv_namespace","name":"KV","namespace_id":"n"}]};type=application/javascript'"#;
    let imported = import_text(text).unwrap();
    assert!(
        has(&imported, "curl-bindings-part", "metadata.bindings"),
        "{:?}",
        rules_of(&imported)
    );
    let finding = imported
        .findings
        .iter()
        .find(|f| f.rule == "curl-bindings-part")
        .unwrap();
    assert!(
        finding.message.contains("SyntaxError"),
        "{}",
        finding.message
    );
    assert_eq!(imported.composition.metadata.bindings.len(), 1);
    // The script itself is missing now: the entry check says so.
    assert!(
        has(&imported, "curl-entry-part", "metadata.body_part"),
        "{:?}",
        rules_of(&imported)
    );
}

#[test]
fn metadata_sent_as_a_file_with_the_wrong_part_name() {
    let files = MemFiles::new()
        .with(
            "metadata.json",
            r#"{"main_module":"index.js","compatibility_date":"2024-06-01"}"#,
        )
        .with("index.js", "export default {}");
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H 'Authorization: Bearer $T' -F 'file=@metadata.json' -F 'index.js=@index.js;type=application/javascript+module'";
    let imported = import(text, &files).unwrap();
    assert!(
        has(&imported, "curl-metadata-name", "metadata"),
        "{:?}",
        rules_of(&imported)
    );
    assert_eq!(
        imported.composition.metadata.main_module.as_deref(),
        Some("index.js")
    );
    assert_eq!(imported.composition.modules.len(), 1);
    assert_eq!(imported.composition.modules[0].bytes, b"export default {}");
}

#[test]
fn metadata_sent_as_a_file_without_a_content_type() {
    let files = MemFiles::new()
        .with("m.json", r#"{"main_module":"index.js"}"#)
        .with("index.js", "export default {}");
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H 'Authorization: Bearer $T' -F 'metadata=@m.json' -F 'index.js=@index.js;type=application/javascript+module'";
    let imported = import(text, &files).unwrap();
    assert!(
        has(&imported, "curl-metadata-type", "metadata"),
        "{:?}",
        rules_of(&imported)
    );
    assert_eq!(
        imported.composition.metadata.main_module.as_deref(),
        Some("index.js")
    );
}

#[test]
fn a_script_part_the_entry_does_not_name() {
    let text = r#"curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H "Authorization: Bearer $T" -F 'metadata={"main_module":"worker.js"};type=application/json' -F 'script=@worker.js;type=application/javascript+module'"#;
    let imported = import_text(text).unwrap();
    let finding = imported
        .findings
        .iter()
        .find(|f| f.rule == "curl-entry-part")
        .expect("entry finding");
    assert_eq!(finding.at, "metadata.main_module");
    assert!(
        finding.message.contains("No such module \"worker.js\"")
            && finding.message.contains("part `script`"),
        "{}",
        finding.message
    );
}

#[test]
fn a_semicolon_cuts_a_literal_metadata_value() {
    let text = r#"curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H "Authorization: Bearer $T" -F 'metadata={"main_module":"a.js","bindings":[{"type":"plain_text","name":"A","text":"x;y"}]};type=application/json'"#;
    let imported = import_text(text).unwrap();
    assert!(
        has(&imported, "curl-semicolon", "metadata"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-metadata", "metadata"));
}

#[test]
fn wrong_method_wrong_header_and_a_pasted_token() {
    let token = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    let text = format!("curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' -F 'metadata={{\"main_module\":\"a.js\"}}' -F 'a.js=@a.js;type=application/javascript+module'");
    let imported = import_text(&text).unwrap();
    assert!(
        has(&imported, "curl-method", "request.operation"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-content-type", "import.curl.-H"));
    assert!(has(&imported, "curl-token", "import.curl.-H"));
    assert!(imported.findings.iter().all(|f| !f.message.contains(token)));
    assert!(!format!("{:?}", imported.composition).contains(token));
}

#[test]
fn an_es_module_sent_as_commonjs_and_a_module_without_filename() {
    let files = MemFiles::new()
        .with("index.js", "export default {}")
        .with("lib.js", "export const x = 1");
    let text = r#"curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H "Authorization: Bearer $T" -F 'metadata={"main_module":"index.js"}' -F 'index.js=@index.js;type=application/javascript' -F 'lib.js=<lib.js;type=application/javascript+module'"#;
    let imported = import(text, &files).unwrap();
    assert!(
        has(&imported, "curl-module-syntax", "modules[0].kind"),
        "{:?}",
        rules_of(&imported)
    );
    assert!(has(&imported, "curl-no-filename", "modules[1]"));
    assert_eq!(imported.composition.modules[0].kind, ModuleKind::Commonjs);
}

#[test]
fn flattened_metadata_fields() {
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H 'Authorization: Bearer $T' -F 'metadata[main_module]=index.js' -F 'metadata[compatibility_date]=2024-06-01' -F 'index.js=@index.js;type=application/javascript+module'";
    let imported = import_text(text).unwrap();
    assert!(
        has(&imported, "curl-metadata-flattened", "metadata"),
        "{:?}",
        rules_of(&imported)
    );
    assert_eq!(
        imported.composition.metadata.compatibility_date.as_deref(),
        Some("2024-06-01")
    );
}

#[test]
fn a_raw_service_worker_body() {
    let files = MemFiles::new().with(
        "worker.js",
        "addEventListener('fetch', e => e.respondWith(new Response('x')))",
    );
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -H 'Authorization: Bearer $T' -H 'Content-Type: application/javascript' --data-binary @worker.js";
    let imported = import(text, &files).unwrap();
    assert_eq!(
        imported.composition.metadata.body_part.as_deref(),
        Some("script")
    );
    assert_eq!(imported.composition.modules[0].kind, ModuleKind::Commonjs);
    assert!(has(&imported, "curl-raw-script", "metadata.body_part"));
}

#[test]
fn settings_patch_and_versions() {
    let text = "curl -X PATCH 'https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w/settings' -H 'Authorization: Bearer $T' -F 'settings={\"bindings\":[{\"type\":\"secret_text\",\"name\":\"S\"}]};type=application/json'";
    let imported = import_text(text).unwrap();
    assert_eq!(imported.composition.request.operation, Operation::Settings);
    assert_eq!(imported.composition.metadata.bindings[0].name, "S");
    assert!(imported.findings.is_empty(), "{:?}", imported.findings);
    let text = "curl -X POST 'https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w/versions?bindings_inherit=strict' -H 'Authorization: Bearer $T' -F 'metadata={\"main_module\":\"a.js\"};type=application/json' -F 'a.js=@a.js;type=application/javascript+module;filename=a.js'";
    let imported = import_text(text).unwrap();
    assert_eq!(imported.composition.request.operation, Operation::Version);
    assert!(imported.composition.request.bindings_inherit_strict);
}

#[test]
fn hostile_paths_are_never_read() {
    struct Spy(std::cell::RefCell<Vec<String>>);
    impl Files for Spy {
        fn read(&self, path: &RelPath) -> Result<Vec<u8>, FileError> {
            self.0.borrow_mut().push(path.as_str().to_string());
            Err(FileError::NotFound)
        }
        fn list(&self, _: &RelPath) -> Result<Vec<RelPath>, FileError> {
            Ok(Vec::new())
        }
    }
    let spy = Spy(Default::default());
    let text = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata=<../../etc/passwd' -F 'a.js=@/etc/shadow' -F 'b.js=@..\\\\..\\\\secret' --data-binary @/root/x < ../up";
    let imported = import(text, &spy).unwrap();
    assert!(spy.0.borrow().is_empty(), "read {:?}", spy.0.borrow());
    // Placeholders are named by the file's last segment, never by the hostile path.
    for module in &imported.composition.modules {
        let path = module.path.as_deref().unwrap_or("");
        assert!(!path.contains("..") && !path.starts_with('/'), "{path}");
    }
}

#[test]
fn text_that_is_not_a_command_is_refused_clearly() {
    assert_eq!(import_text("hello").unwrap_err(), CurlError::NoCommand);
    assert_eq!(
        import_text("curl 'https://x").unwrap_err(),
        CurlError::UnclosedQuote
    );
    for text in [
        "curl",
        "curl -F",
        "curl -X",
        "curl -F =",
        "curl -F 'a=@'",
        "curl --data @-",
        "curl -F 'metadata=<-' <<EOF",
        "curl https://x/accounts/",
        "curl https://x/accounts/a/workers/dispatch/namespaces",
    ] {
        let _ = import_text(text);
    }
}
