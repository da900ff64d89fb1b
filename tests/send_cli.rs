//! `bindery send` against the sandbox, as a user runs it: a real `bindery serve --upstream
//! sandbox` process, the real `bindery` binary, and the server's own request log to count what
//! arrived.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::bindery_serve::{Server, ACCOUNT};

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

const WORKER: &str = "export default { fetch(request, env) { return new Response(env.CUSTOMER) } }";

fn composition(target: &str, script: &str) -> String {
    let namespace = if target == "dispatch" {
        r#","dispatch_namespace":"customers""#
    } else {
        ""
    };
    format!(
        r#"{{"format":1,
  "request":{{"target":"{target}","operation":"upload","account_id":"{ACCOUNT}","script_name":"{script}"{namespace}}},
  "metadata":{{"main_module":"worker.js","compatibility_date":"2024-06-01",
    "bindings":[{{"type":"plain_text","name":"CUSTOMER","text":"template"}}]}},
  "modules":[{{"name":"worker.js","path":"worker.js"}}]}}"#
    )
}

fn report_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("report line {l:?}: {e}")))
        .collect()
}

fn outcomes(lines: &[serde_json::Value], outcome: &str) -> usize {
    lines.iter().filter(|l| l["outcome"] == outcome).count()
}

#[test]
fn send_one_prints_the_answer_and_exits_by_outcome() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "worker.js", WORKER);
    write(dir.path(), "ok.json", &composition("account", "hello"));
    let ok = bindery(dir.path(), &server, &["send", "ok.json"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let out = text(&ok.stdout);
    assert!(
        out.starts_with(&format!(
            "200 PUT {}/accounts/{ACCOUNT}/workers/scripts/hello (",
            server.api
        )),
        "{out}"
    );
    assert!(
        out.contains("Success: the API accepted the request."),
        "{out}"
    );
    assert_eq!(server.logged("PUT ").len(), 1);

    // The app's explanation, tied to the field at fault; exit 1.
    write(
        dir.path(),
        "cjs.json",
        &composition("account", "hello").replace(
            r#""path":"worker.js""#,
            r#""path":"worker.js","kind":"commonjs""#,
        ),
    );
    let refused = bindery(dir.path(), &server, &["send", "cjs.json"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let out = text(&refused.stdout);
    assert!(out.starts_with("400 PUT "), "{out}");
    assert!(
        out.contains(
            "error 10021 at modules[0].kind: Uncaught SyntaxError: Unexpected token 'export'"
        ),
        "{out}"
    );
    assert!(
        out.contains("Set the module's kind to \"ES module\""),
        "{out}"
    );
    assert!(text(&refused.stderr).contains("warning: the checks found errors"));

    // Bad input: exit 2, nothing sent.
    let before = server.logged("").len();
    let missing = bindery(dir.path(), &server, &["send", "nope.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("nope.json: cannot read the composition: no such file"));
    let no_token = bindery(dir.path(), &server, &["send", "ok.json"])
        .env_remove("CLOUDFLARE_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(text(&no_token.stderr).contains("set CLOUDFLARE_API_TOKEN"));
    assert_eq!(server.logged("").len(), before);
}

#[test]
fn send_many_fills_a_template_from_csv_and_reports_every_worker() {
    let server = Server::start(&[]);
    server.post_json(
        &format!("/accounts/{ACCOUNT}/workers/dispatch/namespaces"),
        r#"{"name":"customers"}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "worker.js", WORKER);
    write(
        dir.path(),
        "template.json",
        &composition("dispatch", "template"),
    );
    let mut csv = String::from("/request/script_name,/metadata/bindings/0/text\n");
    for i in 1..=40 {
        csv.push_str(&format!("customer-{i},\"Customer {i}, Inc.\"\n"));
    }
    csv.push_str("bad name/,x\n");
    write(dir.path(), "rows.csv", &csv);
    let run = bindery(
        dir.path(),
        &server,
        &[
            "send",
            "--many",
            "rows.csv",
            "--template",
            "template.json",
            "--report",
            "report.jsonl",
        ],
    )
    .output()
    .unwrap();
    let lines = report_lines(&dir.path().join("report.jsonl"));
    assert_eq!(lines.len(), 41, "{}", text(&run.stderr));
    assert_eq!(outcomes(&lines, "ok"), 40);
    assert_eq!(outcomes(&lines, "refused"), 1);
    assert_eq!(run.status.code(), Some(1), "one Worker was refused");
    let refused = lines.iter().find(|l| l["outcome"] == "refused").unwrap();
    assert_eq!(refused["source"], "rows.csv:42");
    assert!(
        refused["errors"][0]["message"].as_str().is_some(),
        "{refused}"
    );
    // Every Worker got its own value: read one back.
    let bindings = Command::new("curl")
        .args(["-sS", "-H", "Authorization: Bearer t"])
        .arg(format!("{}/accounts/{ACCOUNT}/workers/dispatch/namespaces/customers/scripts/customer-7/bindings", server.api))
        .output()
        .unwrap();
    assert!(
        text(&bindings.stdout).contains("Customer 7, Inc."),
        "{}",
        text(&bindings.stdout)
    );
    assert_eq!(server.logged("PUT ").len(), 41);
}

#[test]
fn a_folder_of_compositions_is_sent_and_a_broken_one_is_reported_not_sent() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let workers = dir.path().join("workers");
    std::fs::create_dir(&workers).unwrap();
    write(&workers, "worker.js", WORKER);
    for name in ["a", "b", "c"] {
        write(
            &workers,
            &format!("{name}.json"),
            &composition("account", name),
        );
    }
    write(&workers, "broken.json", "{\"format\":1,");
    let run = bindery(dir.path(), &server, &["send", "--many", "workers"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(outcomes(&lines, "ok"), 3);
    assert_eq!(outcomes(&lines, "invalid"), 1);
    assert!(
        text(&run.stderr).contains("3 sent, 0 refused, 0 failed, 1 invalid, 0 skipped"),
        "{}",
        text(&run.stderr)
    );
    assert_eq!(server.logged("PUT ").len(), 3);
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_resumes_without_sending_any_upload_twice() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "worker.js", WORKER);
    write(
        dir.path(),
        "template.json",
        &composition("account", "template"),
    );
    let rows: String = (1..=60)
        .map(|i| format!("{{\"/request/script_name\":\"resume-{i}\"}}\n"))
        .collect();
    write(dir.path(), "rows.jsonl", &rows);
    let args = [
        "send",
        "--many",
        "rows.jsonl",
        "--template",
        "template.json",
        "--rate-limit",
        "20/1",
        "--report",
        "report.jsonl",
    ];
    let child = bindery(dir.path(), &server, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1300));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let stopped: Output = child.wait_with_output().unwrap();
    assert_eq!(
        stopped.status.code(),
        Some(130),
        "{}",
        text(&stopped.stderr)
    );
    assert!(
        text(&stopped.stderr).contains("--resume report.jsonl"),
        "{}",
        text(&stopped.stderr)
    );
    let first = report_lines(&dir.path().join("report.jsonl"));
    let sent_before = outcomes(&first, "ok");
    assert!(
        (20..60).contains(&sent_before),
        "{sent_before} sent before the stop"
    );
    assert_eq!(
        first.len(),
        sent_before,
        "only finished Workers are reported"
    );

    let resumed = bindery(
        dir.path(),
        &server,
        &[
            "send",
            "--many",
            "rows.jsonl",
            "--template",
            "template.json",
            "--rate-limit",
            "off",
            "--resume",
            "report.jsonl",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed.stderr));
    assert!(text(&resumed.stderr).contains(&format!(
        "{} sent, 0 refused, 0 failed, 0 invalid, {sent_before} skipped",
        60 - sent_before
    )));
    let all = report_lines(&dir.path().join("report.jsonl"));
    assert_eq!(all.len(), 60);
    assert_eq!(outcomes(&all, "ok"), 60);
    // The server saw exactly one upload per Worker.
    let puts = server.logged("PUT ");
    assert_eq!(puts.len(), 60, "{puts:#?}");
    for i in 1..=60 {
        let path = format!("PUT /client/v4/accounts/{ACCOUNT}/workers/scripts/resume-{i} ");
        assert_eq!(
            puts.iter().filter(|l| l.starts_with(&path)).count(),
            1,
            "resume-{i}"
        );
    }
}

#[test]
fn a_thousand_workers_get_through_the_sandboxs_rate_limit_by_honouring_retry_after() {
    // 400 requests per second at most: 1,000 uploads cross it twice, so some get 429 with
    // Retry-After and must be sent again, once each, after the pause.
    let server = Server::start(&["--sandbox-rate-limit", "400/1"]);
    server.post_json(
        &format!("/accounts/{ACCOUNT}/workers/dispatch/namespaces"),
        r#"{"name":"customers"}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "worker.js", WORKER);
    write(
        dir.path(),
        "template.json",
        &composition("dispatch", "template"),
    );
    let mut csv = String::from("/request/script_name\n");
    for i in 1..=1000 {
        csv.push_str(&format!("tenant-{i}\n"));
    }
    write(dir.path(), "rows.csv", &csv);
    let started = std::time::Instant::now();
    let run = bindery(
        dir.path(),
        &server,
        &[
            "send",
            "--many",
            "rows.csv",
            "--template",
            "template.json",
            "--concurrency",
            "16",
            "--report",
            "report.jsonl",
        ],
    )
    .output()
    .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let lines = report_lines(&dir.path().join("report.jsonl"));
    assert_eq!(lines.len(), 1000);
    assert_eq!(outcomes(&lines, "ok"), 1000);
    let retried = lines
        .iter()
        .filter(|l| l["attempts"].as_u64() > Some(1))
        .count();
    assert!(
        retried > 0,
        "the limit was crossed, so some uploads were retried"
    );
    let limited = server
        .logged("PUT ")
        .iter()
        .filter(|l| l.contains(" 429 "))
        .count();
    assert!(limited > 0, "the sandbox answered 429");
    // Every Worker was accepted exactly once.
    let accepted: Vec<String> = server
        .logged("PUT ")
        .into_iter()
        .filter(|l| l.contains(" 200 "))
        .collect();
    assert_eq!(accepted.len(), 1000);
    let mut paths: Vec<&str> = accepted
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 1000);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}
