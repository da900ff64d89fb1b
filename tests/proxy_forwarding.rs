//! The proxy against a local recording upstream: byte-exact forwarding both ways, header
//! filtering, streaming a 20 MB body, and the 413 / 502 / 504 answers.

mod proxy_common;

use std::time::Duration;

use futures_util::StreamExt;
use proxy_common::*;
use serde_json::Value;

const SCRIPT_PATH: &str = "/client/v4/accounts/abc123/workers/scripts/my-worker";

#[tokio::test]
async fn requests_and_responses_are_forwarded_byte_for_byte() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let response = client()
        .put(format!(
            "http://{proxy}{SCRIPT_PATH}?bindings_inherit=strict&excludeScript=true"
        ))
        .header("authorization", "Bearer tok-123")
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .header("accept", "application/json")
        .header("cookie", "session=secret")
        .header("x-auth-key", "global-key")
        .header("x-forwarded-for", "10.0.0.1")
        .header("cf-r2-jurisdiction", "eu")
        .header("cf-worker-main-module-part", "index.js")
        .body(body.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(headers["cf-ray"], "8f00000000000000-AMS");
    assert_eq!(headers["etag"], "\"abc\"");
    assert!(
        headers.get("set-cookie").is_none(),
        "cookies must not come back"
    );
    assert_eq!(
        response.bytes().await.unwrap().to_vec(),
        upstream_reply_body()
    );

    let recorded = log.lock().unwrap().pop().unwrap();
    assert_eq!(recorded.method, "PUT");
    assert_eq!(
        recorded.path_and_query,
        "/client/v4/accounts/abc123/workers/scripts/my-worker?bindings_inherit=strict&excludeScript=true"
    );
    assert_eq!(recorded.body, body);
    assert_eq!(recorded.header("authorization"), Some("Bearer tok-123"));
    assert_eq!(
        recorded.header("content-type"),
        Some("multipart/form-data; boundary=XyZ")
    );
    assert_eq!(recorded.header("accept"), Some("application/json"));
    assert_eq!(recorded.header("content-length"), Some("100000"));
    let mut names: Vec<&str> = recorded.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host"
        ]
    );
    assert_eq!(recorded.header("host"), Some(upstream.to_string().as_str()));
}

#[tokio::test]
async fn every_method_keeps_its_body_and_r2_lists_keep_their_jurisdiction() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    for method in ["GET", "POST", "PATCH", "DELETE"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = client()
            .request(
                method.clone(),
                format!("http://{proxy}{SCRIPT_PATH}/settings"),
            )
            .header("authorization", "Bearer t")
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{method}");
        let recorded = log.lock().unwrap().pop().unwrap();
        assert_eq!(recorded.method, method.as_str());
        assert_eq!(recorded.body, b"x");
    }
    client()
        .get(format!(
            "http://{proxy}/client/v4/accounts/abc123/r2/buckets"
        ))
        .header("cf-r2-jurisdiction", "eu")
        .send()
        .await
        .unwrap();
    let recorded = log.lock().unwrap().pop().unwrap();
    assert_eq!(recorded.header("cf-r2-jurisdiction"), Some("eu"));
}

#[tokio::test]
async fn a_20_mb_streamed_body_arrives_intact_both_ways() {
    let (upstream, _) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    let chunk: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let chunks = 20;
    // Chunked transfer (no Content-Length), 1 MiB at a time.
    let stream = futures_util::stream::iter((0..chunks).map({
        let chunk = chunk.clone();
        move |i| {
            let mut piece = chunk.clone();
            piece[0] = i as u8;
            Ok::<_, std::io::Error>(piece)
        }
    }));
    let response = client()
        .post(format!(
            "http://{proxy}/client/v4/accounts/abc123/workers/scripts/echo"
        ))
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut received = 0usize;
    let mut stream = response.bytes_stream();
    while let Some(bytes) = stream.next().await {
        for byte in bytes.unwrap() {
            let (index, offset) = (received / chunk.len(), received % chunk.len());
            let expected = if offset == 0 {
                index as u8
            } else {
                chunk[offset]
            };
            assert_eq!(byte, expected, "byte {received}");
            received += 1;
        }
    }
    assert_eq!(received, chunks * chunk.len());
}

