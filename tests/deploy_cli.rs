//! `bindery deploy` and `bindery secret` against the sandbox, as a user runs them: versions
//! uploaded with `bindery send`, deployed at 100 %, split 90/10, rolled back; secrets put from
//! standard input, listed, deleted and changed in bulk. Each step is read back from the API.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::bindery_serve::{Server, ACCOUNT};

const SCRIPT: &str = "deploy-cli";

fn bindery(dir: &Path, server: &Server, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bindery"));
    command
        .current_dir(dir)
        .args(args)
        .args(["--upstream", &server.api])
        .env("CLOUDFLARE_API_TOKEN", "test-token")
        .env_remove("CLOUDFLARE_API_BASE_URL");
    command
}

fn run(dir: &Path, server: &Server, args: &[&str]) -> (i32, String) {
    let output = bindery(dir, server, args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        format!("{}{}", text(&output.stdout), text(&output.stderr)),
    )
}

fn with_stdin(dir: &Path, server: &Server, args: &[&str], input: &str) -> Output {
    let mut child = bindery(dir, server, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn composition(dir: &Path, operation: &str, greeting: &str) {
    std::fs::write(
        dir.join("worker.js"),
        format!("export default {{ fetch() {{ return new Response(\"{greeting}\") }} }}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("worker.json"),
        format!(
            r#"{{"format":1,"request":{{"target":"account","operation":"{operation}","account_id":"{ACCOUNT}","script_name":"{SCRIPT}"}},
"metadata":{{"main_module":"worker.js","compatibility_date":"2024-06-01"}},"modules":[{{"name":"worker.js","path":"worker.js"}}]}}"#
        ),
    )
    .unwrap();
}

fn deployment(server: &Server) -> serde_json::Value {
    let answer = server.call(
        "GET",
        &format!("/accounts/{ACCOUNT}/workers/scripts/{SCRIPT}/deployments"),
        None,
    );
    answer["result"]["deployments"][0].clone()
}

#[test]
fn versions_are_deployed_split_and_rolled_back() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    composition(dir.path(), "upload", "v1");
    assert_eq!(run(dir.path(), &server, &["send", "worker.json"]).0, 0);
    composition(dir.path(), "version", "v2");
    let (code, out) = run(dir.path(), &server, &["send", "worker.json"]);
    assert_eq!(code, 0, "{out}");
    let second = out
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .expect("the version id is printed")
        .to_string();

    let (code, list) = run(dir.path(), &server, &["deploy", "worker.json", "--list"]);
    assert_eq!(code, 0, "{list}");
    assert!(list.contains(&second), "{list}");
    assert!(list.contains("100 %"), "{list}");

    // The new version alone, by the beginning of its id.
    let (code, out) = run(
        dir.path(),
        &server,
        &[
            "deploy",
            "worker.json",
            &second[..8],
            "--message",
            "ship v2",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{}: 0 % → 100 %", &second[..8])),
        "{out}"
    );
    let now = deployment(&server);
    assert_eq!(
        now["versions"],
        serde_json::json!([{"version_id": second, "percentage": 100}])
    );
    assert_eq!(now["annotations"]["workers/message"], "ship v2");

    // 90/10 by number.
    let (code, out) = run(
        dir.path(),
        &server,
        &["deploy", "worker.json", "#2@90", "#1", "--tag", "canary"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("100 % → 90 %") && out.contains("0 % → 10 %"),
        "{out}"
    );
    let now = deployment(&server);
    assert_eq!(now["versions"][0]["percentage"].as_f64(), Some(90.0));
    assert_eq!(now["versions"][1]["percentage"].as_f64(), Some(10.0));
    assert_eq!(now["annotations"]["workers/tag"], "canary");

    // Roll back.
    let (code, out) = run(
        dir.path(),
        &server,
        &["deploy", "worker.json", "--rollback", "1"],
    );
    assert_eq!(code, 0, "{out}");
    let now = deployment(&server);
    assert_eq!(now["versions"].as_array().unwrap().len(), 1);
    assert_eq!(now["versions"][0]["percentage"].as_f64(), Some(100.0));
    assert_eq!(now["annotations"]["workers/message"], "Rollback");
    assert_ne!(now["versions"][0]["version_id"], second.as_str());

    // Mistakes are refused before anything is sent.
    let before = server.logged("POST ").len();
    let (code, out) = run(
        dir.path(),
        &server,
        &["deploy", "worker.json", "#1@90", "#2@20"],
    );
    assert_eq!(code, 2);
    assert!(
        out.contains("The shares add up to 110 %, not 100 %."),
        "{out}"
    );
    let (code, out) = run(dir.path(), &server, &["deploy", "worker.json", "ffff0000"]);
    assert_eq!(code, 2);
    assert!(out.contains("no version ffff0000"), "{out}");
    assert_eq!(server.logged("POST ").len(), before);
}

#[test]
fn secrets_are_put_from_standard_input_listed_deleted_and_changed_in_bulk() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    composition(dir.path(), "upload", "v1");
    assert_eq!(run(dir.path(), &server, &["send", "worker.json"]).0, 0);
    const VALUE: &str = "cli-secret-value-7Hq";

    let put = with_stdin(
        dir.path(),
        &server,
        &["secret", "put", "worker.json", "API_KEY"],
        &format!("{VALUE}\n"),
    );
    assert!(put.status.success(), "{}", text(&put.stderr));
    assert!(!text(&put.stdout).contains(VALUE) && !text(&put.stderr).contains(VALUE));
    let (code, list) = run(dir.path(), &server, &["secret", "list", "worker.json"]);
    assert_eq!((code, list.as_str()), (0, "API_KEY\tsecret_text\n"));

    let bulk = with_stdin(
        dir.path(),
        &server,
        &["secret", "bulk", "worker.json"],
        r#"{"A": "1", "B": "2", "API_KEY": null}"#,
    );
    assert!(
        bulk.status.success(),
        "{}{}",
        text(&bulk.stdout),
        text(&bulk.stderr)
    );
    assert!(text(&bulk.stdout).contains("2 secret(s) set, 1 deleted"));
    let (_, list) = run(dir.path(), &server, &["secret", "list", "worker.json"]);
    let mut names: Vec<&str> = list
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["A", "B"]);

    let (code, out) = run(
        dir.path(),
        &server,
        &["secret", "delete", "worker.json", "A"],
    );
    assert_eq!(code, 0, "{out}");
    let (_, list) = run(dir.path(), &server, &["secret", "list", "worker.json"]);
    assert_eq!(list, "B\tsecret_text\n");
    assert!(
        !server.log_text().contains(VALUE),
        "the value never reaches the log"
    );

    // An empty standard input is bad input, and nothing is sent.
    let empty = with_stdin(
        dir.path(),
        &server,
        &["secret", "put", "worker.json", "X"],
        "",
    );
    assert_eq!(empty.status.code(), Some(2));
}
