//! The app's files as `bindery serve` sends them: brotli or gzip when the browser takes it (the
//! bytes decompress to the file), the file itself otherwise, a year of caching for Trunk's
//! hashed names and revalidation for the rest.

mod proxy_common;

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;

use bindery::server::precompress::precompress;
use bindery::server::Upstream;
use proxy_common::*;

const WASM: &str = "app-0123456789abcdef_bg.wasm";
const SCRIPT: &str = "app-0123456789abcdef.js";

fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..60_000u32 {
        bytes.extend_from_slice(&(i % 251).to_le_bytes()[..1]);
        bytes.extend_from_slice(b"func");
    }
    bytes
}

fn script_text() -> String {
    "export function greet(name) { return `hello ${name}`; }\n".repeat(300)
}

fn index_text() -> String {
    format!(
        "<!doctype html><script type=module src=\"/{SCRIPT}\"></script>{}",
        "<p>Bindery</p>".repeat(100)
    )
}

async fn server(dist: &Path) -> SocketAddr {
    std::fs::write(dist.join(WASM), wasm_bytes()).unwrap();
    std::fs::write(dist.join(SCRIPT), script_text()).unwrap();
    std::fs::write(dist.join("index.html"), index_text()).unwrap();
    precompress(dist).unwrap();
    let dist = dist.to_path_buf();
    start_server(Upstream::Cloudflare, move |config| config.dist = dist).await
}

/// GET `path` with these request headers, without any decoding by the client.
async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = client.get(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        Some("br") => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        Some("gzip") => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        None => return body.to_vec(),
        Some(other) => panic!("unexpected encoding {other}"),
    };
    out
}

