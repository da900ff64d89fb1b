//! The examples the app starts from really run: each example's composition, as the app builds
//! it, runs in workerd through Miniflare (the local runtime of the pinned wrangler peer; see
//! `tests/examples/run.mjs`) and answers requests the way its sample module says; an example
//! with static assets serves its assets folder through its assets binding.
//!
//! The Python example is the exception: workerd downloads the Pyodide runtime from the network
//! when a Python Worker starts, which this machine cannot reach, so its module is parsed by
//! CPython instead.

mod support;

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bindery::editor::examples::EXAMPLES;
use bindery::model::ModuleKind;
use serde_json::{json, Value};
use support::peers;

/// A request and what its answer must be: status and a text the body contains.
type Exchange = (
    &'static str,
    &'static str,
    Option<&'static str>,
    u16,
    &'static str,
);

/// What each runnable example must answer, in order (state carries over between requests).
fn exchanges(id: &str) -> &'static [Exchange] {
    match id {
        "kv-worker" => &[
            ("GET", "/", None, 200, "Visit number 1"),
            ("GET", "/", None, 200, "Visit number 2"),
        ],
        "wfp-user-worker-kv" => &[
            ("PUT", "/greeting", Some("hello"), 201, "Stored"),
            ("GET", "/greeting", None, 200, "hello"),
            ("GET", "/other", None, 404, "Not found"),
        ],
        "durable-object" => &[
            ("GET", "/", None, 200, "Count: 1"),
            ("GET", "/", None, 200, "Count: 2"),
        ],
        "service-worker-wasm" => &[("GET", "/", None, 200, "2 + 3 = 5")],
        // The assets folder serves the page and the 404 page; /api/* reaches the Worker first.
        "static-assets" => &[
            ("GET", "/", None, 200, "Hello from static assets"),
            (
                "GET",
                "/api/hello",
                None,
                200,
                "\"answered\":\"by the Worker\"",
            ),
            (
                "GET",
                "/nothing-here",
                None,
                404,
                "No file of the assets folder",
            ),
            ("GET", "/style.css", None, 200, "font-family"),
        ],
        other => panic!("the example `{other}` has no requests to run here: add them"),
    }
}

fn is_python(id: &str) -> bool {
    EXAMPLES.iter().find(|e| e.id == id).is_some_and(|e| {
        e.composition()
            .modules
            .iter()
            .any(|m| m.kind == ModuleKind::Python)
    })
}

#[test]
fn every_example_with_code_answers_as_its_module_says_in_workerd() {
    let runnable: Vec<_> = EXAMPLES
        .iter()
        .filter(|e| !e.composition().modules.is_empty() && !is_python(e.id))
        .collect();
    assert!(runnable.len() >= 4, "{} examples to run", runnable.len());
    let cases: Vec<Value> = runnable
        .iter()
        .map(|e| {
            let requests: Vec<Value> = exchanges(e.id)
                .iter()
                .map(|(method, path, body, _, _)| json!({"method": method, "path": path, "body": body}))
                .collect();
            // The assets folder, its files relative to the folder (`public/` dropped).
            let assets: Vec<Value> = e
                .assets
                .iter()
                .map(|(path, bytes)| {
                    let relative = path.split_once('/').map_or(*path, |(_, rest)| rest);
                    json!({"path": relative, "content_base64": STANDARD.encode(bytes)})
                })
                .collect();
            let mut case = json!({"id": e.id, "composition": e.composition(), "requests": requests});
            if !assets.is_empty() {
                case["assets"] = json!(assets);
            }
            case
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.json");
    std::fs::write(&file, serde_json::to_vec(&cases).unwrap()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/examples/run.mjs");
    let output = peers::node(dir.path(), &script, &[file.to_str().unwrap()])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "the runner failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the runner's output is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(results.len(), runnable.len());
    for (example, result) in runnable.iter().zip(&results) {
        assert_eq!(result["id"], example.id);
        for ((method, path, _, status, contains), response) in exchanges(example.id)
            .iter()
            .zip(result["responses"].as_array().unwrap())
        {
            assert_eq!(
                response["status"], *status,
                "{}: {method} {path} → {response}",
                example.id
            );
            assert!(
                response["body"].as_str().unwrap().contains(contains),
                "{}: {method} {path} → {response}",
                example.id
            );
        }
    }
}

#[test]
fn the_python_example_is_python_that_parses() {
    let python: Vec<_> = EXAMPLES.iter().filter(|e| is_python(e.id)).collect();
    assert_eq!(python.len(), 1);
    for example in python {
        for module in example.composition().modules {
            let parsed = Command::new("python3")
                .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
                .stdin(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write;
                    child.stdin.take().unwrap().write_all(&module.bytes)?;
                    child.wait_with_output()
                })
                .expect("python3 runs");
            assert!(
                parsed.status.success(),
                "{} does not parse: {}",
                module.name,
                String::from_utf8_lossy(&parsed.stderr)
            );
        }
    }
}
