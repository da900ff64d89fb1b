//! The official TypeScript SDK (npm `cloudflare` 7.3, on Node 22) against `bindery serve
//! --upstream sandbox`: script upload with metadata and files, versions create and list,
//! settings get and edit, deployments, secrets, KV namespace create, a user Worker in a dispatch
//! namespace, the newer Workers API; the SDK's own encodings that the real API refuses get the
//! same refusal; and the SDK's back-off honours the sandbox's 429 `Retry-After`.
//!
//! The calls are in `tests/peers/sdk/*.mjs`, run by Node 22 from the pinned peers.

mod support;

use std::net::SocketAddr;

use bindery::server::sandbox::Sandbox;
use serde_json::{json, Value};
use support::peers::{json_stdout, node, peers_dir, run_ok};
use support::sandbox_server::{SandboxServer, PEER_TOKEN};

fn sdk_script(server: &SandboxServer, script: &str, args: &[&str]) -> Value {
    let api = server.api();
    let mut command = node(&peers_dir(), &peers_dir().join("sdk").join(script), args);
    command
        .env("CLOUDFLARE_API_BASE_URL", &api.base_url)
        .env("CLOUDFLARE_API_TOKEN", &api.token)
        .env("CLOUDFLARE_ACCOUNT_ID", &api.account_id);
    json_stdout(&run_ok(command, std::iter::empty::<&str>()))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect()
}

