//! The generated curl command, run by the real bash and curl against a local capture server,
//! delivers exactly the request the encoders describe: method, path, query, token header and
//! every multipart part.

mod support;

use std::path::Path;
use std::process::Command;

use bindery::encode::{self, curl::CurlOptions};
use bindery::model::{
    Binding, BindingKind, Composition, Metadata, Module, ModuleKind, Operation, Request, Target,
};
use support::http_capture::{parse_multipart, CaptureServer, CapturedRequest};

const TOKEN: &str = "test-token-5f1c9a'\"$x";

/// Writes the module files below `dir/prefix`, runs the command from `dir` and returns the one
/// request it made.
fn send_with_curl(server: &CaptureServer, c: &Composition, prefix: &str) -> CapturedRequest {
    let dir = tempfile::tempdir().unwrap();
    for module in &c.modules {
        let file = dir.path().join(prefix).join(module.local_file());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &module.bytes).unwrap();
    }
    let options = CurlOptions {
        api_base: server.base_url().to_string(),
        file_prefix: prefix.to_string(),
        allow_outside_paths: false,
    };
    let curl = encode::curl::command(c, &options);
    assert!(
        !curl.text.contains(TOKEN),
        "the token leaked into the command:\n{}",
        curl.text
    );
    run_bash(&curl.text, dir.path());
    let mut requests = server.take_requests();
    assert_eq!(
        requests.len(),
        1,
        "expected one request from:\n{}",
        curl.text
    );
    requests.pop().unwrap()
}

