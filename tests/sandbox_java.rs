//! The forum seed's own client, a Java 17 program on OkHttp 3 completed from the thread's
//! snippet (`tests/peers/java/ForumWorkerUpload.java`), against `bindery serve --upstream
//! sandbox`: its upload (body_part "script", metadata and script parts without filenames)
//! succeeds and is stored byte for byte, and the attempts the thread describes get the real
//! API's errors.

mod support;

use std::process::Command;

use bindery::server::sandbox::Sandbox;
use serde_json::Value;
use support::peers::{okhttp_class_path, peers_dir, run_ok};
use support::sandbox_server::SandboxServer;

#[test]
fn the_forum_java_client_uploads_and_its_known_mistakes_get_the_real_errors() {
    let classpath = okhttp_class_path();
    let classes = tempfile::tempdir().unwrap();
    let mut javac = Command::new("javac");
    javac.args(["-cp", &classpath, "-d"]).arg(classes.path());
    run_ok(javac, [peers_dir().join("java/ForumWorkerUpload.java")]);

    let server = SandboxServer::start(Sandbox::in_memory());
    let api = server.api();
    let mut java = Command::new("java");
    java.arg("-cp")
        .arg(format!("{}:{classpath}", classes.path().display()))
        .env("CLOUDFLARE_API_TOKEN", &api.token);
    let output = run_ok(java, ["ForumWorkerUpload", &api.base_url, &api.account_id]);
    let cases: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let case = |name: &str| -> &Value {
        cases
            .iter()
            .find(|c| c["case"] == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    let refused = |name: &str, code: u64, message: &str| {
        let c = case(name);
        assert_eq!(c["status"], 400, "{c}");
        assert_eq!(c["body"]["success"], false, "{c}");
        assert_eq!(c["body"]["errors"][0]["code"], code, "{c}");
        let got = c["body"]["errors"][0]["message"].as_str().unwrap();
        assert!(got.contains(message), "{name}: {got:?} lacks {message:?}");
    };

    refused(
        "bindings as application/json",
        10021,
        "unsupported Content-Type application/json",
    );
    refused(
        "bindings as application/javascript",
        10021,
        "Uncaught SyntaxError: Unexpected token ':' at worker.js:1",
    );
    refused(
        "bindings part instead of metadata",
        10021,
        "could not read content for part metadata",
    );
    refused(
        "module syntax as body_part",
        10021,
        "Uncaught SyntaxError: Unexpected token 'export' at script:1",
    );
    refused("unknown namespace id", 10041, "KV namespace");

    let upload = case("snippet upload");
    assert_eq!(upload["status"], 200, "{upload}");
    assert_eq!(upload["body"]["result"]["has_modules"], false);
    assert_eq!(upload["body"]["result"]["handlers"][0], "fetch");
    let settings = &case("settings")["body"]["result"]["bindings"];
    let namespace_id = case("create namespace")["body"]["result"]["id"].clone();
    assert_eq!(
        settings,
        &serde_json::json!([
            {"name": "GREETING", "text": "hello", "type": "plain_text"},
            {"name": "API_SECRET", "type": "secret_text"},
            {"name": "myGlobalVarName", "namespace_id": namespace_id, "type": "kv_namespace"},
        ])
    );

    // Stored as sent: the script part without filename, its type, its bytes; the secret's value.
    let state = server.sandbox.snapshot();
    let script = state
        .scripts
        .iter()
        .find(|s| s.name == "forum-worker")
        .unwrap();
    let code = &script.deployed().unwrap().code;
    assert_eq!(code.entry, "script");
    assert_eq!(code.modules.len(), 1);
    assert_eq!(code.modules[0].content_type, "application/javascript");
    assert!(std::str::from_utf8(&code.modules[0].data)
        .unwrap()
        .starts_with("addEventListener('fetch', event => {\n"));
    let secret = script.deployed().unwrap().bindings[1].clone();
    assert_eq!(secret["text"], "s3cr3t \"quoted\"");
    assert_eq!(
        script.versions.len(),
        1,
        "the refused uploads stored nothing"
    );
}
