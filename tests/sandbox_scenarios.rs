//! The two seed scenarios, end to end through the proxy to the sandbox, using the repository's
//! own fixtures and multipart encoder; plus secret handling across uploads.

mod proxy_common;

use bytes::Bytes;
use proxy_common::*;
use serde_json::{json, Value};

/// The fixtures' placeholder KV namespace id (the sandbox makes its own ids).
const FIXTURE_KV_ID: &str = "0f2ac74b498b48028cb68387c421e279";

#[tokio::test]
async fn forum_seed_create_a_kv_namespace_then_upload_a_worker_bound_to_it() {
    let api = Api::start().await;
    // Verify the token and find the account, as a new user would.
    let verify = api.get("/user/tokens/verify").await;
    assert_eq!(assert_ok(&verify)["status"], "active");
    assert_eq!(verify.1["messages"][0]["code"], 10000);
    assert_eq!(
        verify.1["messages"][0]["message"],
        "This API Token is valid and active"
    );
    let accounts = assert_ok(&api.get("/accounts").await);
    assert_eq!(accounts[0]["id"], ACCOUNT_ID);
    assert_eq!(accounts[0]["name"], "Bindery Sandbox");

    let kv_id = api.create_kv("visit-counter-kv").await;
    assert_eq!(kv_id.len(), 32);
    let listed = assert_ok(&api.get(&acct("/storage/kv/namespaces")).await);
    assert_eq!(listed[0]["title"], "visit-counter-kv");

    // The module-syntax version (fixture seed-kv-worker).
    let (method, path, parts) = fixture("seed-kv-worker");
    let parts = with_json_replaced(parts, FIXTURE_KV_ID, &kv_id);
    let script = assert_ok(&api.multipart(&method, &path, &parts).await);
    assert_eq!(script["id"], "visit-counter");
    assert_eq!(script["handlers"], json!(["fetch"]));
    assert_eq!(script["compatibility_date"], "2024-06-01");
    assert_eq!(script["has_modules"], true);
    assert_eq!(script["etag"].as_str().unwrap().len(), 32);

    let settings = assert_ok(
        &api.get(&acct("/workers/scripts/visit-counter/settings"))
            .await,
    );
    assert_eq!(
        settings["bindings"],
        json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": kv_id}])
    );
    let listed = assert_ok(&api.get(&acct("/workers/scripts")).await);
    assert_eq!(listed[0]["id"], "visit-counter");

    // The stored code is exactly what was sent.
    let response = client()
        .get(format!(
            "http://{}/client/v4{}",
            api.addr,
            acct("/workers/scripts/visit-counter/content/v2")
        ))
        .header("authorization", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let worker = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed-kv-worker/worker.js"
    ))
    .unwrap();
    assert_eq!(response.bytes().await.unwrap(), Bytes::from(worker));
}

#[tokio::test]
async fn forum_seed_as_the_thread_finally_did_it_service_worker_with_body_part() {
    let api = Api::start().await;
    let kv_id = api.create_kv("globals").await;
    // The forum's working client: metadata with body_part "script", the script part without a
    // filename, typed application/javascript.
    let script = "addEventListener('fetch', event => {\n  event.respondWith(new Response(myGlobalVarName ? 'ok' : 'no'));\n});\n";
    let parts = vec![
        json_part(
            "metadata",
            &json!({"body_part": "script", "bindings": [{"type": "kv_namespace", "name": "myGlobalVarName", "namespace_id": kv_id}]}),
        ),
        Part {
            name: "script".into(),
            filename: None,
            content_type: Some("application/javascript".into()),
            body: script.as_bytes().to_vec(),
        },
    ];
    let result = assert_ok(
        &api.multipart("PUT", &acct("/workers/scripts/forum-worker"), &parts)
            .await,
    );
    assert_eq!(result["has_modules"], false);
    assert_eq!(result["handlers"], json!(["fetch"]));

    // The thread's failed attempts, each with the error the forum user saw.
    let binding = json!({"type": "kv_namespace", "name": "myGlobalVarName", "namespace_id": kv_id});
    let as_json = api
        .send(
            "PUT",
            &acct("/workers/scripts/forum-worker"),
            Some("application/json"),
            json!({"bindings": [binding]}).to_string().into_bytes(),
        )
        .await;
    assert_api_error(
        &as_json,
        400,
        10021,
        "unsupported Content-Type application/json",
    );
    let flattened = vec![
        Part {
            name: "metadata[body_part]".into(),
            filename: None,
            content_type: None,
            body: b"script".to_vec(),
        },
        Part {
            name: "script".into(),
            filename: None,
            content_type: Some("application/javascript".into()),
            body: script.into(),
        },
    ];
    let answer = api
        .multipart("PUT", &acct("/workers/scripts/forum-worker"), &flattened)
        .await;
    assert_api_error(
        &answer,
        400,
        10021,
        "could not read content for part metadata",
    );
}

