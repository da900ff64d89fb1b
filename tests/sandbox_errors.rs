//! Every mistake the sandbox judges, with the real API's code and message class
//! (reference section f), sent through the proxy like the app sends them.

mod proxy_common;

use proxy_common::*;
use serde_json::{json, Value};

const GOOD: &str = "export default { fetch() { return new Response('ok') } }";

fn upload_parts(metadata: Value, modules: Vec<Part>) -> Vec<Part> {
    let mut parts = vec![json_part("metadata", &metadata)];
    parts.extend(modules);
    parts
}

async fn put(api: &Api, name: &str, parts: &[Part]) -> (u16, Value) {
    api.multipart("PUT", &acct(&format!("/workers/scripts/{name}")), parts)
        .await
}

#[tokio::test]
async fn authentication_and_routing() {
    let api = Api::start().await;
    let url = |path: &str| format!("http://{}/client/v4{path}", api.addr);
    let missing = client().get(url("/accounts")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let body = json_of(missing).await;
    assert_eq!(body["errors"][0]["code"], 9106);
    for bad in ["Basic dXNlcjpwYXNz", "Bearer ", "Bearer two words"] {
        let response = client()
            .get(url("/user/tokens/verify"))
            .header("authorization", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{bad}");
        assert_eq!(json_of(response).await["errors"][0]["code"], 10000, "{bad}");
    }

    let wrong = api
        .get("/accounts/me@example.com/workers/scripts/x/settings")
        .await;
    assert_api_error(
        &wrong,
        400,
        7003,
        "Could not route to /client/v4/accounts/me@example.com/workers/scripts/x/settings, perhaps your object identifier is invalid?",
    );
    assert_api_error(
        &api.get(&acct("/workers/scripts/x/schedules")).await,
        400,
        7000,
        "No route for that URI",
    );
    assert_api_error(
        &api.send("DELETE", "/accounts", None, vec![]).await,
        405,
        10405,
        "Method not allowed",
    );
    assert_api_error(
        &api.get(&acct("/workers/scripts/nope/settings")).await,
        404,
        10007,
        "does not exist",
    );
    assert_api_error(
        &api.get(&acct(
            "/workers/dispatch/namespaces/nope/scripts/x/bindings",
        ))
        .await,
        404,
        100119,
        "dispatch namespace 'nope' not found",
    );
}

#[tokio::test]
async fn the_body_must_be_multipart_with_one_json_metadata_part() {
    let api = Api::start().await;
    let path = acct("/workers/scripts/w");
    let json_body = api
        .send(
            "PUT",
            &path,
            Some("application/json"),
            br#"{"main_module":"index.js"}"#.to_vec(),
        )
        .await;
    assert_api_error(
        &json_body,
        400,
        10021,
        "unsupported Content-Type application/json",
    );
    let no_type = api.send("PUT", &path, None, b"whatever".to_vec()).await;
    assert_api_error(&no_type, 400, 10021, "unsupported Content-Type");

    let module_only = vec![module("index.js", ESM, GOOD)];
    assert_api_error(
        &put(&api, "w", &module_only).await,
        400,
        10021,
        "could not read content for part metadata",
    );
    let not_json = vec![
        Part {
            name: "metadata".into(),
            filename: None,
            content_type: None,
            body: b"main_module=index.js".to_vec(),
        },
        module("index.js", ESM, GOOD),
    ];
    assert_api_error(
        &put(&api, "w", &not_json).await,
        400,
        10021,
        "could not read content for part metadata",
    );
    let array = vec![
        json_part("metadata", &json!([{"main_module": "index.js"}])),
        module("index.js", ESM, GOOD),
    ];
    assert_api_error(
        &put(&api, "w", &array).await,
        400,
        10021,
        "could not read content for part metadata",
    );
    let twice = vec![
        json_part("metadata", &json!({})),
        json_part("metadata", &json!({"main_module": "index.js"})),
        module("index.js", ESM, GOOD),
    ];
    assert_api_error(
        &put(&api, "w", &twice).await,
        400,
        10021,
        "could not read content for part metadata",
    );

    // A raw JavaScript body is a service-worker script: ES syntax in it fails to parse.
    let raw = api
        .send(
            "PUT",
            &path,
            Some("application/javascript"),
            b"export default {}".to_vec(),
        )
        .await;
    assert_api_error(
        &raw,
        400,
        10021,
        "Uncaught SyntaxError: Unexpected token 'export' at worker.js:1",
    );
    let raw_ok = api
        .send(
            "PUT",
            &path,
            Some("application/javascript"),
            b"addEventListener('fetch', e => e.respondWith(new Response('hi')))".to_vec(),
        )
        .await;
    assert_eq!(assert_ok(&raw_ok)["has_modules"], false);

    // Settings PATCH wants one `settings` part.
    let wrong_part = vec![json_part("metadata", &json!({"logpush": true}))];
    let patch = api
        .multipart("PATCH", &acct("/workers/scripts/w/settings"), &wrong_part)
        .await;
    assert_api_error(
        &patch,
        400,
        10021,
        "could not read content for part settings",
    );
}

#[tokio::test]
async fn modules_that_are_not_there() {
    let api = Api::start().await;
    let missing_main = upload_parts(
        json!({"main_module": "worker.js"}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &missing_main).await,
        400,
        10021,
        "Uncaught Error: No such module \"worker.js\".",
    );
    let no_filename = upload_parts(
        json!({"main_module": "index.js"}),
        vec![Part {
            name: "index.js".into(),
            filename: None,
            content_type: Some(ESM.into()),
            body: GOOD.into(),
        }],
    );
    assert_api_error(
        &put(&api, "w", &no_filename).await,
        400,
        10021,
        "No such module \"index.js\"",
    );
    let missing_import = upload_parts(
        json!({"main_module": "src/index.js"}),
        vec![module(
            "src/index.js",
            ESM,
            "import { h } from './lib/helper.js';\nexport default { fetch: h }",
        )],
    );
    assert_api_error(
        &put(&api, "w", &missing_import).await,
        400,
        10021,
        "No such module \"src/lib/helper.js\"",
    );
    let missing_body_part = upload_parts(
        json!({"body_part": "script"}),
        vec![module(
            "worker.js",
            "application/javascript",
            "addEventListener('fetch', () => {})",
        )],
    );
    assert_api_error(
        &put(&api, "w", &missing_body_part).await,
        400,
        10021,
        "No such module \"script\"",
    );
    let both = upload_parts(
        json!({"main_module": "index.js", "body_part": "index.js"}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &both).await,
        400,
        10021,
        "cannot both be given",
    );
    let nothing_to_keep = upload_parts(json!({"bindings": []}), vec![]);
    assert_api_error(
        &put(&api, "w", &nothing_to_keep).await,
        400,
        10021,
        "only an existing Worker",
    );
}

#[tokio::test]
async fn es_modules_sent_as_commonjs_or_service_worker() {
    let api = Api::start().await;
    let typed_commonjs = upload_parts(
        json!({"main_module": "index.js"}),
        vec![module(
            "index.js",
            "application/javascript",
            "// entry\n\nexport default {\n  fetch() {}\n}",
        )],
    );
    assert_api_error(
        &put(&api, "w", &typed_commonjs).await,
        400,
        10021,
        "Uncaught SyntaxError: Unexpected token 'export' at index.js:3",
    );
    let text_javascript = upload_parts(
        json!({"main_module": "index.js"}),
        vec![module("index.js", "text/javascript", GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &text_javascript).await,
        400,
        10021,
        "Unexpected token 'export' at index.js:1",
    );
    let body_part = upload_parts(
        json!({"body_part": "index.js"}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &body_part).await,
        400,
        10021,
        "Unexpected token 'export' at index.js:1",
    );
    let import_in_commonjs = upload_parts(
        json!({"main_module": "index.js"}),
        vec![
            module("index.js", ESM, "import './util.js'\nexport default {}"),
            module("util.js", "application/javascript", "import x from 'y'\n"),
        ],
    );
    assert_api_error(
        &put(&api, "w", &import_in_commonjs).await,
        400,
        10021,
        "Cannot use import statement outside a module at util.js:1",
    );
    // An entry without a content type (curl -F name=@file sends application/octet-stream) is a module.
    let curl_style = upload_parts(
        json!({"main_module": "index.js"}),
        vec![module("index.js", "application/octet-stream", GOOD)],
    );
    assert_ok(&put(&api, "w", &curl_style).await);
}

#[tokio::test]
async fn bindings_to_missing_resources_and_malformed_bindings() {
    let api = Api::start().await;
    let with_binding = |binding: Value| {
        upload_parts(
            json!({"main_module": "index.js", "bindings": [binding]}),
            vec![module("index.js", ESM, GOOD)],
        )
    };
    for (binding, code, needle) in [
        (
            json!({"type": "kv_namespace", "name": "USER_KV", "namespace_id": "0f2ac74b498b48028cb68387c421e279"}),
            10041,
            "KV namespace '0f2ac74b498b48028cb68387c421e279' not found",
        ),
        (
            json!({"type": "r2_bucket", "name": "STORAGE", "bucket_name": "missing"}),
            10085,
            "R2 bucket 'missing'",
        ),
        (
            json!({"type": "d1", "name": "DB", "id": "00000000-0000-4000-8000-000000000000"}),
            10181,
            "D1 database",
        ),
        (
            json!({"type": "d1", "name": "DB", "database_id": "nope"}),
            10181,
            "D1 database 'nope'",
        ),
        (
            json!({"type": "queue", "name": "JOBS", "queue_name": "jobs"}),
            11000,
            "queue 'jobs'",
        ),
        (
            json!({"type": "dispatch_namespace", "name": "DISPATCHER", "namespace": "staging"}),
            100119,
            "dispatch namespace 'staging'",
        ),
        (
            json!({"type": "secret_text", "name": "API_KEY"}),
            10021,
            "invalid or missing text property for binding API_KEY",
        ),
        (
            json!({"type": "d1", "name": "DB"}),
            10021,
            "binding DB of type d1 must have a valid `id` specified",
        ),
        (
            json!({"type": "kv", "name": "CACHE", "namespace_id": "x"}),
            10021,
            "Unknown binding type \"kv\" for binding CACHE",
        ),
        (
            json!({"type": "plain_text", "text": "x"}),
            10021,
            "has no name",
        ),
    ] {
        let answer = put(&api, "w", &with_binding(binding.clone())).await;
        assert_api_error(&answer, 400, code, needle);
        if let Some(name) = binding["name"].as_str() {
            assert!(
                answer.1["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains(name),
                "{answer:?}"
            );
        }
    }
    let duplicate = upload_parts(
        json!({"main_module": "index.js", "bindings": [{"type": "ai", "name": "AI"}, {"type": "browser", "name": "AI"}]}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &duplicate).await,
        400,
        10021,
        "used more than once",
    );
    // Kinds the sandbox cannot judge are accepted, as the real API would.
    let unjudged = upload_parts(
        json!({"main_module": "index.js", "bindings": [
            {"type": "service", "name": "AUTH", "service": "auth-worker"},
            {"type": "hyperdrive", "name": "HD", "id": "abc"},
            {"type": "ai", "name": "AI"}
        ]}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_ok(&put(&api, "w", &unjudged).await);
    assert!(
        api.sandbox
            .snapshot()
            .scripts
            .iter()
            .all(|s| s.versions.len() == 1),
        "failed uploads stored nothing"
    );
}

#[tokio::test]
async fn names_versions_and_inherit() {
    let api = Api::start().await;
    let good = upload_parts(
        json!({"main_module": "index.js"}),
        vec![module("index.js", ESM, GOOD)],
    );
    for bad in ["My-Worker", "-worker", "worker.js", "a%40b"] {
        assert_api_error(
            &put(&api, bad, &good).await,
            400,
            10016,
            "Invalid Worker name",
        );
    }
    let versions = acct("/workers/scripts/w/versions");
    let service_worker = upload_parts(
        json!({"body_part": "s"}),
        vec![module(
            "s",
            "application/javascript",
            "addEventListener('fetch', () => {})",
        )],
    );
    assert_api_error(
        &api.multipart("POST", &versions, &service_worker).await,
        400,
        10021,
        "main_module is required",
    );
    let migrations = upload_parts(
        json!({"main_module": "index.js", "migrations": {"new_tag": "v1", "new_classes": ["Counter"]}}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &api.multipart("POST", &versions, &migrations).await,
        400,
        10021,
        "migrations are not supported on version uploads",
    );

    let inherit = upload_parts(
        json!({"main_module": "index.js", "bindings": [{"type": "inherit", "name": "CACHE"}]}),
        vec![module("index.js", ESM, GOOD)],
    );
    let strict = api
        .multipart(
            "PUT",
            &acct("/workers/scripts/w?bindings_inherit=strict"),
            &inherit,
        )
        .await;
    assert_api_error(
        &strict,
        400,
        10057,
        "binding CACHE of type inherit could not be resolved",
    );
    let lax = assert_ok(
        &api.multipart("PUT", &acct("/workers/scripts/w"), &inherit)
            .await,
    );
    assert_eq!(lax["id"], "w");
    assert_eq!(
        assert_ok(&api.get(&acct("/workers/scripts/w/settings")).await)["bindings"],
        json!([])
    );

    // Migrations on PUT: old_tag must be the current tag (10079, as the API answers).
    assert_ok(&put(&api, "w", &migrations).await);
    let stale = upload_parts(
        json!({"main_module": "index.js", "migrations": {"old_tag": "v0", "new_tag": "v2"}}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_api_error(
        &put(&api, "w", &stale).await,
        400,
        10079,
        "Migration tag precondition failed; current tag is v1",
    );
    // Sending the first migration again (no old_tag) once the Worker has a tag: the same.
    assert_api_error(
        &put(&api, "w", &migrations).await,
        400,
        10079,
        "current tag is v1",
    );
}

#[tokio::test]
async fn resource_creation_mistakes() {
    let api = Api::start().await;
    assert_api_error(
        &api.post_json(&acct("/storage/kv/namespaces"), json!({}))
            .await,
        400,
        10021,
        "`title`",
    );
    assert_api_error(
        &api.send(
            "POST",
            &acct("/storage/kv/namespaces"),
            Some("application/json"),
            b"{".to_vec(),
        )
        .await,
        400,
        10021,
        "JSON object",
    );
    assert_api_error(
        &api.post_json(&acct("/r2/buckets"), json!({"name": "Bad_Name"}))
            .await,
        400,
        10005,
        "bucket name is not valid",
    );
    api.create("/r2/buckets", json!({"name": "files"})).await;
    assert_api_error(
        &api.post_json(&acct("/r2/buckets"), json!({"name": "files"}))
            .await,
        409,
        10004,
        "already exists",
    );
    api.create("/d1/database", json!({"name": "db"})).await;
    assert_api_error(
        &api.post_json(&acct("/d1/database"), json!({"name": "db"}))
            .await,
        400,
        7502,
        "already exists",
    );
    api.create("/queues", json!({"queue_name": "jobs"})).await;
    assert_api_error(
        &api.post_json(&acct("/queues"), json!({"queue_name": "jobs"}))
            .await,
        409,
        11009,
        "already exists",
    );
    assert_api_error(
        &api.get(&acct("/storage/kv/namespaces?per_page=0")).await,
        400,
        10021,
        "per_page",
    );
}

#[tokio::test]
async fn content_upload_headers_work_against_the_sandbox_directly() {
    // The proxy forwards only the API headers, so this alternative is checked on the router.
    let sandbox = bindery::server::sandbox::Sandbox::in_memory();
    let addr = serve(bindery::server::sandbox::router(sandbox.clone())).await;
    let url = format!("http://{addr}{}", acct("/workers/scripts/w"));
    let (content_type, body) = multipart(&upload_parts(
        json!({"main_module": "index.js"}),
        vec![module("index.js", ESM, GOOD)],
    ));
    let created = client()
        .put(&url)
        .header("authorization", TOKEN)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let (content_type, body) = multipart(&[module("next.js", ESM, "export default {}")]);
    let response = client()
        .put(format!("{url}/content"))
        .header("authorization", TOKEN)
        .header("cf-worker-main-module-part", "next.js")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        sandbox.snapshot().scripts[0].latest().unwrap().code.entry,
        "next.js"
    );
}

#[tokio::test]
async fn settings_the_real_api_refuses_are_refused_naming_the_field() {
    let api = Api::start().await;
    for (metadata, field) in [
        (
            json!({"main_module": "index.js", "compatibility_flags": "nodejs_compat\r\nX-Injected: 1"}),
            "compatibility_flags",
        ),
        (
            json!({"main_module": "index.js", "placement": "x"}),
            "placement",
        ),
        (
            json!({"main_module": "index.js", "limits": 3.7e307}),
            "limits",
        ),
        (
            json!({"main_module": "index.js", "usage_model": "free"}),
            "usage_model",
        ),
        (json!({"main_module": ""}), "main_module"),
    ] {
        let parts = upload_parts(
            metadata.clone(),
            vec![Part {
                name: String::new(),
                filename: Some(String::new()),
                content_type: Some(ESM.into()),
                body: GOOD.as_bytes().to_vec(),
            }],
        );
        assert_api_error(
            &put(&api, "w", &parts).await,
            400,
            10021,
            &format!("metadata: `{field}` must be"),
        );
    }
    assert!(api.sandbox.snapshot().scripts.is_empty());
    // The same judgement on a settings PATCH.
    assert_ok(
        &put(
            &api,
            "w",
            &upload_parts(
                json!({"main_module": "index.js"}),
                vec![module("index.js", ESM, GOOD)],
            ),
        )
        .await,
    );
    let patch = api
        .multipart(
            "PATCH",
            &acct("/workers/scripts/w/settings"),
            &[json_part(
                "settings",
                &json!({"placement": {"mode": "fastest"}}),
            )],
        )
        .await;
    assert_api_error(&patch, 400, 10021, "settings: `placement` must be");
}

#[tokio::test]
async fn deployment_mistakes() {
    let api = Api::start().await;
    let good = upload_parts(
        json!({"main_module": "index.js"}),
        vec![module("index.js", ESM, GOOD)],
    );
    let first = assert_ok(&put(&api, "w", &good).await)["deployment_id"].clone();
    let second = assert_ok(
        &api.multipart("POST", &acct("/workers/scripts/w/versions"), &good)
            .await,
    )["id"]
        .clone();
    let deploy = |versions: serde_json::Value| {
        let api = &api;
        async move {
            api.post_json(
                &acct("/workers/scripts/w/deployments"),
                json!({"strategy": "percentage", "versions": versions}),
            )
            .await
        }
    };
    assert_api_error(
        &deploy(json!([{"version_id": "0000", "percentage": 100}])).await,
        404,
        10021,
        "version_id: the Worker w has no version \"0000\"",
    );
    assert_api_error(
        &deploy(json!([{"version_id": first, "percentage": 50}, {"version_id": second, "percentage": 40}])).await,
        400,
        10021,
        "add up to 100, not 90",
    );
    assert_api_error(
        &deploy(json!([
            {"version_id": first, "percentage": 50},
            {"version_id": second, "percentage": 25},
            {"version_id": first, "percentage": 25},
        ]))
        .await,
        400,
        10021,
        "one or two versions, not 3",
    );
    assert_api_error(
        &api.post_json(
            &acct("/workers/scripts/w/deployments"),
            json!({"strategy": "immediate", "versions": [{"version_id": first, "percentage": 100}]}),
        )
        .await,
        400,
        10021,
        "strategy",
    );
    let split = assert_ok(
        &deploy(json!([{"version_id": first, "percentage": 10}, {"version_id": second, "percentage": 90}])).await,
    );
    assert_eq!(split["versions"][1]["percentage"], 90);
    // The current deployment cannot be deleted; an older one can.
    let listed = assert_ok(&api.get(&acct("/workers/scripts/w/deployments")).await);
    let deployments = listed["deployments"].as_array().unwrap();
    assert_eq!(deployments[0]["id"], split["id"], "newest first");
    assert_api_error(
        &api.send(
            "DELETE",
            &acct(&format!(
                "/workers/scripts/w/deployments/{}",
                split["id"].as_str().unwrap()
            )),
            None,
            vec![],
        )
        .await,
        400,
        10021,
        "current deployment cannot be deleted",
    );
    let older = deployments[1]["id"].as_str().unwrap();
    assert_ok(
        &api.send(
            "DELETE",
            &acct(&format!("/workers/scripts/w/deployments/{older}")),
            None,
            vec![],
        )
        .await,
    );
    // While two versions share the traffic, secret and settings changes wait (10215 / 10214).
    assert_api_error(
        &api.send(
            "PUT",
            &acct("/workers/scripts/w/secrets"),
            Some("application/json"),
            json!({"name": "S", "text": "v", "type": "secret_text"})
                .to_string()
                .into_bytes(),
        )
        .await,
        400,
        10215,
        "latest version",
    );
}

#[tokio::test]
async fn secret_mistakes() {
    let api = Api::start().await;
    let good = upload_parts(
        json!({"main_module": "index.js", "bindings": [{"type": "plain_text", "name": "MODE", "text": "x"}]}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_ok(&put(&api, "w", &good).await);
    let put_secret = |body: serde_json::Value| {
        let api = &api;
        async move {
            api.send(
                "PUT",
                &acct("/workers/scripts/w/secrets"),
                Some("application/json"),
                body.to_string().into_bytes(),
            )
            .await
        }
    };
    for name in ["", "two\nlines"] {
        assert_api_error(
            &put_secret(json!({"name": name, "text": "v", "type": "secret_text"})).await,
            400,
            10021,
            "is not a valid secret name",
        );
    }
    assert_api_error(
        &put_secret(json!({"name": "MODE", "text": "v", "type": "secret_text"})).await,
        400,
        10053,
        "Binding name 'MODE' already in use.",
    );
    assert_api_error(
        &put_secret(json!({"name": "S", "type": "secret_text"})).await,
        400,
        10021,
        "invalid or missing text property for binding S",
    );
    assert_api_error(
        &api.send(
            "DELETE",
            &acct("/workers/scripts/w/secrets/NOPE"),
            None,
            vec![],
        )
        .await,
        404,
        10056,
        "Binding 'NOPE' not found.",
    );
    assert_api_error(
        &api.send(
            "PUT",
            &acct("/workers/scripts/nope/secrets"),
            Some("application/json"),
            json!({"name": "S", "text": "v", "type": "secret_text"})
                .to_string()
                .into_bytes(),
        )
        .await,
        404,
        10007,
        "does not exist",
    );
    assert_eq!(api.sandbox.snapshot().scripts[0].versions.len(), 1);
}

#[tokio::test]
async fn a_durable_object_class_the_worker_does_not_export() {
    let api = Api::start().await;
    let parts = upload_parts(
        json!({
            "main_module": "index.js",
            "bindings": [{"type": "durable_object_namespace", "name": "ROOMS", "class_name": "Room"}],
            "migrations": {"new_tag": "v1", "new_sqlite_classes": ["Room"]},
        }),
        vec![module(
            "index.js",
            ESM,
            "export class Counter {}\nexport default {}",
        )],
    );
    assert_api_error(
        &put(&api, "w", &parts).await,
        400,
        10061,
        "class 'Room' because it is not exported",
    );
    // A class of another Worker is that Worker's business.
    let other = upload_parts(
        json!({"main_module": "index.js", "bindings": [{"type": "durable_object_namespace", "name": "ROOMS", "class_name": "Room", "script_name": "rooms"}]}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_ok(&put(&api, "w", &other).await);
}

/// Opens an assets upload session for `script` with `files` (path, bytes): the session answer.
async fn session(api: &Api, script: &str, files: &[(&str, &[u8])]) -> Value {
    let manifest: serde_json::Map<String, Value> = files
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                json!({"hash": hash(bytes), "size": bytes.len()}),
            )
        })
        .collect();
    assert_ok(
        &api.post_json(
            &acct(&format!("/workers/scripts/{script}/assets-upload-session")),
            json!({ "manifest": manifest }),
        )
        .await,
    )
}

/// A stand-in content hash (the sandbox stores what it is given under the client's hash).
fn hash(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}{:016x}", hasher.finish(), bytes.len())
}

/// `POST /workers/assets/upload?base64=true` with `jwt`; status and envelope.
async fn upload_assets(api: &Api, jwt: &str, files: &[&[u8]]) -> (u16, Value) {
    use base64::Engine;
    let parts: Vec<Part> = files
        .iter()
        .map(|bytes| Part {
            name: hash(bytes),
            filename: Some(hash(bytes)),
            content_type: Some("text/plain".into()),
            body: base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .into_bytes(),
        })
        .collect();
    let (content_type, body) = multipart(&parts);
    let response = client()
        .post(format!(
            "http://{}/client/v4{}",
            api.addr,
            acct("/workers/assets/upload?base64=true")
        ))
        .header("authorization", format!("Bearer {jwt}"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), json_of(response).await)
}

fn with_assets(jwt: &str) -> Vec<Part> {
    upload_parts(
        json!({"main_module": "index.js", "assets": {"jwt": jwt, "config": {"html_handling": "none"}}}),
        vec![module("index.js", ESM, GOOD)],
    )
}

#[tokio::test]
async fn assets_tokens_that_are_wrong_expired_reused_or_incomplete() {
    let api = Api::start().await;
    let files: [(&str, &[u8]); 2] = [("/index.html", b"<h1>hi</h1>"), ("/a.bin", &[0, 1, 2])];
    let opened = session(&api, "site", &files).await;
    let upload_jwt = opened["jwt"].as_str().unwrap().to_string();
    // Missing hashes in manifest (path) order, in one bucket.
    assert_eq!(
        opened["buckets"],
        json!([[hash(files[1].1), hash(files[0].1)]])
    );

    // The session token is not a completion token, and its files were never uploaded.
    assert_api_error(
        &put(&api, "site", &with_assets(&upload_jwt)).await,
        400,
        10021,
        "files were never uploaded",
    );
    // A token the API did not issue, or an altered one.
    let mut forged = upload_jwt.clone();
    forged.push('x');
    assert_api_error(
        &put(&api, "site", &with_assets(&forged)).await,
        400,
        10021,
        "metadata.assets.jwt",
    );
    assert_api_error(
        &upload_assets(&api, &forged, &[files[0].1]).await,
        401,
        10021,
        "Authorization",
    );
    // A hash outside the session's manifest.
    assert_api_error(
        &upload_assets(&api, &upload_jwt, &[b"not in the manifest"]).await,
        400,
        10021,
        "not in the session's manifest",
    );
    // One bucket: no completion token yet; the second: the completion token.
    let partial = upload_assets(&api, &upload_jwt, &[files[0].1]).await;
    assert_eq!(partial.0, 202, "{}", partial.1);
    assert!(partial.1["result"].get("jwt").is_none());
    let done = upload_assets(&api, &upload_jwt, &[files[1].1]).await;
    assert_eq!(done.0, 201, "{}", done.1);
    let completion = done.1["result"]["jwt"].as_str().unwrap().to_string();

    // Spent once; reused, refused. The upload records the manifest.
    let uploaded = assert_ok(&put(&api, "site", &with_assets(&completion)).await);
    assert_eq!(uploaded["has_assets"], true);
    assert_api_error(
        &put(&api, "site", &with_assets(&completion)).await,
        400,
        10021,
        "already used",
    );
    // Nothing new to upload: the session answers a completion token at once; an expired one
    // is refused.
    let again = session(&api, "site", &files).await;
    assert_eq!(again["buckets"], json!([]));
    let fresh = again["jwt"].as_str().unwrap().to_string();
    api.sandbox
        .change(|state| {
            let store = std::sync::Arc::make_mut(&mut state.assets);
            for token in &mut store.tokens {
                token.expires_at = 1;
            }
            Ok(())
        })
        .unwrap();
    assert_api_error(
        &put(&api, "site", &with_assets(&fresh)).await,
        400,
        10021,
        "Expired JWT",
    );
    // keep_assets carries the previous version's assets over without a token.
    let kept = upload_parts(
        json!({"main_module": "index.js", "keep_assets": true}),
        vec![module("index.js", ESM, GOOD)],
    );
    assert_eq!(
        assert_ok(&put(&api, "site", &kept).await)["has_assets"],
        true
    );
    let state = api.sandbox.snapshot();
    let deployed = state.scripts[0].deployed().unwrap();
    assert_eq!(deployed.assets.as_ref().unwrap().len(), 2);
    assert_eq!(
        deployed.settings["assets"],
        json!({"config": {"html_handling": "none"}})
    );
}

#[tokio::test]
async fn every_answer_is_in_the_envelope() {
    let api = Api::start().await;
    // A query the extractors cannot read, a path with invalid percent-encoding: still JSON.
    for path in [
        acct("/workers/scripts?page=%ZZ"),
        acct("/workers/scripts/%FF%FE/settings"),
    ] {
        let (status, body) = api.get(&path).await;
        assert!(status >= 400, "{path}: {status}");
        assert_eq!(body["success"], false, "{path}: {body}");
        assert!(body["errors"][0]["code"].is_u64(), "{path}: {body}");
    }
}
