//! Static assets as the real wrangler sends them: the same folder deployed by the pinned
//! wrangler and by `bindery send --assets`, each against the recording API, must give the same
//! manifest (every path, hash and size) and the same `metadata.assets`, for an assets-only
//! Worker and for a Workers for Platforms Worker with the `assets` binding.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use support::http_capture::CapturedRequest;
use support::wrangler_capture::{run_wrangler, FakeApi, Worker, ACCOUNT_ID};

/// A folder with what trips hashing and ignoring up: nested folders, names without extension,
/// dot files, non-ASCII and spaces, an empty and a binary file, links, and an `.assetsignore`
/// with anchored, folder, negated and upper-case patterns.
fn write_site(public: &Path) {
    let files: &[(&str, &[u8])] = &[
        ("index.html", b"<!doctype html><h1>Home</h1>\n"),
        ("about/index.html", b"<h1>About</h1>"),
        ("404.html", b"<h1>Not found</h1>"),
        ("css/site.css", b"body { color: #333 }\n"),
        ("js/app.js", b"console.log('hi')\n"),
        ("js/app.js.map", b"{\"version\":3}"),
        ("keep/a.map", b"{}"),
        ("drafts/post.md", b"# draft"),
        ("secret.txt", b"root secret"),
        ("sub/secret.txt", b"not the root one"),
        ("sub/_headers", b"an asset, not the rules file"),
        ("notes.TMP", b"scratch"),
        ("README", b"no extension"),
        (
            ".well-known/security.txt",
            b"Contact: mailto:security@example.com\n",
        ),
        ("\u{dc}n\u{ef}code file.txt", "h\u{e9}llo".as_bytes()),
        ("space name.html", b"<p>space</p>"),
        ("empty.txt", b""),
        (
            ".assetsignore",
            b"*.map\n!keep/a.map\ndrafts/\n/secret.txt\n*.tmp\n",
        ),
        ("_headers", b"/*\n  X-Frame-Options: DENY\n"),
        ("_redirects", b"/old /new 301\n"),
    ];
    for (name, content) in files {
        let path = public.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let binary: Vec<u8> = (0..300_001u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(public.join("img.bin"), binary).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("README", public.join("link-to-readme")).unwrap();
        std::os::unix::fs::symlink("css", public.join("link-to-css")).unwrap();
    }
}

fn assets_session(requests: &[CapturedRequest]) -> &CapturedRequest {
    let sessions: Vec<&CapturedRequest> = requests
        .iter()
        .filter(|r| r.path.ends_with("/assets-upload-session"))
        .collect();
    assert_eq!(sessions.len(), 1, "one upload session: {requests:#?}");
    sessions[0]
}

fn upload(requests: &[CapturedRequest]) -> &CapturedRequest {
    let uploads: Vec<&CapturedRequest> = requests
        .iter()
        .filter(|r| {
            r.header("content-type")
                .is_some_and(|t| t.starts_with("multipart/form-data"))
        })
        .collect();
    assert_eq!(uploads.len(), 1, "one upload: {requests:#?}");
    uploads[0]
}

fn metadata(upload: &CapturedRequest) -> Value {
    let parts = upload.parts().unwrap();
    parts
        .iter()
        .find(|p| p.name == "metadata")
        .unwrap()
        .json()
        .unwrap()
}

fn body_json(request: &CapturedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// `bindery send COMPOSITION --assets public` against a fresh recording API; its requests.
fn bindery_send(dir: &Path, composition: &Value, worker: Worker) -> Vec<CapturedRequest> {
    let api = FakeApi::start(worker);
    std::fs::write(dir.join("bindery.json"), composition.to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .current_dir(dir)
        .args([
            "send",
            "bindery.json",
            "--assets",
            "public",
            "--upstream",
            &api.api().base_url,
        ])
        .env("CLOUDFLARE_API_TOKEN", &api.api().token)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "bindery send failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    api.requests()
}

#[test]
fn an_assets_only_worker_gets_the_manifest_and_assets_metadata_wrangler_sends() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("docs-site");
    write_site(&dir.join("public"));
    std::fs::write(
        dir.join("wrangler.jsonc"),
        r#"{"name": "docs-site", "compatibility_date": "2025-02-01",
            "assets": {"directory": "public", "html_handling": "drop-trailing-slash", "not_found_handling": "404-page"}}"#,
    )
    .unwrap();
    let wrangler = run_wrangler(&dir, &["deploy"], Worker::New);
    let wrangler_manifest = body_json(assets_session(&wrangler.requests))["manifest"].clone();
    let wrangler_metadata = metadata(upload(&wrangler.requests));

    // The manifest Bindery builds from the folder, compared directly.
    let folder = bindery::cli::assets::read_folder(&dir.join("public"), 20_000).unwrap();
    let ours = serde_json::to_value(&folder.manifest).unwrap();
    assert_eq!(ours, wrangler_manifest, "the manifests differ");
    let paths: Vec<&String> = wrangler_manifest.as_object().unwrap().keys().collect();
    assert!(paths.iter().any(|p| *p == "/keep/a.map"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("app.js.map") || p.starts_with("/drafts")),
        "{paths:?}"
    );

    // And what `bindery send --assets` sends: the same session body and the same assets metadata.
    let composition = json!({
        "format": 1,
        "request": {"target": "account", "operation": "upload", "account_id": ACCOUNT_ID, "script_name": "docs-site"},
        "metadata": {"compatibility_date": "2025-02-01",
                     "assets": {"config": {"html_handling": "drop-trailing-slash", "not_found_handling": "404-page"}}}
    });
    let ours = bindery_send(&dir, &composition, Worker::New);
    assert_eq!(
        body_json(assets_session(&ours))["manifest"],
        wrangler_manifest
    );
    assert_eq!(
        assets_session(&ours).path,
        assets_session(&wrangler.requests).path
    );
    let our_metadata = metadata(upload(&ours));
    assert_eq!(
        our_metadata["assets"], wrangler_metadata["assets"],
        "metadata.assets differs"
    );
    assert_eq!(
        our_metadata["compatibility_date"],
        wrangler_metadata["compatibility_date"]
    );
    assert!(
        upload(&ours).parts().unwrap().len() == 1,
        "an assets-only upload has no modules"
    );
}

#[test]
fn a_platform_worker_with_the_assets_binding_matches_wrangler_deploy_dispatch_namespace() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("shop");
    write_site(&dir.join("public"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let worker = "export default { fetch(request, env) { return env.ASSETS.fetch(request) } }\n";
    std::fs::write(dir.join("src/index.js"), worker).unwrap();
    std::fs::write(
        dir.join("wrangler.jsonc"),
        r#"{"name": "shop", "main": "src/index.js", "compatibility_date": "2025-02-01", "no_bundle": true,
            "assets": {"directory": "public", "binding": "ASSETS", "run_worker_first": ["/api/*", "!/api/static/*"],
                       "not_found_handling": "single-page-application"}}"#,
    )
    .unwrap();
    let wrangler = run_wrangler(
        &dir,
        &["deploy", "--dispatch-namespace", "customers"],
        Worker::New,
    );
    let session = assets_session(&wrangler.requests);
    assert!(
        session
            .path
            .contains("/dispatch/namespaces/customers/scripts/shop/"),
        "{}",
        session.path
    );
    let wrangler_metadata = metadata(upload(&wrangler.requests));

    std::fs::write(dir.join("index.js"), worker).unwrap();
    let composition = json!({
        "format": 1,
        "request": {"target": "dispatch", "operation": "upload", "account_id": ACCOUNT_ID,
                    "script_name": "shop", "dispatch_namespace": "customers"},
        "metadata": {"main_module": "index.js", "compatibility_date": "2025-02-01",
                     "bindings": [{"type": "assets", "name": "ASSETS"}],
                     "assets": {"config": {"not_found_handling": "single-page-application",
                                           "run_worker_first": ["/api/*", "!/api/static/*"]}}},
        "modules": [{"name": "index.js", "path": "index.js"}]
    });
    let ours = bindery_send(&dir, &composition, Worker::New);
    assert_eq!(assets_session(&ours).path, session.path);
    assert_eq!(
        body_json(assets_session(&ours))["manifest"],
        body_json(session)["manifest"]
    );
    let our_metadata = metadata(upload(&ours));
    assert_eq!(
        our_metadata["assets"], wrangler_metadata["assets"],
        "metadata.assets differs"
    );
    let assets_binding = |m: &Value| {
        m["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "assets")
            .cloned()
    };
    assert_eq!(
        assets_binding(&our_metadata),
        assets_binding(&wrangler_metadata)
    );
    assert_eq!(upload(&ours).path, upload(&wrangler.requests).path);
}