#[tokio::test]
async fn wfp_seed_upload_with_kv_then_add_r2_keeping_kv() {
    let api = Api::start().await;
    let namespace = api
        .create(
            "/workers/dispatch/namespaces",
            json!({"name": "production"}),
        )
        .await;
    assert_eq!(namespace["namespace_name"], "production");
    let kv_id = api.create_kv("customer-42-data").await;
    let bucket = api
        .create("/r2/buckets", json!({"name": "customer-42-files"}))
        .await;
    assert_eq!(bucket["name"], "customer-42-files");

    // Step 1: upload the user Worker with its KV binding.
    let (method, path, parts) = fixture("wfp-kv-user-worker");
    let parts = with_json_replaced(parts, FIXTURE_KV_ID, &kv_id);
    let script = assert_ok(&api.multipart(&method, &path, &parts).await);
    assert_eq!(script["id"], "customer-42");
    let script_path = acct("/workers/dispatch/namespaces/production/scripts/customer-42");
    let etag = script["etag"].clone();

    // Step 2, exactly as the docs' curl: metadata only, R2 binding + keep_bindings, no code.
    let docs_step = vec![json_part(
        "metadata",
        &json!({"bindings": [{"type": "r2_bucket", "name": "STORAGE", "bucket_name": "customer-42-files"}], "keep_bindings": ["kv_namespace"]}),
    )];
    let updated = assert_ok(&api.multipart("PUT", &script_path, &docs_step).await);
    assert_eq!(updated["etag"], etag, "the code is kept");
    let bindings = assert_ok(&api.get(&format!("{script_path}/bindings")).await);
    assert_eq!(binding_names(&bindings), ["STORAGE", "USER_KV"]);
    assert_eq!(bindings[1]["namespace_id"], kv_id.as_str());

    // The same step with the code sent again (fixture wfp-add-r2-keep-kv) gives the same set.
    let (method, path, parts) = fixture("wfp-add-r2-keep-kv");
    assert_ok(&api.multipart(&method, &path, &parts).await);
    let bindings = assert_ok(&api.get(&format!("{script_path}/bindings")).await);
    assert_eq!(binding_names(&bindings), ["STORAGE", "USER_KV"]);

    // Without keep_bindings the KV binding goes away.
    let replace = vec![json_part(
        "metadata",
        &json!({"bindings": [{"type": "r2_bucket", "name": "STORAGE", "bucket_name": "customer-42-files"}]}),
    )];
    assert_ok(&api.multipart("PUT", &script_path, &replace).await);
    let bindings = assert_ok(&api.get(&format!("{script_path}/bindings")).await);
    assert_eq!(binding_names(&bindings), ["STORAGE"]);

    // Listing and counting.
    let scripts = assert_ok(
        &api.get(&acct("/workers/dispatch/namespaces/production/scripts"))
            .await,
    );
    assert_eq!(scripts[0]["id"], "customer-42");
    let namespaces = assert_ok(&api.get(&acct("/workers/dispatch/namespaces")).await);
    assert_eq!(namespaces[0]["script_count"], 1);
    let info = assert_ok(&api.get(&script_path).await);
    assert_eq!(info["script"]["id"], "customer-42");
    assert_eq!(info["dispatch_namespace"], "production");

    // Delete, then it is gone.
    assert_ok(&api.send("DELETE", &script_path, None, Vec::new()).await);
    assert_api_error(
        &api.get(&format!("{script_path}/settings")).await,
        404,
        10092,
        "does not exist in the dispatch namespace production",
    );
}

