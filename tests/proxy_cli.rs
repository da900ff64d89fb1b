//! `bindery serve` as a process: the printed URL, the address checks, and the request log
//! (one line per request, query values redacted, never the token or a body).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn bindery() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
}

/// Starts `bindery serve` with `args` and returns the child and the URL it printed.
fn start(args: &[&str]) -> (Child, String) {
    let mut child = bindery()
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Bindery is running: open ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    // Keep reading stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url)
}

fn stop(mut child: Child) -> String {
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

#[test]
fn the_log_has_one_line_per_request_and_no_secrets() {
    let (child, url) = start(&[
        "--addr",
        "127.0.0.1:0",
        "--upstream",
        "sandbox",
        "--dist",
        "no-such-dist",
    ]);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let accounts = client
            .get(format!(
                "{url}client/v4/accounts?page=1&per_page=super-secret-value"
            ))
            .header("authorization", "Bearer tok-SECRET-123")
            .send()
            .await
            .unwrap();
        assert_eq!(accounts.status(), 400, "per_page is not a number");
        let created = client
            .post(format!(
                "{url}client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces"
            ))
            .header("authorization", "Bearer tok-SECRET-123")
            .header("cookie", "session=COOKIE-SECRET")
            .body(r#"{"title":"BODY-SECRET"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 200);
        let page = client.get(&url).send().await.unwrap();
        assert!(page.text().await.unwrap().contains("make run"));
    });
    let log = stop(child);
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with("bindery: ")).collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].starts_with("bindery: GET /client/v4/accounts?page=…&per_page=… 400 "),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("bindery: POST /client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces 200 "));
    assert!(lines[2].starts_with("bindery: GET / 200 "));
    for line in &lines {
        assert!(line.ends_with("ms"), "{line}");
        assert!(line.contains("B "), "{line}");
    }
    for secret in [
        "tok-SECRET",
        "super-secret-value",
        "BODY-SECRET",
        "COOKIE-SECRET",
        "Bearer",
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into the log:\n{log}"
        );
    }
}

#[test]
fn non_loopback_addresses_need_the_flag_and_get_a_warning() {
    let refused = bindery()
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-remote"));

    let (child, url) = start(&[
        "--addr",
        "0.0.0.0:0",
        "--allow-remote",
        "--upstream",
        "sandbox",
    ]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let log = stop(child);
    assert!(log.contains("WARNING"), "{log}");
}

#[test]
fn bad_options_are_explained() {
    for (args, needle) in [
        (
            vec!["--upstream", "ftp://example.com"],
            "http:// or https://",
        ),
        (
            vec!["--upstream", "cloudflare", "--sandbox-state", "s.json"],
            "--sandbox-state only applies",
        ),
        (vec!["--addr", "nonsense"], "HOST:PORT"),
        (vec!["--max-body-mib", "0"], "at least 1"),
    ] {
        let output = bindery().arg("serve").args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn an_abandoned_request_and_a_bare_query_key_are_logged_without_the_key() {
    // An upstream that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = format!("http://{}/client/v4", silent.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(1) {
            open.push(stream);
            std::thread::sleep(Duration::from_secs(2));
        }
    });
    let (child, url) = start(&["--addr", "127.0.0.1:0", "--upstream", &upstream]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let gave_up = client
            .get(format!("{url}client/v4/accounts"))
            .header("authorization", "Bearer tok-SECRET-123")
            .timeout(Duration::from_millis(400))
            .send()
            .await;
        assert!(gave_up.is_err(), "the silent upstream answered");
        let info = client
            .get(format!("{url}bindery/info?LONE-SECRET-KEY"))
            .send()
            .await
            .unwrap();
        assert_eq!(info.status(), 200);
    });
    std::thread::sleep(Duration::from_millis(300));
    let log = stop(child);
    held.join().unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with("bindery: ")).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bindery: GET /client/v4/accounts abandoned 0B ")),
        "{log}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bindery: GET /bindery/info?… 200 ")),
        "{log}"
    );
    assert!(
        !log.contains("LONE-SECRET-KEY") && !log.contains("tok-SECRET"),
        "{log}"
    );
}
