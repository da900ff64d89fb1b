//! Real wrangler (4.x on Node 22, from `make setup-peers`) against `bindery serve --upstream
//! sandbox`: every command a user runs to deploy and manage a Worker exits 0, and what it did is
//! read back with wrangler's own list and view commands (and, where wrangler has none, from the
//! sandbox's state). One server for the whole file; the tests run side by side, each on its own
//! Worker names.

mod support;

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use bindery::server::sandbox::Sandbox;
use serde_json::{json, Value};
use support::peers::{json_stdout, run_ok, run_ok_with_input, wrangler};
use support::sandbox_server::SandboxServer;

fn server() -> &'static SandboxServer {
    static SERVER: OnceLock<SandboxServer> = OnceLock::new();
    SERVER.get_or_init(|| SandboxServer::start(Sandbox::in_memory()))
}

/// A project folder with `wrangler.json` and the given files.
fn project(config: Value, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wrangler.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn wr(dir: &Path, args: &[&str]) -> Output {
    run_ok(wrangler(dir, &server().api()), args)
}

fn wr_json(dir: &Path, args: &[&str]) -> Value {
    json_stdout(&wr(dir, args))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const WORKER: &[u8] =
    b"export default { async fetch(request, env) { return new Response(env.MODE) } };\n";

/// Creates a KV namespace with wrangler and returns its id, read back from `kv namespace list`.
fn kv_namespace(dir: &Path, title: &str) -> String {
    wr(dir, &["kv", "namespace", "create", title]);
    let list = wr_json(dir, &["kv", "namespace", "list"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"] == title)
        .unwrap_or_else(|| panic!("{title} not in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn names_and_types(bindings: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = bindings
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap().to_string(),
                b["type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn deploy_twice_then_versions_upload_list_deploy_split_deployments_and_rollback() {
    let scratch = project(json!({}), &[]);
    let kv = kv_namespace(scratch.path(), "hello-kv");
    let config = json!({
        "name": "hello",
        "main": "index.js",
        "compatibility_date": "2025-01-01",
        "compatibility_flags": ["nodejs_compat"],
        "kv_namespaces": [{"binding": "CACHE", "id": kv}],
        "vars": {"MODE": "first"},
    });
    let dir = project(config.clone(), &[("index.js", WORKER)]);
    let first = stdout(&wr(dir.path(), &["deploy"]));
    assert!(
        first.contains("https://hello.bindery-sandbox.workers.dev"),
        "{first}"
    );

    // The second deploy takes wrangler's versions-and-deployments path.
    let mut second_config = config.clone();
    second_config["vars"] = json!({"MODE": "second"});
    let dir = project(second_config, &[("index.js", WORKER)]);
    wr(dir.path(), &["deploy"]);

    wr(
        dir.path(),
        &[
            "versions",
            "upload",
            "--tag",
            "v3-tag",
            "--message",
            "third",
        ],
    );
    let versions = wr_json(dir.path(), &["versions", "list", "--json"]);
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 3, "{versions:?}");
    let ids: Vec<String> = versions
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let third = versions
        .iter()
        .find(|v| v["annotations"]["workers/tag"] == "v3-tag")
        .expect("the tagged version");
    assert_eq!(third["annotations"]["workers/message"], "third");
    let third_id = third["id"].as_str().unwrap().to_string();
    let second_id = ids
        .iter()
        .find(|id| **id != third_id && versions.iter().any(|v| v["id"] == **id && v["number"] == 2))
        .unwrap()
        .clone();

    // Each version's bindings and settings, as wrangler shows them.
    let view = wr_json(dir.path(), &["versions", "view", &third_id, "--json"]);
    assert_eq!(
        names_and_types(&view["resources"]["bindings"]),
        [
            ("CACHE".to_string(), "kv_namespace".to_string()),
            ("MODE".to_string(), "plain_text".to_string())
        ]
    );
    let bindings = view["resources"]["bindings"].as_array().unwrap();
    let mode = bindings.iter().find(|b| b["name"] == "MODE").unwrap();
    assert_eq!(mode["text"], "second");
    let cache = bindings.iter().find(|b| b["name"] == "CACHE").unwrap();
    assert_eq!(cache["namespace_id"], kv.as_str());
    assert_eq!(
        view["resources"]["script_runtime"]["compatibility_flags"],
        json!(["nodejs_compat"])
    );

    // One version at 100 %, then a gradual split of two.
    wr(
        dir.path(),
        &["versions", "deploy", &format!("{third_id}@100%"), "--yes"],
    );
    let status = wr_json(dir.path(), &["deployments", "status", "--json"]);
    assert_eq!(
        status["versions"],
        json!([{"version_id": third_id, "percentage": 100}])
    );
    wr(
        dir.path(),
        &[
            "versions",
            "deploy",
            &format!("{third_id}@30%"),
            &format!("{second_id}@70%"),
            "--message",
            "canary",
            "--yes",
        ],
    );
    let status = wr_json(dir.path(), &["deployments", "status", "--json"]);
    let mut split: Vec<(String, i64)> = status["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version_id"].as_str().unwrap().to_string(),
                v["percentage"].as_i64().unwrap(),
            )
        })
        .collect();
    split.sort_by_key(|(_, p)| *p);
    assert_eq!(split, [(third_id.clone(), 30), (second_id.clone(), 70)]);
    assert_eq!(status["annotations"]["workers/message"], "canary");

    let deployments = wr_json(dir.path(), &["deployments", "list", "--json"]);
    assert_eq!(deployments.as_array().unwrap().len(), 4, "{deployments}");

    // Rollback goes back to the last version that had all the traffic.
    let rollback = stdout(&wr(dir.path(), &["rollback", "--message", "undo", "--yes"]));
    assert!(rollback.contains(&third_id), "{rollback}");
    let status = wr_json(dir.path(), &["deployments", "status", "--json"]);
    assert_eq!(
        status["versions"],
        json!([{"version_id": third_id, "percentage": 100}])
    );
    assert_eq!(status["annotations"]["workers/message"], "undo");
}

#[test]
fn secrets_put_list_bulk_and_delete_and_a_deploy_keeps_them() {
    let dir = project(
        json!({"name": "secretive", "main": "index.js", "compatibility_date": "2025-01-01", "vars": {"MODE": "x"}}),
        &[
            ("index.js", WORKER),
            (
                "bulk.json",
                br#"{"BULK_A": "a-value", "BULK_B": "b-value"}"#,
            ),
        ],
    );
    wr(dir.path(), &["deploy"]);
    run_ok_with_input(
        wrangler(dir.path(), &server().api()),
        ["secret", "put", "API_KEY"],
        b"hunter2\n",
    );
    wr(dir.path(), &["secret", "bulk", "bulk.json"]);
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = wr_json(dir, &["secret", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert_eq!(s["type"], "secret_text");
                assert!(s.get("text").is_none(), "a secret value was shown: {s}");
                s["name"].as_str().unwrap().to_string()
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(dir.path()), ["API_KEY", "BULK_A", "BULK_B"]);
    wr(dir.path(), &["secret", "delete", "BULK_A"]);
    assert_eq!(names(dir.path()), ["API_KEY", "BULK_B"]);
    // A later deploy keeps the secrets (wrangler sends keep_bindings for secret types).
    wr(dir.path(), &["deploy"]);
    assert_eq!(names(dir.path()), ["API_KEY", "BULK_B"]);

    // The values arrived as sent (only the sandbox's state holds them).
    let state = server().sandbox.snapshot();
    let script = state
        .scripts
        .iter()
        .find(|s| s.name == "secretive")
        .unwrap();
    let text = |name: &str| {
        script
            .deployed()
            .unwrap()
            .bindings
            .iter()
            .find(|b| b["name"] == name)
            .unwrap()["text"]
            .clone()
    };
    assert_eq!(text("API_KEY"), "hunter2");
    assert_eq!(text("BULK_B"), "b-value");
}

#[test]
fn durable_object_migrations_first_second_and_a_new_step() {
    let class = b"import { DurableObject } from \"cloudflare:workers\";\n\
        export class Counter extends DurableObject { async fetch() { return new Response(\"1\") } }\n\
        export class Room extends DurableObject {}\n\
        export default { async fetch(request, env) { return new Response(\"ok\") } };\n";
    let config = json!({
        "name": "counter",
        "main": "index.js",
        "compatibility_date": "2025-01-01",
        "durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "Counter"}]},
        "migrations": [{"tag": "v1", "new_sqlite_classes": ["Counter"]}],
    });
    let dir = project(config.clone(), &[("index.js", class)]);
    let tag = || {
        server()
            .sandbox
            .snapshot()
            .scripts
            .iter()
            .find(|s| s.name == "counter")
            .and_then(|s| s.migration_tag.clone())
    };
    wr(dir.path(), &["deploy"]);
    assert_eq!(tag().as_deref(), Some("v1"));
    // Deployed again with the same migrations: wrangler reads the tag and sends none.
    wr(dir.path(), &["deploy"]);
    assert_eq!(tag().as_deref(), Some("v1"));
    // A new step: old_tag v1 → v2, with a second class bound.
    let mut next = config;
    next["migrations"]
        .as_array_mut()
        .unwrap()
        .push(json!({"tag": "v2", "new_sqlite_classes": ["Room"]}));
    next["durable_objects"]["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "ROOM", "class_name": "Room"}));
    let dir = project(next, &[("index.js", class)]);
    wr(dir.path(), &["deploy"]);
    assert_eq!(tag().as_deref(), Some("v2"));
    let versions = wr_json(dir.path(), &["versions", "list", "--json"]);
    let newest = versions
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|v| v["number"].as_u64())
        .unwrap()
        .clone();
    let view = wr_json(
        dir.path(),
        &["versions", "view", newest["id"].as_str().unwrap(), "--json"],
    );
    assert_eq!(
        names_and_types(&view["resources"]["bindings"]),
        [
            (
                "COUNTER".to_string(),
                "durable_object_namespace".to_string()
            ),
            ("ROOM".to_string(), "durable_object_namespace".to_string())
        ]
    );
}

#[test]
fn dispatch_namespace_create_list_and_deploy_a_user_worker_twice() {
    let dir = project(
        json!({"name": "customer-7", "main": "index.js", "compatibility_date": "2025-01-01", "vars": {"MODE": "tenant"}}),
        &[("index.js", WORKER)],
    );
    wr(dir.path(), &["dispatch-namespace", "create", "tenants"]);
    let listed = stdout(&wr(dir.path(), &["dispatch-namespace", "list"]));
    assert!(listed.contains("namespace_name: 'tenants'"), "{listed}");
    for _ in 0..2 {
        let out = stdout(&wr(
            dir.path(),
            &["deploy", "--dispatch-namespace", "tenants"],
        ));
        assert!(out.contains("Dispatch Namespace: tenants"), "{out}");
    }
    let listed = stdout(&wr(dir.path(), &["dispatch-namespace", "get", "tenants"]));
    assert!(listed.contains("script_count: 1"), "{listed}");
    let state = server().sandbox.snapshot();
    let script = state
        .scripts
        .iter()
        .find(|s| s.name == "customer-7")
        .unwrap();
    assert_eq!(script.namespace.as_deref(), Some("tenants"));
    assert_eq!(script.versions.len(), 2);
    assert_eq!(
        script.deployed().unwrap().bindings,
        [json!({"name": "MODE", "type": "plain_text", "text": "tenant"})]
    );
}

#[test]
fn resources_are_created_and_listed_with_wrangler() {
    let dir = project(json!({}), &[]);
    kv_namespace(dir.path(), "listed-kv");
    wr(dir.path(), &["r2", "bucket", "create", "listed-bucket"]);
    let buckets = stdout(&wr(dir.path(), &["r2", "bucket", "list"]));
    assert!(
        buckets.contains("name:           listed-bucket"),
        "{buckets}"
    );
    wr(dir.path(), &["d1", "create", "listed-db"]);
    let databases = wr_json(dir.path(), &["d1", "list", "--json"]);
    assert!(
        databases
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "listed-db" && d["uuid"].as_str().unwrap().len() == 36),
        "{databases}"
    );
    wr(dir.path(), &["queues", "create", "listed-queue"]);
    let queues = stdout(&wr(dir.path(), &["queues", "list"]));
    assert!(queues.contains("listed-queue"), "{queues}");
    wr(dir.path(), &["dispatch-namespace", "create", "listed-ns"]);
    let namespaces = stdout(&wr(dir.path(), &["dispatch-namespace", "list"]));
    assert!(
        namespaces.contains("namespace_name: 'listed-ns'"),
        "{namespaces}"
    );
}

#[test]
fn static_assets_are_uploaded_once_and_served_by_the_deployed_version() {
    let index = b"<!doctype html><h1>Hello</h1>\n";
    let binary: &[u8] = &[0, 1, 2, 255, 254];
    let dir = project(
        json!({
            "name": "site",
            "main": "index.js",
            "compatibility_date": "2025-01-01",
            "assets": {"directory": "./public", "binding": "ASSETS", "not_found_handling": "single-page-application"},
        }),
        &[
            (
                "index.js",
                b"export default { fetch(request, env) { return env.ASSETS.fetch(request) } };\n",
            ),
            ("public/index.html", index),
            ("public/img/logo.bin", binary),
        ],
    );
    let first = stdout(&wr(dir.path(), &["deploy"]));
    assert!(first.contains("Uploaded 2 files"), "{first}");
    let again = stdout(&wr(dir.path(), &["deploy"]));
    assert!(
        again.contains("No updated asset files to upload"),
        "{again}"
    );

    let state = server().sandbox.snapshot();
    let script = state.scripts.iter().find(|s| s.name == "site").unwrap();
    let manifest = script.deployed().unwrap().assets.clone().expect("assets");
    let paths: Vec<&str> = manifest.keys().map(String::as_str).collect();
    assert_eq!(paths, ["/img/logo.bin", "/index.html"]);
    for (path, bytes) in [("/index.html", &index[..]), ("/img/logo.bin", binary)] {
        let file = &state.assets.files[&manifest[path].hash];
        assert_eq!(&file.data[..], bytes, "{path}");
    }
    let settings = script.deployed().unwrap().settings.clone();
    assert_eq!(
        settings["assets"]["config"]["not_found_handling"],
        "single-page-application"
    );
    assert!(
        settings["assets"].get("jwt").is_none(),
        "the spent token is not kept"
    );
}

#[test]
fn delete_removes_the_worker() {
    let dir = project(
        json!({"name": "short-lived", "main": "index.js", "compatibility_date": "2025-01-01"}),
        &[("index.js", WORKER)],
    );
    wr(dir.path(), &["deploy"]);
    assert_eq!(
        wr_json(dir.path(), &["versions", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    wr(dir.path(), &["delete", "--force"]);
    let output = wrangler(dir.path(), &server().api())
        .args(["versions", "list", "--json"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("10007"), "{text}");
}
