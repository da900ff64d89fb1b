//! Bindery's generated programs (JavaScript, Python, Go, Java) against `bindery serve --upstream
//! sandbox`, with the seeds' scenarios: the forum's Worker bound to a KV namespace, then a Workers
//! for Platforms user Worker with KV, updated to add R2 while keeping KV (`keep_bindings`). Each
//! program exits 0 and what it uploaded is read back; the same program with a binding to a
//! namespace that does not exist exits non-zero with the API's 10041.
//!
//! (Rust programs are left out here for their compile time; `tests/generated_programs.rs` checks
//! every language's bytes on the wire.)

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bindery::encode::code::{self, CodeOptions, Language};
use bindery::server::sandbox::Sandbox;
use serde_json::{json, Value};
use support::sandbox_server::SandboxServer;

const PLACEHOLDER_KV: &str = "0f2ac74b498b48028cb68387c421e279";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture's composition with its names and ids replaced, in a folder with its module files.
fn composition(
    name: &str,
    replacements: &[(&str, &str)],
) -> (tempfile::TempDir, bindery::model::Composition) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(fixture(name).join("composition.json")).unwrap();
    for (from, to) in replacements {
        text = text.replace(from, to);
    }
    let path = dir.path().join("composition.json");
    std::fs::write(&path, text).unwrap();
    std::fs::copy(
        fixture(name).join("worker.js"),
        dir.path().join("worker.js"),
    )
    .unwrap();
    let composition = bindery::cli::load_composition(&path).unwrap();
    (dir, composition)
}

/// Writes, builds (where needed) and runs the program for `composition` in `dir`.
fn run_program(
    language: Language,
    dir: &Path,
    composition: &bindery::model::Composition,
    server: &SandboxServer,
) -> Output {
    let options = CodeOptions {
        api_base: server.base_url(),
        ..CodeOptions::default()
    };
    let program = code::generate(language, composition, &options);
    assert!(program.notes.is_empty(), "{:?}", program.notes);
    let mut command = match language {
        Language::JavaScript => {
            std::fs::write(dir.join("upload.mjs"), &program.text).unwrap();
            let mut node = Command::new("node");
            node.arg("upload.mjs");
            node
        }
        Language::Python => {
            std::fs::write(dir.join("upload.py"), &program.text).unwrap();
            let mut python = Command::new("python3");
            python.arg("upload.py");
            python
        }
        Language::Go => {
            let source = dir.join("go-src");
            std::fs::create_dir_all(&source).unwrap();
            std::fs::write(
                source.join("go.mod"),
                "module bindery.test/upload\n\ngo 1.16\n",
            )
            .unwrap();
            std::fs::write(source.join("upload.go"), &program.text).unwrap();
            let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-programs-go");
            let mut go = Command::new("go");
            go.current_dir(&source)
                .args(["build", "-ldflags=-s -w", "-o"])
                .arg(dir.join("upload-go"))
                .arg(".")
                .env("GOCACHE", cache.join("cache"))
                .env("GOPATH", cache.join("gopath"))
                .env("GOFLAGS", "-mod=mod")
                .env("GOPROXY", "off")
                .env("GO111MODULE", "on")
                .env("GOWORK", "off");
            checked(go.output().expect("go (make setup-peers)"), "go build");
            Command::new(dir.join("upload-go"))
        }
        Language::Java => {
            let jars = support::peers::okhttp_class_path();
            std::fs::write(dir.join("Upload.java"), &program.text).unwrap();
            let mut javac = Command::new("javac");
            javac
                .current_dir(dir)
                .args(["-cp", &jars, "-d", "classes", "Upload.java"]);
            checked(javac.output().expect("javac (make setup-peers)"), "javac");
            let mut java = Command::new("java");
            java.args([
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                &format!("{jars}:classes"),
                "Upload",
            ]);
            java
        }
        other => unreachable!("{other:?} is not run here"),
    };
    command
        .current_dir(dir)
        .env("CLOUDFLARE_API_TOKEN", &server.api().token)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy");
    command.output().expect("run the generated program")
}

