//! `bindery render` and `check` on compositions someone else wrote: module paths that reach
//! outside the composition's folder or at files that never end, values that would move the
//! request to another endpoint, a module file named `-`. Run as a process, as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn bindery(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A FIFO or a device must not hang the command: give up (and fail) after a while.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("bindery {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn composition(dir: &Path, request: Value, modules: Value) -> PathBuf {
    let path = dir.join("upload.json");
    let text = json!({
        "format": 1,
        "request": request,
        "metadata": {"main_module": "worker.js", "compatibility_date": "2024-06-01"},
        "modules": modules,
    });
    std::fs::write(&path, text.to_string()).unwrap();
    path
}

fn request() -> Value {
    json!({"account_id": "023e105f4ecef8ad9ca31a8372d0c353", "script_name": "w"})
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn a_shared_composition_cannot_read_files_outside_its_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("credentials");
    std::fs::write(&secret, "aws_secret_access_key=hunter2").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("lib.js")).unwrap();
    for module_path in [secret.to_str().unwrap(), "lib.js", "/proc/self/environ"] {
        let path = composition(
            dir.path(),
            request(),
            json!([{"name": "worker.js", "path": module_path}]),
        );
        let file = path.to_str().unwrap();
        for args in [
            vec!["render", file, "--as", "multipart"],
            vec!["render", file, "--as", "curl"],
            vec!["check", file],
        ] {
            let output = bindery(&args);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?}: {}",
                stderr(&output)
            );
            assert!(
                stderr(&output).contains("is outside the composition's folder"),
                "{}",
                stderr(&output)
            );
            assert!(!String::from_utf8_lossy(&output.stdout).contains("hunter2"));
        }
    }
    // Asked for explicitly, it is read (and the curl command names the file).
    let path = composition(
        dir.path(),
        request(),
        json!([{"name": "worker.js", "path": secret.to_str().unwrap()}]),
    );
    let file = path.to_str().unwrap();
    let output = bindery(&["render", file, "--as", "multipart", "--allow-outside-paths"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("hunter2"));
    let output = bindery(&["render", file, "--as", "curl", "--allow-outside-paths"]);
    let curl = String::from_utf8_lossy(&output.stdout);
    assert!(curl.contains(&format!("=@{};", secret.display())), "{curl}");
}

#[test]
fn fifos_and_devices_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("worker.js");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for (module_path, what) in [("worker.js", "a named pipe"), ("/dev/urandom", "a device")] {
        let path = composition(
            dir.path(),
            request(),
            json!([{"name": "worker.js", "path": module_path}]),
        );
        let output = bindery(&["check", path.to_str().unwrap(), "--allow-outside-paths"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(what), "{}", stderr(&output));
    }
}

#[test]
fn a_module_larger_than_the_request_cap_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("worker.js"), "x".repeat(2 * 1024 * 1024)).unwrap();
    let path = composition(
        dir.path(),
        request(),
        json!([{"name": "worker.js", "path": "worker.js"}]),
    );
    let file = path.to_str().unwrap();
    let output = bindery(&["check", file, "--max-body-mib", "1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("larger than the request cap of 1 MiB"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        bindery(&["check", file, "--max-body-mib", "2"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn values_that_move_the_endpoint_are_errors_and_never_rendered() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("worker.js"), "export default {}").unwrap();
    let modules = json!([{"name": "worker.js", "path": "worker.js"}]);
    let cases = [
        (
            json!({"account_id": "..", "script_name": "w"}),
            "request.account_id",
        ),
        (
            json!({"account_id": "023e105f4ecef8ad9ca31a8372d0c353", "script_name": "."}),
            "request.script_name",
        ),
        (
            json!({"account_id": "023e105f4ecef8ad9ca31a8372d0c353", "script_name": "w",
                "target": "dispatch", "dispatch_namespace": "a/b"}),
            "request.dispatch_namespace",
        ),
    ];
    for (request, at) in cases {
        let path = composition(dir.path(), request, modules.clone());
        let file = path.to_str().unwrap();
        let check = bindery(&["check", file]);
        assert_eq!(check.status.code(), Some(1));
        let findings = String::from_utf8_lossy(&check.stdout);
        assert!(
            findings.contains(&format!("error[endpoint-segment-unsafe] {at}: ")),
            "{findings}"
        );
        for language in ["curl", "python", "js"] {
            let render = bindery(&["render", file, "--as", language]);
            assert_eq!(render.status.code(), Some(2), "{language}");
            assert!(render.stdout.is_empty(), "{language}");
            assert!(
                stderr(&render).contains("not rendered"),
                "{}",
                stderr(&render)
            );
        }
    }
}

#[test]
fn a_module_file_named_dash_is_read_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("-"), "export default {}").unwrap();
    let path = composition(
        dir.path(),
        request(),
        json!([{"name": "worker.js", "path": "-"}]),
    );
    let output = bindery(&["render", path.to_str().unwrap(), "--as", "curl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let curl = String::from_utf8_lossy(&output.stdout);
    assert!(curl.contains("worker.js=@./-;"), "{curl}");
    assert!(curl.contains("curl --path-as-is "), "{curl}");
}
