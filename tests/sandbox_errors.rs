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
            "binding API_KEY of type secret_text must have a `text` value",
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
    assert_api_error(&put(&api, "w", &migrations).await, 400, 10079, "current tag is v1");
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
    assert_eq!(sandbox.snapshot().scripts[0].latest().unwrap().code.entry, "next.js");
}
