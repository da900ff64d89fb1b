//! The sandbox's own state: a state file is checked whole at start-up (one clear error naming
//! the place at fault, instead of a panic or a plain-text 500 on some later request), numbers
//! cannot overflow, a refused change leaves the state exactly as it was, everything persists
//! across a restart, and concurrent clients lose no update.

mod proxy_common;

use std::path::Path;

use bindery::server::sandbox::Sandbox;
use bindery::server::Upstream;
use proxy_common::*;
use serde_json::{json, Value};

const GOOD: &str = "export default { fetch() { return new Response('ok') } }";

async fn serve_sandbox(sandbox: Sandbox) -> Api {
    let addr = start_server(Upstream::Sandbox(sandbox.clone()), |_| {}).await;
    Api { addr, sandbox }
}

fn upload(metadata: Value) -> Vec<Part> {
    vec![
        json_part("metadata", &metadata),
        module("index.js", ESM, GOOD),
    ]
}

/// A state file with one Worker (two versions, a split deployment, a secret), a KV namespace,
/// a dispatch namespace, and uploaded assets.
async fn populated_file(path: &Path) -> Api {
    let api = serve_sandbox(Sandbox::open(path).unwrap()).await;
    let kv = api.create_kv("store").await;
    api.create("/workers/dispatch/namespaces", json!({"name": "tenants"}))
        .await;
    let first = assert_ok(
        &api.multipart(
            "PUT",
            &acct("/workers/scripts/w"),
            &upload(json!({"main_module": "index.js", "bindings": [
                {"type": "kv_namespace", "name": "KV", "namespace_id": kv},
                {"type": "secret_text", "name": "TOKEN", "text": "hunter2"},
            ], "logpush": true})),
        )
        .await,
    )["deployment_id"]
        .clone();
    let second = assert_ok(
        &api.multipart(
            "POST",
            &acct("/workers/scripts/w/versions"),
            &upload(json!({"main_module": "index.js", "keep_bindings": ["kv_namespace", "secret_text"]})),
        )
        .await,
    )["id"]
        .clone();
    assert_ok(
        &api.post_json(
            &acct("/workers/scripts/w/deployments"),
            json!({"strategy": "percentage", "versions": [
                {"version_id": first, "percentage": 25}, {"version_id": second, "percentage": 75}]}),
        )
        .await,
    );
    assert_ok(
        &api.multipart(
            "PUT",
            &acct("/workers/dispatch/namespaces/tenants/scripts/user-1"),
            &upload(json!({"main_module": "index.js"})),
        )
        .await,
    );
    let session = assert_ok(
        &api.post_json(
            &acct("/workers/scripts/w/assets-upload-session"),
            json!({"manifest": {"/a.txt": {"hash": "abc123", "size": 1}}}),
        )
        .await,
    );
    assert_eq!(session["buckets"], json!([["abc123"]]));
    api
}

/// Folds the journal into the snapshot (as a restart does), so the snapshot holds everything.
fn fold(path: &Path) {
    drop(Sandbox::open(path).unwrap());
}

fn edit_file(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(path, serde_json::to_vec(&value).unwrap()).unwrap();
}