#[tokio::test]
async fn wfp_settings_patch_keeps_name_and_type_only_bindings() {
    let api = Api::start().await;
    api.create(
        "/workers/dispatch/namespaces",
        json!({"name": "production"}),
    )
    .await;
    let kv_id = api.create_kv("customer-42-data").await;
    api.create("/r2/buckets", json!({"name": "customer-42-files"}))
        .await;
    let (method, path, parts) = fixture("wfp-kv-user-worker");
    assert_ok(
        &api.multipart(
            &method,
            &path,
            &with_json_replaced(parts, FIXTURE_KV_ID, &kv_id),
        )
        .await,
    );

    let (method, path, parts) = fixture("wfp-settings-add-r2");
    assert_eq!(method, "PATCH");
    assert_eq!(parts[0].name, "settings");
    let settings = assert_ok(&api.multipart(&method, &path, &parts).await);
    assert_eq!(binding_names(&settings["bindings"]), ["USER_KV", "STORAGE"]);
    assert_eq!(settings["bindings"][0]["namespace_id"], kv_id.as_str());
    assert_eq!(settings["compatibility_date"], "2024-06-01");

    // Bindings left out of a PATCH are removed; fields not given are unchanged.
    let settings_path =
        acct("/workers/dispatch/namespaces/production/scripts/customer-42/settings");
    let only_r2 = vec![json_part(
        "settings",
        &json!({"bindings": [{"type": "r2_bucket", "name": "STORAGE"}]}),
    )];
    let settings = assert_ok(&api.multipart("PATCH", &settings_path, &only_r2).await);
    assert_eq!(binding_names(&settings["bindings"]), ["STORAGE"]);
    assert_eq!(settings["compatibility_date"], "2024-06-01");
    let no_bindings = vec![json_part("settings", &json!({"logpush": true}))];
    let settings = assert_ok(&api.multipart("PATCH", &settings_path, &no_bindings).await);
    assert_eq!(binding_names(&settings["bindings"]), ["STORAGE"]);
    assert_eq!(settings["logpush"], true);
}

fn secret_of(api: &Api, script: &str, name: &str) -> Option<String> {
    let state = api.sandbox.snapshot();
    let script = state.scripts.iter().find(|s| s.name == script)?;
    let binding = script
        .latest()
        .unwrap()
        .bindings
        .iter()
        .find(|b| b["name"] == name)?;
    binding["text"].as_str().map(String::from)
}