#[tokio::test]
async fn the_bundle_goes_compressed_to_who_accepts_it_and_whole_to_the_rest() {
    let dist = tempfile::tempdir().unwrap();
    let addr = server(dist.path()).await;
    let wasm = wasm_bytes();
    for (accept, expected) in [
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("identity"), None),
        (Some("zstd, deflate"), None),
        (None, None),
    ] {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        let response = get(addr, &format!("/{WASM}"), &headers).await;
        assert_eq!(response.status(), 200, "{accept:?}");
        assert_eq!(
            header(&response, "content-encoding"),
            expected,
            "{accept:?}"
        );
        assert_eq!(header(&response, "content-type"), Some("application/wasm"));
        assert!(header(&response, "vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
        assert_eq!(
            header(&response, "cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        let length: usize = header(&response, "content-length")
            .unwrap()
            .parse()
            .unwrap();
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len(), length);
        if expected.is_some() {
            assert!(
                length < wasm.len() / 2,
                "{accept:?}: {length} bytes on the wire"
            );
        }
        assert_eq!(decode(expected, &body), wasm, "{accept:?}");
    }
    let script = get(addr, &format!("/{SCRIPT}"), &[("accept-encoding", "br")]).await;
    assert_eq!(header(&script, "content-type"), Some("text/javascript"));
    assert_eq!(
        decode(Some("br"), &script.bytes().await.unwrap()),
        script_text().as_bytes()
    );
}

#[tokio::test]
async fn the_page_is_revalidated_and_a_missing_asset_is_not_the_page() {
    let dist = tempfile::tempdir().unwrap();
    let addr = server(dist.path()).await;
    for path in ["/", "/index.html", "/some/app/route"] {
        let page = get(addr, path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(header(&page, "cache-control"), Some("no-cache"), "{path}");
        assert_eq!(header(&page, "content-encoding"), Some("gzip"), "{path}");
        let modified = header(&page, "last-modified")
            .expect("Last-Modified")
            .to_string();
        assert_eq!(
            decode(Some("gzip"), &page.bytes().await.unwrap()),
            index_text().as_bytes()
        );
        let again = get(addr, path, &[("if-modified-since", &modified)]).await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "cache-control"), Some("no-cache"));
    }
    let gone = get(addr, "/app-fedcba9876543210.js", &[]).await;
    assert_eq!(
        gone.status(),
        404,
        "an old bundle's file is not answered with the page"
    );
    assert_ne!(
        header(&gone, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[tokio::test]
async fn a_page_rebuilt_under_a_running_server_is_not_sent_from_its_old_copies() {
    let dist = tempfile::tempdir().unwrap();
    let addr = server(dist.path()).await;
    let page = dist.path().join("index.html");
    let copied = std::fs::metadata(format!("{}.gz", page.display()))
        .unwrap()
        .modified()
        .unwrap();
    // A new build: a new page, newer than its compressed copies.
    let rebuilt = index_text().replace("Bindery", "Rebuilt");
    std::fs::write(&page, &rebuilt).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(copied + std::time::Duration::from_secs(5))
        .unwrap();
    let fresh = get(addr, "/", &[("accept-encoding", "gzip, br")]).await;
    let encoding = header(&fresh, "content-encoding").map(str::to_string);
    let body = decode(encoding.as_deref(), &fresh.bytes().await.unwrap());
    assert_eq!(String::from_utf8(body).unwrap(), rebuilt);
    // And the copies are made again in the background, then served.
    for _ in 0..200 {
        let again = get(addr, "/", &[("accept-encoding", "br")]).await;
        if header(&again, "content-encoding") == Some("br") {
            let body = decode(Some("br"), &again.bytes().await.unwrap());
            assert_eq!(String::from_utf8(body).unwrap(), rebuilt);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the rebuilt page was never compressed again");
}

/// The import worker's files keep Trunk's unhashed names (the page names them at run time): they
/// go compressed like the rest, are revalidated rather than cached for a year, and a rebuilt one
/// is never sent from the previous build's copies.
#[tokio::test]
async fn the_import_workers_unhashed_files_go_compressed_revalidated_and_never_stale() {
    let dist = tempfile::tempdir().unwrap();
    let worker = dist.path().join("bindery-importer_bg.wasm");
    std::fs::write(&worker, wasm_bytes()).unwrap();
    std::fs::write(
        dist.path().join("bindery-importer_loader.js"),
        "importScripts(\"./bindery-importer.js\");wasm_bindgen(\"./bindery-importer_bg.wasm\");",
    )
    .unwrap();
    let addr = server(dist.path()).await;
    let first = get(
        addr,
        "/bindery-importer_bg.wasm",
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "content-encoding"), Some("br"));
    assert_eq!(header(&first, "cache-control"), Some("no-cache"));
    assert_eq!(header(&first, "content-type"), Some("application/wasm"));
    let modified = header(&first, "last-modified").unwrap().to_string();
    assert_eq!(
        decode(Some("br"), &first.bytes().await.unwrap()),
        wasm_bytes()
    );
    let again = get(
        addr,
        "/bindery-importer_bg.wasm",
        &[("if-modified-since", &modified)],
    )
    .await;
    assert_eq!(again.status(), 304);
    let loader = get(addr, "/bindery-importer_loader.js", &[]).await;
    assert_eq!(header(&loader, "cache-control"), Some("no-cache"));
    assert!(header(&loader, "content-type")
        .unwrap()
        .contains("javascript"));

    // A new build of the worker, newer than its copies: sent whole until compressed again.
    let copied = std::fs::metadata(format!("{}.br", worker.display()))
        .unwrap()
        .modified()
        .unwrap();
    let mut rebuilt = wasm_bytes();
    rebuilt.extend_from_slice(b"rebuilt");
    std::fs::write(&worker, &rebuilt).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&worker)
        .unwrap()
        .set_modified(copied + std::time::Duration::from_secs(5))
        .unwrap();
    let fresh = get(
        addr,
        "/bindery-importer_bg.wasm",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    let encoding = header(&fresh, "content-encoding").map(str::to_string);
    assert_eq!(
        decode(encoding.as_deref(), &fresh.bytes().await.unwrap()),
        rebuilt
    );
}