#[test]
fn the_sdk_uploads_versions_deploys_edits_settings_and_manages_secrets() {
    let server = SandboxServer::start(Sandbox::in_memory());
    let out = sdk_script(&server, "scenario.mjs", &[]);
    let kv_id = out["kv"]["id"].as_str().unwrap();
    assert_eq!(out["kv"]["title"], "sdk-kv");

    // Script upload with metadata and a module part, read back as uploaded.
    assert_eq!(out["upload"]["id"], "sdk-worker");
    assert_eq!(out["upload"]["handlers"], json!(["fetch"]));
    assert_eq!(out["upload"]["compatibility_date"], "2025-01-01");
    // The SDK's documented shape sends its form typed application/javascript: the API parses
    // the body as one script and stops at the first `--boundary`.
    for refused in ["documented_upload", "upload_as_javascript"] {
        assert_eq!(out[refused]["status"], 400, "{refused}: {}", out[refused]);
        assert_eq!(out[refused]["codes"], json!([10021]));
        assert_eq!(
            out[refused]["messages"][0],
            "Uncaught SyntaxError: Invalid left-hand side expression in prefix operation at worker.js:1"
        );
    }

    // Versions create, list (newest first), get.
    let version = &out["version"];
    assert_eq!(version["number"], 2);
    assert_eq!(version["annotations"]["workers/message"], "from the SDK");
    assert_eq!(version["annotations"]["workers/tag"], "sdk");
    assert_eq!(
        names(&version["resources"]["bindings"]),
        ["STORE", "GREETING"]
    );
    assert_eq!(
        version["resources"]["bindings"][0]["namespace_id"], kv_id,
        "inherited"
    );
    let listed: Vec<i64> = out["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [2, 1]);
    assert_eq!(out["version_get"]["id"], version["id"]);
    assert_eq!(
        out["version_get"]["resources"]["script_runtime"]["compatibility_date"],
        "2025-02-02"
    );

    // Settings: the deployed version's; an edit waits for the newest version to be deployed.
    assert_eq!(out["settings"]["compatibility_date"], "2025-01-01");
    assert_eq!(out["settings"]["bindings"][1]["text"], "hello from the SDK");
    assert_eq!(out["settings_edit_undeployed"]["codes"], json!([10214]));
    assert_eq!(
        out["deployment"]["versions"],
        json!([{"version_id": version["id"], "percentage": 100}])
    );
    assert_eq!(
        out["deployment"]["annotations"]["workers/message"],
        "deploy the SDK version"
    );
    for settings in [&out["settings_edit"], &out["settings_after"]] {
        assert_eq!(settings["compatibility_flags"], json!(["nodejs_compat"]));
        assert_eq!(settings["logpush"], true);
        assert_eq!(
            settings["bindings"][0]["namespace_id"], kv_id,
            "kept by name and type"
        );
        assert_eq!(settings["bindings"][1]["text"], "edited");
    }
    assert_eq!(out["script_settings"]["tags"], json!(["sdk"]));
    assert_eq!(out["deployments"]["strategy"], "percentage");

    // Deployment mistakes.
    assert_eq!(out["deploy_unknown_version"]["status"], 404);
    assert_eq!(out["deploy_unknown_version"]["codes"], json!([10021]));
    assert_eq!(out["deploy_not_100"]["status"], 400);
    assert!(out["deploy_not_100"]["messages"][0]
        .as_str()
        .unwrap()
        .contains("add up to 100, not 90"));

    // Secrets.
    assert_eq!(
        out["secret_put"],
        json!({"name": "SDK_SECRET", "type": "secret_text"})
    );
    assert_eq!(
        out["secrets"],
        json!([{"name": "SDK_SECRET", "type": "secret_text"}])
    );
    assert_eq!(out["secret_get"]["name"], "SDK_SECRET");
    assert_eq!(out["secret_bad_name"]["codes"], json!([10021]));
    assert_eq!(out["secret_gone"]["status"], 404);
    assert_eq!(out["secret_gone"]["codes"], json!([10056]));

    // The user Worker and its bindings; the newer Workers API; the scripts list.
    assert_eq!(out["user_upload"]["id"], "customer-1");
    assert_eq!(
        out["user_bindings"],
        json!([{"type": "kv_namespace", "name": "USER_KV", "namespace_id": kv_id}])
    );
    assert_eq!(out["worker"]["name"], "sdk-worker");
    assert_eq!(out["worker"]["logpush"], true);
    assert_eq!(out["worker"]["tags"], json!(["sdk"]));
    assert_eq!(out["scripts"], json!(["sdk-worker"]));

    // What the sandbox stored: the secret's value went in and out again.
    let state = server.sandbox.snapshot();
    let script = state
        .scripts
        .iter()
        .find(|s| s.name == "sdk-worker")
        .unwrap();
    assert!(script
        .deployed()
        .unwrap()
        .bindings
        .iter()
        .all(|b| b["name"] != "SDK_SECRET"));
    assert!(script
        .versions
        .iter()
        .any(|v| v.bindings.iter().any(|b| b["text"] == "s3cr3t")));
}

/// `GET /client/v4/user/tokens/verify` over a plain socket: the status, `Retry-After` and the
/// envelope.
fn raw_verify(addr: SocketAddr) -> (u16, Option<String>, Value) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /client/v4/user/tokens/verify HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {PEER_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let retry = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("retry-after: ")
            .map(String::from)
    });
    // The body may be chunked: take the JSON object inside.
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    (status, retry, serde_json::from_str(json).unwrap())
}

#[test]
fn past_the_rate_limit_the_sdk_backs_off_as_told_by_retry_after() {
    let sandbox = Sandbox::in_memory();
    sandbox.set_rate_limit("2/1".parse().unwrap());
    let server = SandboxServer::start(sandbox);
    assert_eq!(raw_verify(server.addr).0, 200);
    assert_eq!(raw_verify(server.addr).0, 200);
    let (status, retry, body) = raw_verify(server.addr);
    assert_eq!(status, 429);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(body["errors"][0]["code"], 971);

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = sdk_script(&server, "backoff.mjs", &["5"]);
    assert_eq!(out["succeeded"], 5, "{out}");
    // Two per second: the fifth call waited for the window at least twice.
    assert!(out["elapsed_ms"].as_u64().unwrap() >= 1500, "{out}");
}