#[tokio::test]
async fn secrets_survive_keep_bindings_and_are_never_shown() {
    let api = Api::start().await;
    let path = acct("/workers/scripts/secretive");
    let code = module(
        "index.js",
        ESM,
        "export default { fetch() { return new Response('ok') } }",
    );
    let first = vec![
        json_part(
            "metadata",
            &json!({"main_module": "index.js", "bindings": [
                {"type": "secret_text", "name": "API_KEY", "text": "hunter2-very-secret"},
                {"type": "plain_text", "name": "MODE", "text": "dev"}
            ]}),
        ),
        code.clone(),
    ];
    let (_, body) = api.multipart("PUT", &path, &first).await;
    assert_eq!(body["success"], true, "{body}");
    assert!(!body.to_string().contains("hunter2"));

    // A later upload keeping secrets (as wrangler does) but replacing the vars.
    let second = vec![
        json_part(
            "metadata",
            &json!({"main_module": "index.js", "bindings": [{"type": "plain_text", "name": "MODE", "text": "prod"}], "keep_bindings": ["secret_text"]}),
        ),
        code.clone(),
    ];
    assert_ok(&api.multipart("PUT", &path, &second).await);
    assert_eq!(
        secret_of(&api, "secretive", "API_KEY").as_deref(),
        Some("hunter2-very-secret")
    );

    let (status, body) = api.get(&format!("{path}/settings")).await;
    assert_eq!(status, 200);
    assert!(!body.to_string().contains("hunter2"), "{body}");
    let bindings = &body["result"]["bindings"];
    assert_eq!(binding_names(bindings), ["MODE", "API_KEY"]);
    assert_eq!(
        bindings[1],
        json!({"type": "secret_text", "name": "API_KEY"})
    );
    assert_eq!(bindings[0]["text"], "prod");

    // A version upload keeping secrets; its answer shows no value either.
    let version = assert_ok(
        &api.multipart("POST", &format!("{path}/versions"), &second)
            .await,
    );
    assert_eq!(version["number"], 3);
    assert!(!version.to_string().contains("hunter2"));
    assert_eq!(
        secret_of(&api, "secretive", "API_KEY").as_deref(),
        Some("hunter2-very-secret")
    );
    // Deployed, so that settings can change (they apply to the deployed version).
    assert_ok(
        &api.post_json(
            &format!("{path}/deployments"),
            json!({"strategy": "percentage", "versions": [{"version_id": version["id"], "percentage": 100}]}),
        )
        .await,
    );

    // A settings PATCH naming the secret by name and type only keeps its value.
    let patch = vec![json_part(
        "settings",
        &json!({"bindings": [{"type": "secret_text", "name": "API_KEY"}]}),
    )];
    let settings = assert_ok(
        &api.multipart("PATCH", &format!("{path}/settings"), &patch)
            .await,
    );
    assert_eq!(binding_names(&settings["bindings"]), ["API_KEY"]);
    assert_eq!(
        secret_of(&api, "secretive", "API_KEY").as_deref(),
        Some("hunter2-very-secret")
    );

    // An upload without keep_bindings drops it.
    let third = vec![
        json_part("metadata", &json!({"main_module": "index.js"})),
        code,
    ];
    assert_ok(&api.multipart("PUT", &path, &third).await);
    assert_eq!(secret_of(&api, "secretive", "API_KEY"), None);
}

#[tokio::test]
async fn versions_inherit_and_content_uploads() {
    let api = Api::start().await;
    let kv_id = api.create_kv("cache").await;
    let path = acct("/workers/scripts/app");
    let v1 = vec![
        json_part("metadata", &json!({"main_module": "index.js", "bindings": [{"type": "kv_namespace", "name": "CACHE", "namespace_id": kv_id}], "compatibility_date": "2025-01-01"})),
        module("index.js", ESM, "import { helper } from './lib/helper.js'\nexport default { fetch() { return helper() } }"),
        module("lib/helper.js", ESM, "export const helper = () => new Response('v1')"),
    ];
    assert_ok(&api.multipart("PUT", &path, &v1).await);

    // Inherit by name with a rename, strict.
    let v2 = vec![
        json_part(
            "metadata",
            &json!({"main_module": "index.js", "bindings": [{"type": "inherit", "name": "STORE", "old_name": "CACHE"}]}),
        ),
        module(
            "index.js",
            ESM,
            "export default { fetch() { return new Response('v2') } }",
        ),
    ];
    let version = assert_ok(
        &api.multipart(
            "POST",
            &format!("{path}/versions?bindings_inherit=strict"),
            &v2,
        )
        .await,
    );
    assert_eq!(
        version["resources"]["bindings"],
        json!([{"type": "kv_namespace", "name": "STORE", "namespace_id": kv_id}])
    );
    assert_eq!(
        version["resources"]["script_runtime"]["compatibility_date"],
        Value::Null
    );
    assert_eq!(version["metadata"]["has_preview"], false);
    assert_eq!(version["id"].as_str().unwrap().len(), 36);
    // Uploaded, not deployed: the settings still show the first version until it is.
    let settings = assert_ok(&api.get(&format!("{path}/settings")).await);
    assert_eq!(binding_names(&settings["bindings"]), ["CACHE"]);
    assert_ok(
        &api.post_json(
            &format!("{path}/deployments"),
            json!({"strategy": "percentage", "versions": [{"version_id": version["id"], "percentage": 100}]}),
        )
        .await,
    );

    // Content-only upload: code changes, bindings stay.
    let content = vec![
        json_part("metadata", &json!({"main_module": "worker.js"})),
        module(
            "worker.js",
            ESM,
            "export default { fetch() { return new Response('v3') } }",
        ),
    ];
    let script = assert_ok(
        &api.multipart("PUT", &format!("{path}/content"), &content)
            .await,
    );
    assert_eq!(script["id"], "app");
    let settings = assert_ok(&api.get(&format!("{path}/settings")).await);
    assert_eq!(binding_names(&settings["bindings"]), ["STORE"]);
    let state = api.sandbox.snapshot();
    assert_eq!(state.scripts[0].latest().unwrap().code.entry, "worker.js");
}

