//! Proxy benchmark: the same local upstream reached directly and through `bindery serve`.
//!
//! Prints: 100 MB upload throughput (direct, proxied, ratio) both unpaced on loopback (where
//! copying is the limit, so the extra hop shows) and against an upstream draining at 1 Gbit/s
//! (a fast real uplink, where the proxy should cost nothing), small-request latency (median and
//! p95, direct and proxied, and the difference), and the proxy's peak resident memory (VmHWM of
//! the `bindery serve` process alone) after 1 MB and after 100 MB uploads.
//!
//! Run: `cargo bench --bench proxy` (uses the `bindery` binary cargo builds for the bench; set
//! `BINDERY_BIN=target/release/bindery` to measure another build).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::{get, put};
use axum::Router;
use futures_util::StreamExt;

const MIB: usize = 1024 * 1024;
const LATENCY_SAMPLES: usize = 2000;
/// The pace of the "network-speed" upstream: 1 Gbit/s.
const LINK_BYTES_PER_SECOND: f64 = 125e6;

/// The upstream: `PUT …/sink` drains the body and answers its size, `GET /client/v4/accounts`
/// answers a small envelope.
async fn start_upstream() -> SocketAddr {
    async fn sink(body: Body) -> String {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            total += chunk.map(|c| c.len()).unwrap_or(0);
        }
        format!(
            "{{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{{\"bytes\":{total}}}}}"
        )
    }
    /// Drains like a 1 Gbit/s link would (TCP back-pressure slows the sender to that pace).
    async fn paced_sink(body: Body) -> String {
        let started = Instant::now();
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            total += chunk.map(|c| c.len()).unwrap_or(0);
            let due = Duration::from_secs_f64(total as f64 / LINK_BYTES_PER_SECOND);
            if let Some(ahead) = due.checked_sub(started.elapsed()) {
                tokio::time::sleep(ahead).await;
            }
        }
        format!(
            "{{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{{\"bytes\":{total}}}}}"
        )
    }
    async fn accounts() -> &'static str {
        r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"Bench"}]}"#
    }
    let router = Router::new()
        .route("/client/v4/accounts/abc/workers/scripts/sink", put(sink))
        .route(
            "/client/v4/accounts/abc/workers/scripts/paced",
            put(paced_sink),
        )
        .route("/client/v4/accounts", get(accounts));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A `bindery serve` child process forwarding to `upstream`.
struct Proxy {
    child: Child,
    base: String,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Proxy {
        let binary = std::env::var("BINDERY_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_bindery").to_string());
        let mut child = Command::new(&binary)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--max-body-mib",
                "200",
                "--dist",
                "no-such-dist",
            ])
            .args(["--upstream", &format!("http://{upstream}/client/v4")])
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
            .to_string();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Proxy {
            child,
            base: url.trim_end_matches('/').to_string(),
        }
    }

    /// Peak resident set size of the proxy process, in MiB.
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

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Uploads `mib` MiB (streamed from one reused 1 MiB chunk) and returns the seconds taken.
async fn upload(client: &reqwest::Client, base: &str, sink: &str, mib: usize) -> f64 {
    let chunk = bytes::Bytes::from(vec![b'x'; MIB]);
    let stream =
        futures_util::stream::iter((0..mib).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let started = Instant::now();
    let response = client
        .put(format!(
            "{base}/client/v4/accounts/abc/workers/scripts/{sink}"
        ))
        .header("authorization", "Bearer bench")
        .header("content-type", "application/octet-stream")
        .header("content-length", (mib * MIB).to_string())
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let text = response.text().await.unwrap();
    assert!(text.contains(&format!("\"bytes\":{}", mib * MIB)), "{text}");
    started.elapsed().as_secs_f64()
}

/// Best-of-three throughput of a 100 MiB upload to `sink`, in MB/s.
async fn throughput(client: &reqwest::Client, base: &str, sink: &str) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        best = best.min(upload(client, base, sink, 100).await);
    }
    (100 * MIB) as f64 / 1e6 / best
}

/// Sequential small GETs on a kept-alive connection: (median, p95) in milliseconds.
async fn latency(client: &reqwest::Client, base: &str) -> (f64, f64) {
    let url = format!("{base}/client/v4/accounts");
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for i in 0..LATENCY_SAMPLES + 200 {
        let started = Instant::now();
        let response = client
            .get(&url)
            .header("authorization", "Bearer bench")
            .send()
            .await
            .unwrap();
        let _ = response.bytes().await.unwrap();
        if i >= 200 {
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    (
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
    )
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this without it: stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("proxy benchmark: run it with `cargo bench --bench proxy`");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let upstream = start_upstream().await;
        let direct = format!("http://{upstream}");
        let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(300)).build().unwrap();

        let proxy = Proxy::start(upstream);
        let idle = proxy.peak_mib();
        let direct_mbs = throughput(&client, &direct, "sink").await;
        let proxied_mbs = throughput(&client, &proxy.base, "sink").await;
        let direct_paced = throughput(&client, &direct, "paced").await;
        let proxied_paced = throughput(&client, &proxy.base, "paced").await;
        let (direct_median, direct_p95) = latency(&client, &direct).await;
        let (proxied_median, proxied_p95) = latency(&client, &proxy.base).await;
        drop(proxy);

        // Peak memory, each body size on a fresh proxy process.
        let small = Proxy::start(upstream);
        for _ in 0..5 {
            upload(&client, &small.base, "sink", 1).await;
        }
        let peak_1mb = small.peak_mib();
        drop(small);
        let large = Proxy::start(upstream);
        for _ in 0..3 {
            upload(&client, &large.base, "sink", 100).await;
        }
        let peak_100mb = large.peak_mib();
        drop(large);

        println!("bindery proxy benchmark (loopback, same upstream direct and through `bindery serve`)");
        println!();
        println!("| measure | direct | proxied | result |");
        println!("|---|---|---|---|");
        println!(
            "| 100 MiB upload, unpaced loopback (best of 3) | {direct_mbs:.0} MB/s | {proxied_mbs:.0} MB/s | ratio {:.2} (CPU-bound: the proxy adds a hop) |",
            proxied_mbs / direct_mbs
        );
        println!(
            "| 100 MiB upload to a 1 Gbit/s-paced upstream (best of 3) | {direct_paced:.0} MB/s | {proxied_paced:.0} MB/s | ratio {:.2} (aim >= 0.95) |",
            proxied_paced / direct_paced
        );
        println!(
            "| small request latency, median | {direct_median:.3} ms | {proxied_median:.3} ms | +{:.3} ms (aim <= 0.5 ms) |",
            proxied_median - direct_median
        );
        println!(
            "| small request latency, p95 | {direct_p95:.3} ms | {proxied_p95:.3} ms | +{:.3} ms |",
            proxied_p95 - direct_p95
        );
        println!("| proxy peak memory (VmHWM), idle | | {idle:.1} MiB | |");
        println!("| proxy peak memory, 5 x 1 MiB uploads | | {peak_1mb:.1} MiB | (aim <= 40 MiB, flat) |");
        println!("| proxy peak memory, 3 x 100 MiB uploads | | {peak_100mb:.1} MiB | (aim <= 40 MiB, flat) |");
    });
}
