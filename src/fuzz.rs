//! The checks behind the fuzz targets (`fuzz/`, run by `make fuzz`), one function per target:
//! each feeds arbitrary bytes to a reader of untrusted input and everything downstream of it.
//! A panic, an endless loop or a broken invariant (asserted here) is a bug.
//!
//! The same functions replay the inputs that once failed (`fuzz/regressions/<target>/`) in
//! `cargo test` (`tests/fuzz_regressions.rs`), so a crash found once stays fixed.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use crate::diff::{self, CurrentSettings};
use crate::editor::resources::{parse_accounts, Deployed, ResourceKind};
use crate::encode::code::{self, CodeOptions, Language};
use crate::encode::{self, CurlOptions};
use crate::model::{Composition, Request as ApiRequest};
use crate::rules::{self, At};
use crate::server::sandbox::{self, Sandbox, ACCOUNT_ID};

/// What a fuzz target runs on one input (it panics on a bug).
pub type Check = fn(&[u8]);

/// The fuzz targets, by name (the file names under `fuzz/fuzz_targets/`).
pub const TARGETS: &[(&str, Check)] = &[
    ("composition", composition),
    ("api_answer", api_answer),
    ("sandbox_upload", sandbox_upload),
    ("sandbox_json", sandbox_json),
    ("wrangler_config", wrangler_config),
    ("curl_command", curl_command),
];

/// A composition file, as the CLI and the app's import read it, then everything made from it:
/// the findings, the preview, the multipart body, curl and every program, the stored copy.
pub fn composition(data: &[u8]) {
    let from_app = crate::editor::file::parse_composition(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(from_app.is_err(), "the app read bytes that are not UTF-8");
        return;
    };
    let from_cli = crate::cli::parse_composition(std::path::Path::new("fuzz.json"), text);
    let Ok(c) = from_cli else { return };
    everything_made_from(&c);
    // A composition that reads reads the same in the app (which also insists on `format`
    // and `request`, and refuses another format version).
    if let Ok(imported) = from_app {
        assert_eq!(imported, c, "the app and the CLI read the file differently");
    }
}

fn everything_made_from(c: &Composition) {
    for finding in rules::check_at(c, Some("2025-01-15")) {
        let text = finding.at.to_string();
        assert_eq!(At::parse(&text), finding.at, "{text} does not read back");
        assert!(!finding.message.is_empty());
    }
    let options = CurlOptions::default();
    let preview = encode::preview(c, &options);
    assert_eq!(preview.compact, encode::compact(c));
    let body = encode::multipart::body(c, encode::multipart::DEFAULT_BOUNDARY);
    let parts: usize = encode::parts(c).iter().map(|p| p.size()).sum();
    assert!(body.len() >= parts);
    for language in Language::ALL {
        let program = code::generate(language, c, &CodeOptions::default());
        assert!(program.text.ends_with('\n'), "{language:?}");
    }
    let _ = c.request.endpoint_problem();
    // What the app keeps in storage reads back as the composition without its secrets.
    let stored = crate::editor::file::storage_text(c);
    let read = crate::editor::file::read_stored(&stored).expect("a stored composition reads back");
    assert_eq!(read, c.redacted(), "storage lost something");
}

/// A wrangler configuration (TOML, JSON or JSONC, sniffed) imported, then everything made
/// from the composition it describes.
pub fn wrangler_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(imported) = crate::import::wrangler::import_text(text) {
        imported_is_usable(&imported);
    }
}

/// A curl command imported, then everything made from the composition it describes.
pub fn curl_command(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(imported) = crate::import::curl::import_text(text) {
        imported_is_usable(&imported);
    }
}

fn imported_is_usable(imported: &crate::import::Imported) {
    for finding in &imported.findings {
        let text = finding.at.to_string();
        assert_eq!(At::parse(&text), finding.at, "{text} does not read back");
    }
    assert_eq!(imported.sources.len(), imported.composition.modules.len());
    everything_made_from(&imported.composition);
}

/// An answer of the API as the app and `bindery send` read it: status (two bytes) and body.
pub fn api_answer(data: &[u8]) {
    let (status, body) = match data {
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]) % 600, rest),
        _ => return,
    };
    let body = String::from_utf8_lossy(body);
    let page = u32::from(status % 25) + 1;
    for kind in RESOURCE_KINDS {
        let _ = kind.parse_page(&body, page);
        let _ = kind.parse_created(&body);
    }
    let _ = parse_accounts(&body, page);
    let _ = crate::editor::resources::errors_of(&body);
    let _ = Deployed::read(status, &body);
    let _ = crate::explain::Envelope::parse(&body);
    let sample = sample();
    for explanation in crate::explain::explain_response(status, &body, &sample) {
        if let Some(at) = explanation.at {
            assert_eq!(At::parse(&at.to_string()), at);
        }
    }
    if let Ok(answer) = serde_json::from_str::<Value>(&body) {
        if let Ok(current) = CurrentSettings::parse(&answer) {
            let _ = diff::diff(&current, &sample);
            let loaded = diff::composition_from_current(&current, sample.request.clone());
            everything_made_from(&loaded.composition);
        }
    }
}

const RESOURCE_KINDS: [ResourceKind; 8] = [
    ResourceKind::Kv,
    ResourceKind::R2,
    ResourceKind::D1,
    ResourceKind::Queue,
    ResourceKind::DispatchNamespace,
    ResourceKind::Hyperdrive,
    ResourceKind::Vectorize,
    ResourceKind::MtlsCertificate,
];

