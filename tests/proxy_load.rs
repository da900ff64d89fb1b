//! Load: 200 concurrent uploads through the proxy to the sandbox, on loopback. Every one must
//! succeed, and what the sandbox stored must be byte-for-byte what was sent.

mod proxy_common;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use proxy_common::*;
use serde_json::json;

const UPLOADS: usize = 200;
const MODULE_BYTES: usize = 64 * 1024;

/// A distinct, valid ES module of about [`MODULE_BYTES`] for upload `i`.
fn module_text(i: usize) -> String {
    let mut text =
        format!("export default {{ fetch() {{ return new Response('worker {i}') }} }};\n");
    let mut line = 0usize;
    while text.len() < MODULE_BYTES {
        text.push_str(&format!(
            "// {i:03} filler line {line:05} {}\n",
            "x".repeat(i % 50)
        ));
        line += 1;
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_uploads_arrive_intact() {
    let api = std::sync::Arc::new(Api::start().await);
    let kv_id = api.create_kv("shared").await;
    let started = Instant::now();
    let uploads = (0..UPLOADS).map(|i| {
        let api = api.clone();
        let kv_id = kv_id.clone();
        tokio::spawn(async move {
            let parts = vec![
                json_part(
                    "metadata",
                    &json!({"main_module": "index.js", "compatibility_date": "2025-01-01",
                            "bindings": [{"type": "kv_namespace", "name": "KV", "namespace_id": kv_id}]}),
                ),
                module("index.js", ESM, &module_text(i)),
            ];
            api.multipart("PUT", &acct(&format!("/workers/scripts/load-{i:03}")), &parts).await
        })
    });
    let answers = tokio::time::timeout(Duration::from_secs(60), join_all(uploads))
        .await
        .expect("uploads finished in time");
    let elapsed = started.elapsed();
    let mut etags = Vec::new();
    for (i, answer) in answers.into_iter().enumerate() {
        let answer = answer.expect("upload task");
        let result = assert_ok(&answer);
        assert_eq!(result["id"], format!("load-{i:03}"));
        etags.push(result["etag"].as_str().unwrap().to_string());
    }

    // What the sandbox stored is exactly what each upload sent.
    let state = api.sandbox.snapshot();
    assert_eq!(state.scripts.len(), UPLOADS);
    for (i, etag) in etags.iter().enumerate() {
        let script = state
            .scripts
            .iter()
            .find(|s| s.name == format!("load-{i:03}"))
            .unwrap();
        let code = &script.latest().unwrap().code;
        assert_eq!(&code.etag(), etag, "upload {i}");
        assert_eq!(
            code.entry_module().unwrap().data,
            module_text(i).into_bytes(),
            "upload {i}"
        );
    }
    // And reading it back through the proxy gives the same bytes.
    let reads = (0..UPLOADS).step_by(20).map(|i| {
        let addr = api.addr;
        async move {
            let url = format!(
                "http://{addr}/client/v4{}",
                acct(&format!("/workers/scripts/load-{i:03}/content/v2"))
            );
            let body = client()
                .get(url)
                .header("authorization", TOKEN)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            (i, body)
        }
    });
    for (i, body) in join_all(reads).await {
        assert_eq!(body.as_ref(), module_text(i).as_bytes(), "read back {i}");
    }
    eprintln!(
        "{UPLOADS} concurrent uploads of {} KiB in {elapsed:?}",
        MODULE_BYTES / 1024
    );
}
