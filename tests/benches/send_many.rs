//! 1,000 Workers for Platforms user-Worker uploads into the sandbox, `bindery send --many`
//! against a loop of `wrangler deploy --dispatch-namespace`, in one run (prints figures;
//! `cargo bench --bench send_many`, part of `make bench`).
//!
//! Bindery sends 1,000 (and 10,000, to show its memory stays flat) with `--rate-limit off`.
//! wrangler is sampled on `BINDERY_BENCH_WRANGLER` deploys (default 100) and extrapolated to
//! 1,000. Peak memory is the high-water mark of the process tree's resident memory, polled.
//! Both run against one `bindery serve --upstream sandbox` (release build), without a limit.

#[path = "../support/peers.rs"]
#[allow(dead_code)]
mod peers;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const WORKER: &str =
    "export default { fetch(request, env) { return new Response(env.CUSTOMER) } }\n";

/// The resident memory of `pid` and its descendants, in KiB.
fn tree_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let own: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let mut children = 0;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in list.split_whitespace().filter_map(|c| c.parse().ok()) {
                children += tree_rss_kib(child);
            }
        }
    }
    own + children
}

/// Runs `command` to the end; its wall time and peak memory (MiB).
fn measure(mut command: Command) -> (Duration, f64, std::process::Output) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let pid = child.id();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(tree_rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let output = child.wait_with_output().expect("wait");
    let elapsed = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    poller.join().unwrap();
    let peak_mib = peak.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0;
    (elapsed, peak_mib, output)
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--upstream",
            "sandbox",
            "--dist",
            "no-such-dist",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Bindery is running: open ")
        .unwrap()
        .to_string();
    std::thread::spawn(move || lines.for_each(drop));
    Server(child, format!("{url}client/v4"))
}

fn create_namespace(api: &str, name: &str) {
    let output = Command::new("curl")
        .args([
            "-sS",
            "-X",
            "POST",
            "-H",
            "Authorization: Bearer t",
            "-H",
            "Content-Type: application/json",
        ])
        .arg(format!(
            "{api}/accounts/{ACCOUNT}/workers/dispatch/namespaces"
        ))
        .args(["--data-binary", &format!("{{\"name\":\"{name}\"}}")])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"success\":true"));
}

fn bindery_run(dir: &Path, api: &str, namespace: &str, count: usize) -> (Duration, f64) {
    std::fs::write(dir.join("worker.js"), WORKER).unwrap();
    let template = format!(
        r#"{{"format":1,"request":{{"target":"dispatch","operation":"upload","account_id":"{ACCOUNT}","script_name":"x","dispatch_namespace":"{namespace}"}},
"metadata":{{"main_module":"worker.js","compatibility_date":"2024-06-01","bindings":[{{"type":"plain_text","name":"CUSTOMER","text":"?"}}]}},
"modules":[{{"name":"worker.js","path":"worker.js"}}]}}"#
    );
    std::fs::write(dir.join("template.json"), template).unwrap();
    let mut rows = String::from("/request/script_name,/metadata/bindings/0/text\n");
    for i in 0..count {
        rows.push_str(&format!("customer-{i},Customer {i}\n"));
    }
    std::fs::write(dir.join("rows.csv"), rows).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_bindery"));
    command
        .current_dir(dir)
        .args([
            "send",
            "--many",
            "rows.csv",
            "--template",
            "template.json",
            "--upstream",
            api,
        ])
        .args([
            "--rate-limit",
            "off",
            "--concurrency",
            "32",
            "--report",
            "report.jsonl",
        ])
        .env("CLOUDFLARE_API_TOKEN", "bench-token");
    let (elapsed, peak, output) = measure(command);
    let report = std::fs::read_to_string(dir.join("report.jsonl")).unwrap();
    let ok = report
        .lines()
        .filter(|l| l.contains("\"outcome\":\"ok\""))
        .count();
    assert_eq!(ok, count, "{}", String::from_utf8_lossy(&output.stderr));
    (elapsed, peak)
}

fn wrangler_run(
    dir: &Path,
    api: &str,
    namespace: &str,
    count: usize,
) -> Result<(Duration, f64), String> {
    std::fs::write(dir.join("index.js"), WORKER).unwrap();
    std::fs::write(
        dir.join("wrangler.jsonc"),
        r#"{"name": "w", "main": "index.js", "compatibility_date": "2024-06-01", "vars": {"CUSTOMER": "?"}}"#,
    )
    .unwrap();
    let peers_api = peers::Api {
        base_url: api.to_string(),
        token: "bench-token".into(),
        account_id: ACCOUNT.into(),
    };
    let mut total = Duration::ZERO;
    let mut peak: f64 = 0.0;
    for i in 0..count {
        let mut command = peers::wrangler(dir, &peers_api);
        command.args([
            "deploy",
            "--dispatch-namespace",
            namespace,
            "--name",
            &format!("wrangler-{i}"),
        ]);
        let (elapsed, memory, output) = measure(command);
        if !output.status.success() {
            return Err(format!(
                "wrangler deploy failed against the sandbox:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        total += elapsed;
        peak = peak.max(memory);
    }
    Ok((total, peak))
}

fn main() {
    let samples: usize = std::env::var("BINDERY_BENCH_WRANGLER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let server = serve();
    let temp = tempfile::tempdir().unwrap();
    println!("1,000 user-Worker uploads into the sandbox (one machine, one run)");
    println!();
    println!("| client | Workers | total time | uploads per second | peak memory |");
    println!("|---|---|---|---|---|");
    let mut per_second = 0.0;
    for count in [1_000, 10_000] {
        let namespace = format!("bindery-{count}");
        create_namespace(&server.1, &namespace);
        let dir = temp.path().join(&namespace);
        std::fs::create_dir_all(&dir).unwrap();
        let (elapsed, peak) = bindery_run(&dir, &server.1, &namespace, count);
        let rate = count as f64 / elapsed.as_secs_f64();
        if count == 1_000 {
            per_second = rate;
        }
        println!(
            "| bindery send --many (--rate-limit off, --concurrency 32) | {count} | {:.2} s | {rate:.0} | {peak:.1} MiB |",
            elapsed.as_secs_f64()
        );
    }
    create_namespace(&server.1, "wrangler");
    let dir = temp.path().join("wrangler");
    std::fs::create_dir_all(&dir).unwrap();
    match wrangler_run(&dir, &server.1, "wrangler", samples) {
        Ok((elapsed, peak)) => {
            let each = elapsed.as_secs_f64() / samples as f64;
            println!(
                "| wrangler deploy --dispatch-namespace, in a loop | {samples} sampled → 1000 | {:.0} s (extrapolated; {each:.2} s each) | {:.2} | {peak:.0} MiB (one deploy) |",
                each * 1000.0,
                1.0 / each
            );
            println!();
            println!("Bindery is {:.0}× the wrangler loop.", per_second * each);
        }
        Err(e) => println!(
            "| wrangler deploy --dispatch-namespace | - | not measured: {} | | |",
            e.lines().take(3).collect::<Vec<_>>().join(" ")
        ),
    }
}
