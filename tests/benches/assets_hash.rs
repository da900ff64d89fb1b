//! Static assets hashing throughput, Bindery against wrangler's own hashing, same files, same
//! machine, one run (prints figures; `cargo bench --bench assets_hash`, part of `make bench`).
//!
//! Two folders: 10,000 small files (0.5–8 KiB, in 100 folders) and 1 GiB of large ones
//! (64 × 16 MiB). Bindery: `read_folder` (list, check the limits, hash on every core, each file
//! streamed). Wrangler: its `buildAssetManifest` steps on Node 22 (`readdir` recursive, `stat`,
//! `readFileSync`, base64, BLAKE3 from the `blake3-wasm` package it ships with), timed inside
//! Node so its start-up is not counted. Both manifests must be equal.

#[path = "../support/peers.rs"]
#[allow(dead_code)]
mod peers;

use std::path::Path;
use std::time::Instant;

use serde_json::Value;

const WRANGLER_HASHING: &str = r#"
const { readdir, stat } = require("node:fs/promises");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { hash } = require(process.argv[3]);
(async () => {
  const dir = process.argv[2];
  const started = process.hrtime.bigint();
  const files = await readdir(dir, { recursive: true });
  const manifest = {};
  await Promise.all(files.map(async (rel) => {
    const file = path.join(dir, rel);
    const s = await stat(file);
    if (s.isDirectory()) return;
    const b64 = readFileSync(file).toString("base64");
    const h = hash(b64 + path.extname(file).substring(1)).toString("hex").slice(0, 32);
    manifest["/" + rel.split(path.sep).join("/")] = { hash: h, size: s.size };
  }));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, manifest }));
})();
"#;

fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn small_files(dir: &Path) -> u64 {
    let mut total = 0;
    for i in 0..10_000u64 {
        let folder = dir.join(format!("d{:03}", i % 100));
        std::fs::create_dir_all(&folder).unwrap();
        let len = 512 + (i * 7919 % 7680) as usize;
        let ext = ["html", "css", "js", "svg", "json"][(i % 5) as usize];
        std::fs::write(folder.join(format!("f{i}.{ext}")), pseudo_random(i, len)).unwrap();
        total += len as u64;
    }
    total
}

fn large_files(dir: &Path) -> u64 {
    let len = 16 * 1024 * 1024;
    let block = pseudo_random(99, len);
    for i in 0..64u8 {
        let mut content = block.clone();
        content[0] = i;
        std::fs::write(dir.join(format!("big-{i:02}.bin")), content).unwrap();
    }
    64 * len as u64
}

fn wrangler_hash(dir: &Path) -> (f64, Value) {
    let script = dir.with_extension("hash.js");
    std::fs::write(&script, WRANGLER_HASHING).unwrap();
    let blake3 = peers::peers_dir().join("node_modules/blake3-wasm");
    let output = peers::node(
        &peers::peers_dir(),
        &script,
        &[dir.to_str().unwrap(), blake3.to_str().unwrap()],
    )
    .output()
    .expect("run node");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        answer["ms"].as_f64().unwrap() / 1000.0,
        answer["manifest"].clone(),
    )
}

fn mb_per_s(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / seconds
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let temp = tempfile::tempdir().unwrap();
    println!("Static assets hashing: Bindery (read_folder, all cores) against wrangler's hashing on Node 22");
    println!();
    println!("| folder | files | size | Bindery | wrangler | ratio |");
    println!("|---|---|---|---|---|---|");
    for (name, make) in [
        ("10,000 small files", small_files as fn(&Path) -> u64),
        ("64 large files", large_files),
    ] {
        let dir = temp.path().join(name.replace([' ', ','], "-"));
        std::fs::create_dir_all(&dir).unwrap();
        let bytes = make(&dir);
        // Warm the page cache for both.
        let _ = bindery::cli::assets::read_folder(&dir, usize::MAX).unwrap();
        let started = Instant::now();
        let folder = bindery::cli::assets::read_folder(&dir, usize::MAX).unwrap();
        let ours = started.elapsed().as_secs_f64();
        let (theirs, manifest) = wrangler_hash(&dir);
        assert_eq!(
            serde_json::to_value(&folder.manifest).unwrap(),
            manifest,
            "the manifests differ"
        );
        println!(
            "| {name} | {} | {:.1} MiB | {ours:.2} s ({:.0} MiB/s) | {theirs:.2} s ({:.0} MiB/s) | {:.1}× |",
            folder.manifest.len(),
            bytes as f64 / (1024.0 * 1024.0),
            mb_per_s(bytes, ours),
            mb_per_s(bytes, theirs),
            theirs / ours
        );
    }
}