fn run_bash(script: &str, dir: &Path) {
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "the command failed ({}):\n{script}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Everything the request carries equals what the encoders say it should.
fn assert_delivered(c: &Composition, request: &CapturedRequest) {
    assert_eq!(request.method, c.request.method());
    assert_eq!(request.path, c.request.path());
    let query = c.request.query();
    assert_eq!(
        request.query.as_deref(),
        (!query.is_empty()).then_some(query.as_str())
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(request
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));

    let received = request.parts().unwrap();
    let expected = encode::parts(c);
    let names = |parts: &[_]| -> Vec<String> {
        parts
            .iter()
            .map(|p: &encode::Part| p.name.clone())
            .collect()
    };
    assert_eq!(
        received.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        names(&expected)
    );

    let (json_received, json_expected) = (&received[0], &expected[0]);
    assert_eq!(json_received.filename, None);
    assert_eq!(
        json_received.content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(json_received.json().unwrap(), encode::wire_metadata(c));
    // The here-document ends the JSON with one newline; nothing else differs.
    assert_eq!(
        json_received.bytes,
        [json_expected.body.as_slice(), b"\n"].concat()
    );

    for (got, want) in received.iter().zip(&expected).skip(1) {
        assert_eq!(
            got.filename, want.filename,
            "filename of part {:?}",
            want.name
        );
        assert_eq!(
            got.content_type, want.content_type,
            "content type of part {:?}",
            want.name
        );
        assert_eq!(got.bytes, want.body, "bytes of part {:?}", want.name);
    }

    // Our own multipart encoder escapes names exactly as curl does: its body parses back to
    // the same parts (the JSON without the here-document's newline).
    let boundary = encode::DEFAULT_BOUNDARY;
    let ours = parse_multipart(
        &encode::content_type_header(boundary),
        &encode::body(c, boundary),
    )
    .unwrap();
    let mut from_curl = received.clone();
    from_curl[0].bytes.pop();
    assert_eq!(ours, from_curl);
}

fn endpoint(target: Target, operation: Operation, script: &str) -> Request {
    Request {
        target,
        operation,
        account_id: "023e105f4ecef8ad9ca31a8372d0c353".into(),
        script_name: script.into(),
        dispatch_namespace: if target == Target::Dispatch {
            "customers".into()
        } else {
            String::new()
        },
        bindings_inherit_strict: false,
    }
}

fn user_kv() -> Binding {
    Binding::new(
        "USER_KV",
        BindingKind::KvNamespace {
            namespace_id: "0f2ac74b498b48028cb68387c421e279".into(),
        },
    )
}

const WORKER_JS: &str = "export default {\n  async fetch(request, env) {\n    return new Response(await env.USER_KV.get(\"greeting\"));\n  },\n};\n";

#[test]
fn seed_account_worker_with_a_kv_binding() {
    let server = CaptureServer::start();
    let c = Composition {
        request: endpoint(Target::Account, Operation::Upload, "my-worker"),
        metadata: Metadata {
            main_module: Some("worker.js".into()),
            bindings: vec![user_kv()].into(),
            compatibility_date: Some("2024-06-01".into()),
            ..Default::default()
        },
        modules: vec![Module::inline("worker.js", WORKER_JS)],
        ..Default::default()
    };
    let request = send_with_curl(&server, &c, "");
    assert_delivered(&c, &request);
    assert_eq!(
        request.path,
        "/accounts/023e105f4ecef8ad9ca31a8372d0c353/workers/scripts/my-worker"
    );
    let parts = request.parts().unwrap();
    assert_eq!(
        parts[1].content_type.as_deref(),
        Some("application/javascript+module")
    );
    assert_eq!(parts[1].text(), Some(WORKER_JS));
}

#[test]
fn seed_platform_upload_then_settings_patch_adding_r2() {
    let server = CaptureServer::start();
    let upload = Composition {
        request: endpoint(Target::Dispatch, Operation::Upload, "customer-42"),
        metadata: Metadata {
            main_module: Some("worker.js".into()),
            bindings: vec![user_kv()].into(),
            compatibility_date: Some("2024-06-01".into()),
            tags: vec!["customer-42".into(), "plan:pro".into()].into(),
            ..Default::default()
        },
        modules: vec![Module::inline("worker.js", WORKER_JS)],
        ..Default::default()
    };
    let request = send_with_curl(&server, &upload, "");
    assert_delivered(&upload, &request);
    assert_eq!(
        request.path,
        "/accounts/023e105f4ecef8ad9ca31a8372d0c353/workers/dispatch/namespaces/customers/scripts/customer-42"
    );

    let r2 = Binding::new(
        "STORAGE",
        BindingKind::R2Bucket {
            bucket_name: "customer-42-files".into(),
            jurisdiction: None,
        },
    );
    let patch = Composition {
        request: request_for_patch(),
        metadata: Metadata {
            bindings: vec![r2].into(),
            keep_bindings: vec!["kv_namespace".into()].into(),
            ..Default::default()
        },
        // Modules stay in the composition but a settings PATCH never sends code.
        modules: upload.modules.clone(),
        ..Default::default()
    };
    let request = send_with_curl(&server, &patch, "");
    assert_delivered(&patch, &request);
    assert_eq!(request.method, "PATCH");
    assert!(request.path.ends_with("/scripts/customer-42/settings"));
    let parts = request.parts().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "settings");
    // The settings endpoint does not take keep_bindings: it is dropped (and reported).
    assert_eq!(
        parts[0].json().unwrap(),
        serde_json::json!({"bindings":[{"type":"r2_bucket","name":"STORAGE","bucket_name":"customer-42-files"}]})
    );
    assert_eq!(encode::dropped_fields(&patch), ["keep_bindings"]);

    // The docs' own form of the same change: a PUT with metadata only, keeping KV bindings.
    let put = Composition {
        request: endpoint(Target::Dispatch, Operation::Upload, "customer-42"),
        modules: vec![],
        ..patch
    };
    let request = send_with_curl(&server, &put, "");
    assert_delivered(&put, &request);
    assert_eq!(
        request.parts().unwrap()[0].json().unwrap()["keep_bindings"],
        serde_json::json!(["kv_namespace"])
    );
}

fn request_for_patch() -> Request {
    endpoint(Target::Dispatch, Operation::Settings, "customer-42")
}

#[test]
fn service_worker_with_wasm_text_and_data_parts() {
    let server = CaptureServer::start();
    let wasm = vec![
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff, 0x0d, 0x0a,
    ];
    // Binary data that looks like a multipart delimiter and a here-document end.
    let data = b"\r\n--BinderyBoundary\r\n\x00\xfe\nBINDERY_METADATA\n".to_vec();
    let c = Composition {
        request: endpoint(Target::Account, Operation::Upload, "legacy"),
        metadata: Metadata {
            body_part: Some("worker.js".into()),
            bindings: vec![
                Binding::new(
                    "ADD",
                    BindingKind::WasmModule {
                        part: "add_wasm".into(),
                    },
                ),
                Binding::new(
                    "TEMPLATE",
                    BindingKind::TextBlob {
                        part: "template_html".into(),
                    },
                ),
                Binding::new(
                    "BLOB",
                    BindingKind::DataBlob {
                        part: "blob_bin".into(),
                    },
                ),
            ]
            .into(),
            compatibility_date: Some("2024-06-01".into()),
            ..Default::default()
        },
        modules: vec![
            Module {
                kind: ModuleKind::Commonjs,
                ..Module::inline(
                    "worker.js",
                    "addEventListener('fetch', e => e.respondWith(new Response(TEMPLATE)));\n",
                )
            },
            Module {
                kind: ModuleKind::Wasm,
                path: Some("build/add.wasm".into()),
                ..Module::inline("add_wasm", wasm)
            },
            Module {
                kind: ModuleKind::Text,
                ..Module::inline("template_html", "<p>“quoted” & $HOME</p>\r\n")
            },
            Module {
                kind: ModuleKind::Data,
                ..Module::inline("blob_bin", data)
            },
        ],
        ..Default::default()
    };
    let request = send_with_curl(&server, &c, "");
    assert_delivered(&c, &request);
    let types: Vec<Option<String>> = request
        .parts()
        .unwrap()
        .into_iter()
        .map(|p| p.content_type)
        .collect();
    assert_eq!(
        types,
        [
            "application/json",
            "application/javascript",
            "application/wasm",
            "text/plain",
            "application/octet-stream"
        ]
        .map(|t| Some(t.to_string()))
    );
}

#[test]
fn awkward_names_paths_prefix_and_strict_inherit() {
    let server = CaptureServer::start();
    let names = [
        "entry point.js",
        "lib/\"quoted\" it's.js",
        "semi;colon,comma.txt",
        "ünïcødé/日本語 😀.txt",
        "back\\slash $HOME `id`.bin",
        "new\nline\r.txt",
    ];
    let mut modules: Vec<Module> = names
        .iter()
        .map(|n| Module::inline(*n, format!("content of {n}\n")))
        .collect();
    modules[0].kind = ModuleKind::Esm;
    modules[2].path = Some("files/it's, a \"path\"; really.txt".into());
    let c = Composition {
        request: Request {
            bindings_inherit_strict: true,
            ..endpoint(Target::Account, Operation::Version, "my worker é?#")
        },
        metadata: Metadata {
            main_module: Some("entry point.js".into()),
            bindings: vec![
                Binding::new(
                    "GREETING",
                    BindingKind::PlainText {
                        text: "it's \"$5\" `now`; \\n\nß".into(),
                    },
                ),
                Binding::new(
                    "PREVIOUS",
                    BindingKind::Inherit {
                        old_name: None,
                        version_id: None,
                    },
                ),
            ]
            .into(),
            compatibility_date: Some("2024-06-01".into()),
            ..Default::default()
        },
        modules,
        ..Default::default()
    };
    let request = send_with_curl(&server, &c, "my src, v2/");
    assert_delivered(&c, &request);
    assert_eq!(request.method, "POST");
    assert_eq!(request.query.as_deref(), Some("bindings_inherit=strict"));
    assert_eq!(
        request.decoded_path(),
        "/accounts/023e105f4ecef8ad9ca31a8372d0c353/workers/scripts/my worker é?#/versions"
    );
    let received: Vec<(String, Option<String>)> = request
        .parts()
        .unwrap()
        .into_iter()
        .skip(1)
        .map(|p| (p.name, p.filename))
        .collect();
    let expected: Vec<(String, Option<String>)> = names
        .iter()
        .map(|n| (n.to_string(), Some(n.to_string())))
        .collect();
    assert_eq!(received, expected);
}

#[test]
fn parts_curl_cannot_express_are_left_out_and_the_rest_arrives() {
    let server = CaptureServer::start();
    let c = Composition {
        request: endpoint(Target::Account, Operation::Upload, "w"),
        metadata: Metadata {
            main_module: Some("worker.js".into()),
            ..Default::default()
        },
        modules: vec![
            Module::inline("worker.js", WORKER_JS),
            Module::inline("a=b.txt", "x"),
        ],
        ..Default::default()
    };
    let options = CurlOptions {
        api_base: server.base_url().to_string(),
        file_prefix: String::new(),
        allow_outside_paths: false,
    };
    let curl = encode::curl::command(&c, &options);
    assert_eq!(curl.notes.len(), 1);
    assert!(curl.notes[0].contains("a=b.txt"), "{:?}", curl.notes);

    let request = send_with_curl(&server, &c, "");
    let names: Vec<String> = request
        .parts()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["metadata", "worker.js"]);
}

#[test]
fn missing_module_file_fails_loudly() {
    let server = CaptureServer::start();
    let c = Composition {
        request: endpoint(Target::Account, Operation::Upload, "w"),
        metadata: Metadata {
            main_module: Some("worker.js".into()),
            ..Default::default()
        },
        modules: vec![Module {
            path: Some("dist/worker.js".into()),
            ..Module::inline("worker.js", WORKER_JS)
        }],
        ..Default::default()
    };
    let options = CurlOptions {
        api_base: server.base_url().to_string(),
        file_prefix: String::new(),
        allow_outside_paths: false,
    };
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg(encode::curl::command(&c, &options).text)
        .current_dir(dir.path())
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    // curl's "Failed to open/read local data from file/application".
    assert_eq!(
        output.status.code(),
        Some(26),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(server.requests().is_empty());
}