#[tokio::test]
async fn resources_list_with_paging_and_their_own_shapes() {
    let api = Api::start().await;
    for title in ["a", "b", "c"] {
        api.create_kv(title).await;
    }
    let (_, body) = api
        .get(&acct("/storage/kv/namespaces?page=2&per_page=2"))
        .await;
    assert_eq!(body["result"].as_array().unwrap().len(), 1);
    assert_eq!(body["result"][0]["title"], "c");
    assert_eq!(
        body["result_info"],
        json!({"page": 2, "per_page": 2, "count": 1, "total_count": 3, "total_pages": 2})
    );
    assert_api_error(
        &api.post_json(&acct("/storage/kv/namespaces"), json!({"title": "a"}))
            .await,
        400,
        10014,
        "already exists",
    );

    api.create("/r2/buckets", json!({"name": "files"})).await;
    let response = client()
        .post(format!(
            "http://{}/client/v4{}",
            api.addr,
            acct("/r2/buckets")
        ))
        .header("authorization", TOKEN)
        .header("cf-r2-jurisdiction", "eu")
        .body(json!({"name": "eu-files"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(response).await["result"]["jurisdiction"], "eu");
    let buckets = assert_ok(&api.get(&acct("/r2/buckets")).await);
    assert_eq!(buckets["buckets"].as_array().unwrap().len(), 1);
    assert_eq!(buckets["buckets"][0]["name"], "files");
    let eu = client()
        .get(format!(
            "http://{}/client/v4{}",
            api.addr,
            acct("/r2/buckets")
        ))
        .header("authorization", TOKEN)
        .header("cf-r2-jurisdiction", "eu")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(eu).await["result"]["buckets"][0]["name"],
        "eu-files"
    );

    let database = api.create("/d1/database", json!({"name": "users"})).await;
    assert_eq!(database["uuid"].as_str().unwrap().len(), 36);
    assert_eq!(
        assert_ok(&api.get(&acct("/d1/database?name=use")).await)[0]["name"],
        "users"
    );
    let queue = api.create("/queues", json!({"queue_name": "jobs"})).await;
    assert_eq!(queue["queue_name"], "jobs");
    assert_eq!(queue["queue_id"].as_str().unwrap().len(), 32);
    for empty in [
        "/hyperdrive/configs",
        "/vectorize/v2/indexes",
        "/mtls_certificates",
    ] {
        assert_eq!(assert_ok(&api.get(&acct(empty)).await), json!([]));
    }
    assert_eq!(
        assert_ok(&api.get(&acct("/tokens/verify")).await)["status"],
        "active"
    );
}

#[tokio::test]
async fn state_persists_to_a_file_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox.json");
    let sandbox = bindery::server::sandbox::Sandbox::open(&file).unwrap();
    let addr = start_server(bindery::server::Upstream::Sandbox(sandbox), |_| {}).await;
    let api = Api {
        addr,
        sandbox: bindery::server::sandbox::Sandbox::in_memory(),
    };
    let kv_id = api.create_kv("kept").await;
    let again = bindery::server::sandbox::Sandbox::open(&file).unwrap();
    assert_eq!(again.snapshot().kv_namespaces[0].id, kv_id);
}