#[tokio::test]
async fn a_state_file_that_breaks_the_sandboxs_rules_is_refused_at_start_up_with_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("state.json");
    populated_file(&original).await;
    fold(&original);
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str); 9] = [
        (
            "no versions",
            |s| s["scripts"][0]["versions"] = json!([]),
            "scripts[0].versions: a Worker has at least one version",
        ),
        (
            "no deployments",
            |s| s["scripts"][0]["deployments"] = json!([]),
            "scripts[0].deployments: a Worker has at least one deployment",
        ),
        (
            "a content type with a newline",
            |s| {
                s["scripts"][0]["versions"][0]["code"]["modules"][0]["content_type"] =
                    json!("text/plain\nX-Injected: 1")
            },
            "scripts[0].versions[0].code.modules[0].content_type",
        ),
        (
            "version numbers that do not grow",
            |s| s["scripts"][0]["versions"][1]["number"] = json!(1),
            "scripts[0].versions[1].number",
        ),
        (
            "a deployment of a version that is not there",
            |s| s["scripts"][0]["deployments"][1]["versions"][0]["version_id"] = json!("gone"),
            "scripts[0].deployments[1].versions[0].version_id",
        ),
        (
            "percentages that do not add up to 100",
            |s| s["scripts"][0]["deployments"][1]["versions"][0]["percentage"] = json!(20),
            "add up to 95, not 100",
        ),
        (
            "an entry module that is not there",
            |s| s["scripts"][0]["versions"][0]["code"]["entry"] = json!("missing.js"),
            "scripts[0].versions[0].code.entry",
        ),
        (
            "a user Worker in a namespace that is not there",
            |s| s["dispatch_namespaces"] = json!([]),
            "scripts[1].namespace",
        ),
        (
            "the same KV namespace twice",
            |s| {
                let first = s["kv_namespaces"][0].clone();
                s["kv_namespaces"].as_array_mut().unwrap().push(first);
            },
            "kv_namespaces[1].id",
        ),
    ];
    for (name, edit, expected) in cases {
        let path = dir.path().join(format!("{}.json", name.replace(' ', "-")));
        std::fs::copy(&original, &path).unwrap();
        edit_file(&path, edit);
        let error = Sandbox::open(&path).expect_err(name);
        assert!(error.contains(expected), "{name}: {error}");
        assert!(error.starts_with("sandbox state "), "{name}: {error}");
        assert_eq!(error.lines().count(), 1, "{name}: one line: {error}");
    }
    // The same error stops `bindery serve` before it listens.
    let path = dir.path().join("no-versions.json");
    let error = bindery::server::args::parse_upstream("sandbox", Some(&path)).unwrap_err();
    assert!(error.contains("at least one version"), "{error}");
    assert!(Sandbox::open(&original).is_ok());
}

#[tokio::test]
async fn the_highest_version_number_refuses_the_next_upload_in_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    populated_file(&path).await;
    fold(&path);
    edit_file(&path, |s| {
        s["scripts"][0]["versions"][1]["number"] = json!(u32::MAX);
    });
    let api = serve_sandbox(Sandbox::open(&path).unwrap()).await;
    let before = serde_json::to_value(api.sandbox.snapshot()).unwrap();
    let refused = api
        .multipart(
            "PUT",
            &acct("/workers/scripts/w"),
            &upload(json!({"main_module": "index.js"})),
        )
        .await;
    assert_api_error(&refused, 400, 10021, "highest version number (4294967295)");
    assert_eq!(
        serde_json::to_value(api.sandbox.snapshot()).unwrap(),
        before
    );
}

#[tokio::test]
async fn a_refused_change_leaves_the_state_and_its_file_exactly_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let api = populated_file(&path).await;
    let before = serde_json::to_value(api.sandbox.snapshot()).unwrap();
    let journal = dir.path().join("state.json.journal");
    let files_before = (
        std::fs::read(&path).unwrap(),
        std::fs::read(&journal).unwrap(),
    );
    // Each of these gets past some checks and then fails: nothing of it may stay.
    let refused = [
        api.multipart(
            "PUT",
            &acct("/workers/scripts/w"),
            &upload(json!({"main_module": "index.js", "migrations": {"old_tag": "nope", "new_tag": "v9"}})),
        )
        .await,
        api.multipart(
            "PUT",
            &acct("/workers/scripts/brand-new"),
            &upload(json!({"main_module": "index.js", "bindings": [{"type": "queue", "name": "Q", "queue_name": "absent"}]})),
        )
        .await,
        api.send(
            "PATCH",
            &acct("/workers/scripts/w/secrets-bulk"),
            Some("application/merge-patch+json"),
            json!({"secrets": {"NEW": {"name": "NEW", "text": "v", "type": "secret_text"}, "KV": null}})
                .to_string()
                .into_bytes(),
        )
        .await,
    ];
    for answer in &refused {
        assert_eq!(answer.1["success"], false, "{}", answer.1);
    }
    assert_eq!(
        serde_json::to_value(api.sandbox.snapshot()).unwrap(),
        before
    );
    assert_eq!(
        (
            std::fs::read(&path).unwrap(),
            std::fs::read(&journal).unwrap()
        ),
        files_before,
        "nothing of a refused change reached the disk"
    );
}