fn checked(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Creates a resource through the server (a JSON POST over a plain socket); its `result`.
fn create(server: &SandboxServer, path: &str, body: Value) -> Value {
    let answer = post_json(server, path, &body);
    assert_eq!(answer["success"], true, "{answer}");
    answer["result"].clone()
}

fn post_json(server: &SandboxServer, path: &str, body: &Value) -> Value {
    use std::io::{Read, Write};
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "POST /client/v4{path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        server.api().token,
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let json = &response[response.find('{').unwrap()..=response.rfind('}').unwrap()];
    serde_json::from_str(json).unwrap()
}

fn bindings_of(server: &SandboxServer, namespace: Option<&str>, name: &str) -> Vec<Value> {
    let state = server.sandbox.snapshot();
    let script = state
        .scripts
        .iter()
        .find(|s| s.name == name && s.namespace.as_deref() == namespace)
        .unwrap_or_else(|| panic!("{name} was not uploaded"));
    script.deployed().unwrap().bindings.clone()
}

fn seeds_through(language: Language) {
    let server = SandboxServer::start(Sandbox::in_memory());
    let account = format!("/accounts/{}", bindery::server::sandbox::ACCOUNT_ID);
    let kv = create(
        &server,
        &format!("{account}/storage/kv/namespaces"),
        json!({"title": "users"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    create(
        &server,
        &format!("{account}/workers/dispatch/namespaces"),
        json!({"name": "production"}),
    );
    create(
        &server,
        &format!("{account}/r2/buckets"),
        json!({"name": "customer-42-files"}),
    );

    // The forum seed: an account Worker bound to the KV namespace, its code stored as sent.
    let (dir, c) = composition("seed-kv-worker", &[(PLACEHOLDER_KV, &kv)]);
    let output = checked(
        run_program(language, dir.path(), &c, &server),
        "the forum upload",
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("\"success\":true")
            || String::from_utf8_lossy(&output.stdout).contains("\"success\": true")
    );
    assert_eq!(
        bindings_of(&server, None, "visit-counter"),
        [json!({"type": "kv_namespace", "name": "USER_KV", "namespace_id": kv})]
    );
    let state = server.sandbox.snapshot();
    let stored = &state.scripts[0].deployed().unwrap().code.modules[0];
    assert_eq!(stored.name, "worker.js");
    assert_eq!(
        &stored.data[..],
        &std::fs::read(fixture("seed-kv-worker/worker.js")).unwrap()[..]
    );

    // The docs seed: a user Worker with KV, then R2 added with KV kept.
    let (dir, c) = composition("wfp-kv-user-worker", &[(PLACEHOLDER_KV, &kv)]);
    checked(
        run_program(language, dir.path(), &c, &server),
        "the user Worker",
    );
    let (dir, c) = composition("wfp-add-r2-keep-kv", &[]);
    checked(
        run_program(language, dir.path(), &c, &server),
        "R2 added, KV kept",
    );
    let mut names: Vec<String> = bindings_of(&server, Some("production"), "customer-42")
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["STORAGE", "USER_KV"]);

    // A binding to a namespace that does not exist: the program fails with the API's code.
    let (dir, c) = composition("seed-kv-worker", &[("visit-counter", "wrong-id")]);
    let output = run_program(language, dir.path(), &c, &server);
    assert!(!output.status.success(), "{output:?}");
    let printed = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(printed.contains("10041"), "{printed}");
}

#[test]
fn javascript_programs_upload_the_seeds_into_the_sandbox() {
    seeds_through(Language::JavaScript);
}

#[test]
fn python_programs_upload_the_seeds_into_the_sandbox() {
    seeds_through(Language::Python);
}

#[test]
fn go_programs_upload_the_seeds_into_the_sandbox() {
    seeds_through(Language::Go);
}

#[test]
fn java_programs_upload_the_seeds_into_the_sandbox() {
    seeds_through(Language::Java);
}