#[tokio::test]
async fn bodies_over_the_cap_get_413() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |c| c.max_body_bytes = 1024).await;
    // Declared too large.
    let response = client()
        .put(format!("http://{proxy}{SCRIPT_PATH}"))
        .body(vec![b'a'; 1025])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_envelope_error(
        &response.text().await.unwrap(),
        90413,
        "larger than the 1024 bytes limit",
    );
    // Streamed (chunked) past the cap.
    let stream =
        futures_util::stream::iter((0..4).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 512])));
    let response = client()
        .put(format!("http://{proxy}{SCRIPT_PATH}"))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_envelope_error(&response.text().await.unwrap(), 90413, "--max-body-mib");
    assert!(log.lock().unwrap().iter().all(|r| r.body.len() <= 1024));
    // Exactly at the cap passes.
    let response = client()
        .put(format!("http://{proxy}{SCRIPT_PATH}"))
        .body(vec![b'a'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn an_unreachable_upstream_gives_502() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let proxy = start_server(base_of(closed), |_| {}).await;
    let response = client()
        .get(format!("http://{proxy}/client/v4/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_envelope_error(
        &response.text().await.unwrap(),
        90502,
        "cannot connect to the upstream",
    );
}

#[tokio::test]
async fn a_slow_upstream_gives_504() {
    let (upstream, _) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |c| {
        c.upstream_timeout = Duration::from_millis(300)
    })
    .await;
    let started = std::time::Instant::now();
    let response = client()
        .get(format!(
            "http://{proxy}/client/v4/accounts/abc123/workers/scripts/slow"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_envelope_error(
        &response.text().await.unwrap(),
        90504,
        "did not answer within 0.3 s",
    );
}

#[tokio::test]
async fn a_slow_upload_that_keeps_moving_is_not_timed_out() {
    let (upstream, log) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |c| {
        c.upstream_timeout = Duration::from_millis(300)
    })
    .await;
    // Six chunks 100 ms apart: 600 ms in all, twice the time-out, but never idle that long.
    let trickle = futures_util::stream::iter(0..6).then(|i| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, std::io::Error>(vec![b'0' + i as u8; 10])
    });
    let response = client()
        .put(format!("http://{proxy}{SCRIPT_PATH}"))
        .body(reqwest::Body::wrap_stream(trickle))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(log.lock().unwrap()[0].body.len(), 60);
}

#[tokio::test]
async fn the_cap_also_holds_in_front_of_the_sandbox() {
    let sandbox = bindery::server::sandbox::Sandbox::in_memory();
    let proxy = start_server(bindery::server::Upstream::Sandbox(sandbox.clone()), |c| {
        c.max_body_bytes = 1024
    })
    .await;
    let (content_type, body) = multipart(&[
        json_part("metadata", &serde_json::json!({"main_module": "index.js"})),
        module(
            "index.js",
            ESM,
            &format!("export default {{}}\n//{}", "x".repeat(4096)),
        ),
    ]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(512).map(|c| Ok(c.to_vec())).collect();
    let response = client()
        .put(format!(
            "http://{proxy}/client/v4/accounts/{ACCOUNT_ID}/workers/scripts/big"
        ))
        .header("authorization", TOKEN)
        .header("content-type", content_type)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_envelope_error(
        &response.text().await.unwrap(),
        90413,
        "larger than the 1024 bytes limit",
    );
    assert!(sandbox.snapshot().scripts.is_empty());
}

#[tokio::test]
async fn info_names_the_active_upstream() {
    let (upstream, _) = recording_upstream().await;
    let proxy = start_server(base_of(upstream), |_| {}).await;
    let info: Value = json_of(
        client()
            .get(format!("http://{proxy}/bindery/info"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(info["upstream"], "custom");
    assert_eq!(
        info["upstream_base"],
        format!("http://{upstream}/client/v4")
    );
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));

    let sandbox = start_server(
        bindery::server::Upstream::Sandbox(bindery::server::sandbox::Sandbox::in_memory()),
        |_| {},
    )
    .await;
    let info: Value = json_of(
        client()
            .get(format!("http://{sandbox}/bindery/info"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(info["upstream"], "sandbox");
}

#[tokio::test]
async fn the_app_is_served_from_dist_or_explained_when_missing() {
    let (upstream, _) = recording_upstream().await;
    let missing = start_server(base_of(upstream), |_| {}).await;
    let response = client()
        .get(format!("http://{missing}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("make run"));

    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("bindery-1a2b_bg.wasm"), b"\0asm").unwrap();
    let dir = dist.path().to_path_buf();
    let built = start_server(base_of(upstream), move |c| c.dist = dir).await;
    let index = client()
        .get(format!("http://{built}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("<title>app</title>"));
    let wasm = client()
        .get(format!("http://{built}/bindery-1a2b_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"\0asm");
    let route = client()
        .get(format!("http://{built}/some/app/route"))
        .send()
        .await
        .unwrap();
    assert!(route.text().await.unwrap().contains("<title>app</title>"));
    let post = client()
        .post(format!("http://{built}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
}