#[tokio::test]
async fn everything_persists_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let api = populated_file(&path).await;
    assert_ok(
        &api.send(
            "PATCH",
            &acct("/workers/scripts/w/script-settings"),
            Some("application/json"),
            json!({"tags": ["persisted"]}).to_string().into_bytes(),
        )
        .await,
    );
    assert_ok(
        &api.send(
            "PUT",
            &acct("/workers/subdomain"),
            Some("application/json"),
            json!({"subdomain": "my-team"}).to_string().into_bytes(),
        )
        .await,
    );
    let before = serde_json::to_value(api.sandbox.snapshot()).unwrap();
    let reopened = Sandbox::open(&path).unwrap();
    assert_eq!(serde_json::to_value(reopened.snapshot()).unwrap(), before);
    let state = reopened.snapshot();
    let script = &state.scripts[0];
    assert_eq!(script.deployment().unwrap().versions.len(), 2);
    assert_eq!(script.settings["tags"], json!(["persisted"]));
    assert_eq!(state.workers_subdomain.as_deref(), Some("my-team"));
    assert_eq!(state.assets.tokens.len(), 1);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["state.json", "state.json.journal"],
        "no temporary file left beside the state"
    );
}

#[test]
fn a_state_file_from_an_earlier_sandbox_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let module = json!({"name": "index.js", "content_type": "application/javascript+module", "data": "ZXhwb3J0IGRlZmF1bHQge30="});
    let version = |id: &str, number: u32| {
        json!({"id": id, "number": number, "created_on": "2026-01-01T00:00:00.000000Z",
               "code": {"entry": "index.js", "syntax": "module", "modules": [module]},
               "bindings": [], "settings": {"logpush": true, "compatibility_date": "2025-01-01"}})
    };
    std::fs::write(
        &path,
        json!({"scripts": [{"namespace": null, "name": "old", "created_on": "2026-01-01T00:00:00.000000Z",
            "modified_on": "2026-01-01T00:00:00.000000Z", "migration_tag": null,
            "versions": [version("a", 1), version("b", 2)]}]})
        .to_string(),
    )
    .unwrap();
    let state = Sandbox::open(&path).unwrap().snapshot();
    let script = &state.scripts[0];
    assert_eq!(script.deployed().unwrap().id, "b");
    assert_eq!(script.settings["logpush"], true);
    assert!(script
        .versions
        .iter()
        .all(|v| !v.settings.contains_key("logpush")));
    assert_eq!(
        script.versions[1].settings["compatibility_date"],
        "2025-01-01"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_lose_no_update() {
    let api = serve_sandbox(Sandbox::in_memory()).await;
    assert_ok(
        &api.multipart(
            "PUT",
            &acct("/workers/scripts/shared"),
            &upload(json!({"main_module": "index.js"})),
        )
        .await,
    );
    // 40 secrets put at once on one Worker (each a read-modify-write of its bindings), and 20
    // Workers uploaded at once.
    let api = std::sync::Arc::new(api);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.send(
                "PUT",
                &acct("/workers/scripts/shared/secrets"),
                Some("application/json"),
                json!({"name": format!("S{i}"), "text": format!("v{i}"), "type": "secret_text"})
                    .to_string()
                    .into_bytes(),
            )
            .await
        }));
    }
    for i in 0..20 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.multipart(
                "PUT",
                &acct(&format!("/workers/scripts/w{i}")),
                &upload(json!({"main_module": "index.js"})),
            )
            .await
        }));
    }
    for task in tasks {
        assert_ok(&task.await.unwrap());
    }
    let secrets = assert_ok(&api.get(&acct("/workers/scripts/shared/secrets")).await);
    assert_eq!(secrets.as_array().unwrap().len(), 40);
    let state = api.sandbox.snapshot();
    assert_eq!(state.scripts.len(), 21);
    let shared = state.scripts.iter().find(|s| s.name == "shared").unwrap();
    assert_eq!(shared.versions.len(), 41);
    let numbers: Vec<u32> = shared.versions.iter().map(|v| v.number).collect();
    assert_eq!(numbers, (1..=41).collect::<Vec<u32>>());
    bindery::server::sandbox::validate::validate(&state).unwrap();
}