fn sample() -> Composition {
    let mut c = Composition {
        request: ApiRequest {
            account_id: ACCOUNT_ID.into(),
            script_name: "fuzz".into(),
            ..ApiRequest::default()
        },
        ..Composition::default()
    };
    c.metadata.main_module = Some("index.js".into());
    c.modules.push(crate::model::Module::inline(
        "index.js",
        "export default { fetch() { return new Response('hi') } }",
    ));
    c
}

/// A multipart upload to the sandbox, on each endpoint that takes one (first byte), with the
/// rest as the body under a fixed boundary (or as a raw script).
pub fn sandbox_upload(data: &[u8]) {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let script = format!("/accounts/{ACCOUNT_ID}/workers/scripts/fuzz");
    let user_script =
        format!("/accounts/{ACCOUNT_ID}/workers/dispatch/namespaces/fuzz/scripts/fuzz");
    let (method, path) = match choice % 6 {
        0 => (Method::PUT, script.clone()),
        1 => (Method::PATCH, format!("{script}/settings")),
        2 => (Method::POST, format!("{script}/versions")),
        3 => (Method::PUT, format!("{script}/content")),
        4 => (Method::PUT, user_script.clone()),
        _ => (Method::PATCH, format!("{user_script}/settings")),
    };
    let content_type = if choice & 0x80 == 0 {
        "multipart/form-data; boundary=fuzz"
    } else {
        "application/javascript"
    };
    let router = sandbox::router(Sandbox::in_memory());
    // A namespace for the user Worker endpoints, and a deployed script for the others.
    let setup = [
        (
            Method::POST,
            format!("/accounts/{ACCOUNT_ID}/workers/dispatch/namespaces"),
            "application/json",
            br#"{"name":"fuzz"}"#.to_vec(),
        ),
        (
            Method::PUT,
            script.clone(),
            "multipart/form-data; boundary=fuzz",
            SEED_UPLOAD.to_vec(),
        ),
    ];
    for (method, path, content_type, body) in setup {
        let status = call(&router, method, &path, content_type, body.to_vec());
        assert!(status.is_success(), "setup {path}: {status}");
    }
    call(&router, method, &path, content_type, body.to_vec());
    read_everything(&router);
}

/// A valid upload: one ES module, a KV binding to nothing (refused), then a plain one.
const SEED_UPLOAD: &[u8] = b"--fuzz\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"main_module\":\"index.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"A\",\"text\":\"b\"}]}\r\n--fuzz\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\nContent-Type: application/javascript+module\r\n\r\nexport default { fetch() { return new Response('hi') } }\r\n--fuzz--\r\n";

/// A JSON body to each sandbox endpoint that reads one (first byte).
pub fn sandbox_json(data: &[u8]) {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let account = format!("/accounts/{ACCOUNT_ID}");
    let (method, path) = match choice % 8 {
        0 => (Method::POST, format!("{account}/storage/kv/namespaces")),
        1 => (Method::POST, format!("{account}/r2/buckets")),
        2 => (Method::POST, format!("{account}/d1/database")),
        3 => (Method::POST, format!("{account}/queues")),
        4 => (
            Method::POST,
            format!("{account}/workers/dispatch/namespaces"),
        ),
        5 => (
            Method::PUT,
            format!("{account}/workers/scripts/fuzz/secrets"),
        ),
        6 => (
            Method::PATCH,
            format!("{account}/workers/scripts/fuzz/settings"),
        ),
        _ => (
            Method::GET,
            format!(
                "{account}/workers/scripts?{}",
                String::from_utf8_lossy(body)
            ),
        ),
    };
    let router = sandbox::router(Sandbox::in_memory());
    call(
        &router,
        Method::PUT,
        &format!("{account}/workers/scripts/fuzz"),
        "multipart/form-data; boundary=fuzz",
        SEED_UPLOAD.to_vec(),
    );
    call(&router, method, &path, "application/json", body.to_vec());
    read_everything(&router);
}

/// Every list and every script's settings, bindings, versions and content: after any input the
/// sandbox must still answer them all.
fn read_everything(router: &Router) {
    let account = format!("/accounts/{ACCOUNT_ID}");
    for path in [
        "/accounts".to_string(),
        format!("{account}/storage/kv/namespaces"),
        format!("{account}/r2/buckets"),
        format!("{account}/d1/database"),
        format!("{account}/queues"),
        format!("{account}/workers/dispatch/namespaces"),
        format!("{account}/workers/scripts/fuzz/settings"),
        format!("{account}/workers/scripts/fuzz/versions"),
        format!("{account}/workers/scripts/fuzz/content/v2"),
        format!("{account}/workers/dispatch/namespaces/fuzz/scripts/fuzz/bindings"),
        format!("{account}/workers/dispatch/namespaces/fuzz/scripts/fuzz/settings"),
    ] {
        call(router, Method::GET, &path, "application/json", Vec::new());
    }
}

/// One request to the sandbox's router (paths below `/client/v4`); its status. The router is
/// built once per input: building it is most of the time of a small request.
fn call(
    router: &Router,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> StatusCode {
    let Ok(request) = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, "Bearer fuzz-token")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
    else {
        return StatusCode::BAD_REQUEST;
    };
    let router = router.clone();
    runtime().block_on(async move {
        let response = router
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        status
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}
