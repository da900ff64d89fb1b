//! Sandbox benchmark: 1,000 user-Worker uploads (Workers for Platforms, each a small ES module
//! with a KV binding, as a platform provisioning its customers sends them) into a `bindery serve
//! --upstream sandbox` process, 16 at a time, in memory and with `--sandbox-state FILE`.
//!
//! Prints, per mode: uploads per second, the median and p95 time of one upload, and the server's
//! peak resident memory (VmHWM of its own process) before and after; with a state file, the size
//! of the snapshot and its journal.
//! (Bindery's `send --many` against a wrangler loop is the deploy benchmark's.)
//!
//! Run: `cargo bench --bench sandbox` (set `BINDERY_BIN=target/release/bindery` to measure a
//! release build; the default is the build cargo makes for the bench).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const UPLOADS: usize = 1000;
const IN_FLIGHT: usize = 16;
const BOUNDARY: &str = "----BinderySandboxBench";

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let binary = std::env::var("BINDERY_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_bindery").to_string());
        let mut child = Command::new(&binary)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--upstream",
                "sandbox",
                "--dist",
                "no-such-dist",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("Bindery is running: open ")
            .expect("the URL line")
            .trim_end_matches('/')
            .to_string();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Server {
            child,
            base: format!("{url}/client/v4/accounts/{ACCOUNT}"),
        }
    }

    /// Peak resident set size of the server process, in MiB.
    fn peak_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kib / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The multipart body of customer `n`'s Worker (about 1.5 KB).
fn body(n: usize, kv: &str) -> Vec<u8> {
    let metadata = json!({
        "main_module": "index.js",
        "compatibility_date": "2025-01-01",
        "bindings": [
            {"type": "kv_namespace", "name": "USER_KV", "namespace_id": kv},
            {"type": "plain_text", "name": "CUSTOMER", "text": format!("customer-{n}")},
        ],
    });
    let code = format!(
        "export default {{\n  async fetch(request, env) {{\n    const hits = Number(await env.USER_KV.get('hits') ?? 0) + 1;\n    await env.USER_KV.put('hits', String(hits));\n    return new Response(`${{env.CUSTOMER}}: ${{hits}}`);\n  }}\n}};\n// {}\n",
        "x".repeat(1024)
    );
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadata}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\nContent-Type: application/javascript+module\r\n\r\n{code}\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

async fn post_json(client: &reqwest::Client, url: String, value: Value) -> Value {
    let response = client
        .post(url)
        .bearer_auth("bench")
        .header("content-type", "application/json")
        .body(value.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

struct Figures {
    per_second: f64,
    median_ms: f64,
    p95_ms: f64,
    idle_mib: f64,
    peak_mib: f64,
}

async fn run(server: &Server) -> Figures {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let idle_mib = server.peak_mib();
    let kv = post_json(
        &client,
        format!("{}/storage/kv/namespaces", server.base),
        json!({"title": "customers"}),
    )
    .await["result"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    post_json(
        &client,
        format!("{}/workers/dispatch/namespaces", server.base),
        json!({"name": "customers"}),
    )
    .await;
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..UPLOADS).map(|n| body(n, &kv)).collect());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (client, bodies, next, base) = (
            client.clone(),
            bodies.clone(),
            next.clone(),
            server.base.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= UPLOADS {
                    return times;
                }
                let one = Instant::now();
                let response = client
                    .put(format!(
                        "{base}/workers/dispatch/namespaces/customers/scripts/customer-{n}"
                    ))
                    .bearer_auth("bench")
                    .header(
                        "content-type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(bodies[n].clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let text = response.text().await.unwrap();
                assert!(status.is_success(), "upload {n}: {status} {text}");
                times.push(one.elapsed());
            }
        }));
    }
    let mut times: Vec<Duration> = Vec::new();
    for worker in workers {
        times.extend(worker.await.unwrap());
    }
    let total = started.elapsed();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Figures {
        per_second: UPLOADS as f64 / total.as_secs_f64(),
        median_ms: ms(times[times.len() / 2]),
        p95_ms: ms(times[times.len() * 95 / 100]),
        idle_mib,
        peak_mib: server.peak_mib(),
    }
}

#[tokio::main]
async fn main() {
    println!(
        "Sandbox: {UPLOADS} user-Worker uploads (about 1.5 KB each, {IN_FLIGHT} in flight) into `bindery serve --upstream sandbox`\n"
    );
    println!(
        "| mode | uploads/s | one upload, median | p95 | server memory idle → peak | state file |"
    );
    println!("|---|---|---|---|---|---|");
    let memory = Server::start(&[]);
    let figures = run(&memory).await;
    drop(memory);
    println!(
        "| in memory | {:.0} | {:.1} ms | {:.1} ms | {:.1} → {:.1} MiB | |",
        figures.per_second, figures.median_ms, figures.p95_ms, figures.idle_mib, figures.peak_mib
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    let saved = Server::start(&["--sandbox-state", path.to_str().unwrap()]);
    let figures = run(&saved).await;
    drop(saved);
    let size = ["", ".journal"]
        .iter()
        .map(|suffix| {
            std::fs::metadata(format!("{}{suffix}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum::<u64>() as f64
        / 1e6;
    println!(
        "| --sandbox-state FILE (each upload journaled and flushed) | {:.0} | {:.1} ms | {:.1} ms | {:.1} → {:.1} MiB | {size:.1} MB |",
        figures.per_second, figures.median_ms, figures.p95_ms, figures.idle_mib, figures.peak_mib
    );
}