#[tokio::test]
async fn the_service_worker_fixture_with_blob_parts_is_accepted() {
    let api = Api::start().await;
    let (method, path, parts) = fixture("service-worker-blobs");
    let script = assert_ok(&api.multipart(&method, &path, &parts).await);
    assert_eq!(script["has_modules"], false);
    assert_eq!(script["handlers"], json!(["fetch"]));
    let stored = api.sandbox.snapshot();
    let code = &stored.scripts[0].latest().unwrap().code;
    assert_eq!(code.entry, "script");
    assert_eq!(
        code.modules.len(),
        4,
        "the wasm, text and data parts are kept"
    );
}

#[tokio::test]
async fn durable_object_migrations_must_follow_the_current_tag() {
    let api = Api::start().await;
    let (method, path, parts) = fixture("durable-object-migrations");
    // The fixture migrates from v1, which a new Worker does not have yet.
    let early = api.multipart(&method, &path, &parts).await;
    assert_api_error(
        &early,
        400,
        10079,
        "Migration tag precondition failed; current tag is (none)",
    );
    // Tag it v1 first, then the fixture's migration applies.
    let first = with_json_replaced(
        parts.clone(),
        "\"old_tag\":\"v1\",\"new_tag\":\"v2\"",
        "\"new_tag\":\"v1\"",
    );
    assert_eq!(
        assert_ok(&api.multipart(&method, &path, &first).await)["migration_tag"],
        "v1"
    );
    assert_eq!(
        assert_ok(&api.multipart(&method, &path, &parts).await)["migration_tag"],
        "v2"
    );
    let settings = assert_ok(
        &api.get(&acct("/workers/scripts/chat-backend/settings"))
            .await,
    );
    assert_eq!(settings["migrations"]["tag"], "v2");
    assert_eq!(binding_names(&settings["bindings"]), ["ROOMS", "COUNTERS"]);
}

#[tokio::test]
async fn user_workers_in_a_dispatch_namespace_have_secrets_too() {
    let api = Api::start().await;
    api.create("/workers/dispatch/namespaces", json!({"name": "tenants"}))
        .await;
    let script = acct("/workers/dispatch/namespaces/tenants/scripts/customer-1");
    let parts = vec![
        json_part("metadata", &json!({"main_module": "index.js"})),
        module(
            "index.js",
            ESM,
            "export default { fetch() { return new Response('hi') } }",
        ),
    ];
    assert_ok(&api.multipart("PUT", &script, &parts).await);
    let put = |name: &str| {
        json!({"name": name, "text": format!("{name}-value"), "type": "secret_text"})
            .to_string()
            .into_bytes()
    };
    assert_ok(
        &api.send(
            "PUT",
            &format!("{script}/secrets"),
            Some("application/json"),
            put("ONE"),
        )
        .await,
    );
    assert_ok(
        &api.send(
            "PATCH",
            &format!("{script}/secrets-bulk"),
            Some("application/merge-patch+json"),
            json!({"secrets": {"TWO": {"name": "TWO", "text": "2", "type": "secret_text"}}})
                .to_string()
                .into_bytes(),
        )
        .await,
    );
    let listed = assert_ok(&api.get(&format!("{script}/secrets")).await);
    assert_eq!(
        listed,
        json!([{"name": "ONE", "type": "secret_text"}, {"name": "TWO", "type": "secret_text"}])
    );
    assert_ok(
        &api.send("DELETE", &format!("{script}/secrets/ONE"), None, vec![])
            .await,
    );
    let bindings = assert_ok(&api.get(&format!("{script}/bindings")).await);
    assert_eq!(bindings, json!([{"name": "TWO", "type": "secret_text"}]));
    // The namespace's Worker and an account Worker of the same name are two Workers.
    assert_api_error(
        &api.get(&acct("/workers/scripts/customer-1/secrets")).await,
        404,
        10007,
        "does not exist on your account",
    );
}
