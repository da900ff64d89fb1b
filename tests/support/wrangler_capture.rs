//! What the real wrangler sends: run `wrangler deploy` / `wrangler versions upload` against a
//! small recording API on 127.0.0.1 and keep every request it makes, the upload above all.
//!
//! wrangler makes a few calls before and after the upload (does the Worker exist, its secrets,
//! its deployments and settings; then the workers.dev subdomain). [`FakeApi`] answers them with
//! plausible v4 envelopes, as the real API would for a Worker that is new or already deployed
//! ([`Worker`]), and answers anything else with the API's own "No route for that URI" (code
//! 7000), so a newer wrangler calling something new fails loudly and the failure lists the call.
//!
//! ```ignore
//! mod support;
//! use support::wrangler_capture::{corpus, capture_all, capture_case};
//!
//! // One case of the corpus (`tests/wrangler/corpus/<case>/`), run in a temporary copy:
//! let capture = capture_case(&corpus::case("kv-worker"));
//! let upload = capture.upload();                 // the multipart request, as it arrived
//! assert_eq!(upload.method, "PUT");
//! let metadata = capture.metadata();             // the `metadata` part as JSON
//! let modules = capture.modules();               // every other part (name, filename, type, bytes)
//!
//! // The whole corpus, two wranglers at a time:
//! for capture in capture_all(&corpus::cases()) { /* … */ }
//!
//! // Any directory with a wrangler config, any arguments:
//! let capture = run_wrangler(dir, &["deploy", "--env", "staging"], Worker::New);
//! ```
//!
//! The corpus: one folder per case under `tests/wrangler/corpus/`, each with a wrangler config
//! (`wrangler.toml`, `wrangler.json` or `wrangler.jsonc`), its sources, and `case.json`:
//! `{"about": "…", "args": ["deploy"], "worker": "new"}` (`args` are wrangler's arguments,
//! `deploy` when left out; `worker` is `new` or `deployed`, `new` when left out: a new Worker is
//! uploaded with `PUT …/scripts/NAME`, a deployed one with `POST …/versions` plus a deployment,
//! and `versions upload` needs a deployed one). See `tests/peers/README.md`.
//!
//! Set `BINDERY_WRANGLER_CAPTURES=DIR` to also write each upload to `DIR/<case>/` (the request
//! line and headers in `request.json`, the body in `body.bin`) for reading; the tests always
//! run wrangler live and never read these back.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http_capture::{CaptureServer, CapturedRequest, ReceivedPart};
use super::peers::{self, Api};

/// The account every capture runs under (the sandbox's account too).
pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// How many wranglers [`capture_all`] runs at once (each takes about 230 MB and one core
/// while it bundles): `BINDERY_WRANGLER_JOBS`, default 2.
pub fn jobs() -> usize {
    std::env::var("BINDERY_WRANGLER_JOBS")
        .ok()
        .and_then(|jobs| jobs.parse().ok())
        .filter(|jobs| *jobs > 0)
        .unwrap_or(2)
}

/// Whether the Worker wrangler uploads already exists on the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worker {
    /// Not found (code 10007; 10092 in a dispatch namespace): `deploy` uploads with a PUT.
    New,
    /// Deployed once with wrangler: `deploy` uploads a version and deploys it,
    /// `versions upload` uploads a version.
    Deployed,
}

/// The recording API: a [`CaptureServer`] whose answers follow the calls wrangler makes.
pub struct FakeApi {
    server: CaptureServer,
    api: Api,
}

impl FakeApi {
    pub fn start(worker: Worker) -> FakeApi {
        FakeApi::start_tagged(worker, None)
    }

    /// [`FakeApi::start`] for a deployed Worker whose last applied Durable Object migration is
    /// `migration_tag` (wrangler then sends only the later migrations).
    pub fn start_tagged(worker: Worker, migration_tag: Option<String>) -> FakeApi {
        let server = CaptureServer::start_with(move |request| {
            Some(answer(worker, migration_tag.as_deref(), request))
        });
        let api = Api {
            base_url: format!("{}/client/v4", server.base_url()),
            token: "bindery-test-token".to_string(),
            account_id: ACCOUNT_ID.to_string(),
        };
        FakeApi { server, api }
    }

    /// What to point wrangler (or any client) at.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.server.requests()
    }
}

/// One run of wrangler: its arguments, output and every request it made.
#[derive(Clone, Debug)]
pub struct Capture {
    /// The case's folder name (or the directory's name for [`run_wrangler`]).
    pub case: String,
    pub args: Vec<String>,
    pub requests: Vec<CapturedRequest>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Capture {
    /// The upload: the one `multipart/form-data` request (PUT script, POST version or PUT
    /// dispatch script). Panics, listing every request, when there is not exactly one.
    pub fn upload(&self) -> &CapturedRequest {
        let uploads: Vec<&CapturedRequest> = self
            .requests
            .iter()
            .filter(|r| {
                r.header("content-type")
                    .is_some_and(|t| t.starts_with("multipart/form-data"))
            })
            .collect();
        assert_eq!(
            uploads.len(),
            1,
            "case `{}`: expected one multipart upload, got {}:\n{}",
            self.case,
            uploads.len(),
            self.describe()
        );
        uploads[0]
    }

    /// Every part of the upload, in order (`metadata` is not always first: wrangler sets the
    /// service-worker format's blob parts before it).
    pub fn parts(&self) -> Vec<ReceivedPart> {
        self.upload()
            .parts()
            .unwrap_or_else(|e| panic!("case `{}`: unreadable upload body: {e}", self.case))
    }

    /// The `metadata` part, parsed.
    pub fn metadata(&self) -> Value {
        let parts = self.parts();
        let part = parts
            .iter()
            .find(|p| p.name == "metadata")
            .unwrap_or_else(|| panic!("case `{}`: the upload has no metadata part", self.case));
        part.json().unwrap()
    }

    /// Every part but `metadata`: the modules, as sent.
    pub fn modules(&self) -> Vec<ReceivedPart> {
        self.parts()
            .into_iter()
            .filter(|p| p.name != "metadata")
            .collect()
    }

    /// The JSON body of the `PATCH …/script-settings` wrangler sends after deploying a version
    /// (the settings that are not versioned), if it sent one.
    pub fn script_settings(&self) -> Option<Value> {
        self.requests
            .iter()
            .find(|r| r.method == "PATCH" && r.path.ends_with("/script-settings"))
            .map(|r| serde_json::from_slice(&r.body).expect("script-settings body is JSON"))
    }

    /// Requests the fake API had no answer for (it said "No route for that URI").
    pub fn unrouted(&self) -> Vec<&CapturedRequest> {
        self.requests
            .iter()
            .filter(|r| route(r).is_none())
            .collect()
    }

    /// The calls made and wrangler's output, for failure messages.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for r in &self.requests {
            let query = r
                .query
                .as_deref()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            let unrouted = if route(r).is_none() {
                "  (no route)"
            } else {
                ""
            };
            out.push_str(&format!("  {} {}{query}{unrouted}\n", r.method, r.path));
        }
        format!(
            "wrangler {}\n{out}--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.stdout,
            self.stderr
        )
    }

    /// Writes the upload to `dir/<case>/`: `request.json` (method, path, query, headers) and
    /// `body.bin`.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let upload = self.upload();
        let dir = dir.join(&self.case);
        std::fs::create_dir_all(&dir)?;
        let head = json!({
            "args": self.args,
            "method": upload.method,
            "path": upload.path,
            "query": upload.query,
            "headers": upload.headers,
        });
        std::fs::write(
            dir.join("request.json"),
            serde_json::to_string_pretty(&head).unwrap(),
        )?;
        std::fs::write(dir.join("body.bin"), &upload.body)
    }
}

/// Runs `wrangler ARGS` in `dir` (which it may write into: give it a copy) against a fresh
/// [`FakeApi`]. Panics with wrangler's output and the calls it made when it does not exit 0.
pub fn run_wrangler(dir: &Path, args: &[&str], worker: Worker) -> Capture {
    run_wrangler_tagged(dir, args, worker, None)
}

/// [`run_wrangler`] against a deployed Worker with a migration tag (see
/// [`FakeApi::start_tagged`]).
pub fn run_wrangler_tagged(
    dir: &Path,
    args: &[&str],
    worker: Worker,
    migration_tag: Option<String>,
) -> Capture {
    let api = FakeApi::start_tagged(worker, migration_tag);
    let started = Instant::now();
    let output = peers::wrangler(dir, api.api())
        .args(args)
        .output()
        .expect("start wrangler");
    let capture = Capture {
        case: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        args: args.iter().map(|a| a.to_string()).collect(),
        requests: api.requests(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    };
    assert!(
        output.status.success(),
        "wrangler failed ({}) in `{}`:\n{}",
        output.status,
        capture.case,
        capture.describe()
    );
    capture
}

/// A temporary copy of a corpus case's folder (wrangler writes into it): the folder that holds
/// it (removed when dropped) and the copy.
fn case_copy(case: &corpus::Case) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::Builder::new()
        .prefix("bindery-wrangler-")
        .tempdir()
        .expect("temporary directory");
    let dir = temp.path().join(&case.name);
    copy_dir(&case.dir, &dir).expect("copy the case");
    (temp, dir)
}

/// Runs one corpus case in a temporary copy of its folder.
pub fn capture_case(case: &corpus::Case) -> Capture {
    let (_temp, dir) = case_copy(case); // removed when the capture is made
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let mut capture = run_wrangler_tagged(&dir, &args, case.worker, case.migration_tag.clone());
    capture.case = case.name.clone();
    if let Some(save) = std::env::var_os("BINDERY_WRANGLER_CAPTURES") {
        capture.save(Path::new(&save)).expect("save the capture");
    }
    capture
}

/// Runs every case, [`jobs`] at a time, and returns the captures in the cases' order. Panics
/// after all have run when any failed, with every failure.
pub fn capture_all(cases: &[corpus::Case]) -> Vec<Capture> {
    run_all(cases, capture_case)
}

/// Runs `run` on every case, [`jobs`] at a time, and returns the results in the cases' order.
/// Panics after all have run when any failed, with every failure.
pub fn run_all<T: Send>(cases: &[corpus::Case], run: impl Fn(&corpus::Case) -> T + Sync) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<T, String>>>> =
        cases.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs().min(cases.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(index) else { break };
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case)))
                    .map_err(|panic| {
                        panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| format!("case `{}` panicked", case.name))
                    });
                *results[index].lock().unwrap() = Some(result);
            });
        }
    });
    let (done, failures): (Vec<_>, Vec<_>) = results
        .into_iter()
        .map(|slot| slot.into_inner().unwrap().expect("every case ran"))
        .partition(Result::is_ok);
    let failures: Vec<String> = failures.into_iter().filter_map(Result::err).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    done.into_iter().map(|r| r.expect("partitioned")).collect()
}

/// A run that also keeps the case's files and what wrangler built.
#[derive(Clone, Debug)]
pub struct BuiltCapture {
    pub capture: Capture,
    /// The case's files before wrangler ran: (path relative to the case folder, bytes).
    pub project: Vec<(String, Vec<u8>)>,
    /// The files wrangler wrote with `--outdir` (the built Worker), relative to that folder.
    pub built: Vec<(String, Vec<u8>)>,
    /// Where `--outdir` is, relative to the case folder.
    pub built_location: String,
}

/// Runs one case like [`capture_case`], with `--outdir` beside the case's copy, and keeps
/// the case's files and the built output.
pub fn capture_case_built(case: &corpus::Case) -> BuiltCapture {
    let (temp, dir) = case_copy(case);
    let project = snapshot(&dir);
    let built_location = "../built".to_string();
    let mut args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    args.extend(["--outdir", &built_location]);
    let mut capture = run_wrangler_tagged(&dir, &args, case.worker, case.migration_tag.clone());
    capture.case = case.name.clone();
    BuiltCapture {
        capture,
        project,
        built: snapshot(&temp.path().join("built")),
        built_location,
    }
}

/// Every file below `dir` (wrangler's own `.wrangler-home` left out), sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name() == ".wrangler-home" {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The corpus of wrangler configs under `tests/wrangler/corpus/`.
pub mod corpus {
    use super::*;

    /// One case: a folder with a wrangler config, its sources and `case.json`.
    #[derive(Clone, Debug)]
    pub struct Case {
        pub name: String,
        pub dir: PathBuf,
        /// What the case shows (`case.json`'s `about`).
        pub about: String,
        /// wrangler's arguments (`deploy` when `case.json` gives none).
        pub args: Vec<String>,
        pub worker: Worker,
        /// The deployed Worker's last migration tag (`case.json`'s `migration_tag`, with
        /// `"worker": "deployed"`).
        pub migration_tag: Option<String>,
    }

    pub fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wrangler/corpus")
    }

    /// Every case, sorted by name.
    pub fn cases() -> Vec<Case> {
        let mut names: Vec<String> = std::fs::read_dir(dir())
            .expect("tests/wrangler/corpus")
            .map(|entry| entry.unwrap())
            .filter(|entry| entry.file_type().unwrap().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names.iter().map(|name| case(name)).collect()
    }

    /// The case in folder `name`.
    pub fn case(name: &str) -> Case {
        let dir = dir().join(name);
        let path = dir.join("case.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let spec: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let args = match spec.get("args") {
            None => vec!["deploy".to_string()],
            Some(Value::Array(args)) => args
                .iter()
                .map(|a| a.as_str().expect("args are strings").to_string())
                .collect(),
            Some(other) => panic!("{}: `args` must be a list, not {other}", path.display()),
        };
        let worker = match spec.get("worker").and_then(Value::as_str) {
            None | Some("new") => Worker::New,
            Some("deployed") => Worker::Deployed,
            Some(other) => panic!(
                "{}: `worker` is `new` or `deployed`, not {other}",
                path.display()
            ),
        };
        Case {
            name: name.to_string(),
            about: spec
                .get("about")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            dir,
            args,
            worker,
            migration_tag: spec
                .get("migration_tag")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }
}

// ---- the fake API's answers ----

fn envelope(result: Value) -> (u16, Value) {
    (
        200,
        json!({ "success": true, "errors": [], "messages": [], "result": result }),
    )
}

fn failure(status: u16, code: u32, message: &str) -> (u16, Value) {
    (
        status,
        json!({
            "success": false,
            "errors": [{ "code": code, "message": message }],
            "messages": [],
            "result": null
        }),
    )
}

const VERSION_ID: &str = "3f0e5b0c-7a1d-4c4b-9a57-1f3c8f0e2b11";
const DEPLOYMENT_ID: &str = "9b6f1d2e-4c3a-4e8b-a0d7-5e2c1f4b8a90";
/// A completion token shaped like the API's (header.payload.signature); nothing reads it.
const ASSETS_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uIjoiYmluZGVyeS10ZXN0cyJ9.c2lnbmF0dXJl";
const CREATED_ON: &str = "2026-01-01T00:00:00.000000Z";

fn list(items: Value) -> (u16, Value) {
    let count = items.as_array().map_or(0, Vec::len);
    let (status, mut body) = envelope(items);
    body["result_info"] =
        json!({ "page": 1, "per_page": 100, "count": count, "total_count": count });
    (status, body)
}

fn query_value(request: &CapturedRequest, key: &str) -> Option<String> {
    request.query.as_deref()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| super::http_capture::percent_decode(&v.replace('+', " ")))
    })
}

fn last_segment(request: &CapturedRequest) -> String {
    super::http_capture::percent_decode(request.path.rsplit('/').next().unwrap_or_default())
}

/// The calls wrangler makes, by method and path below `/client/v4` (with the account and
/// names as `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Service,
    Secrets,
    AccountSubdomain,
    Deployments,
    Settings,
    UploadScript,
    UploadVersion,
    Deploy,
    ScriptSettings,
    Worker,
    EnableSubdomain,
    DispatchScript,
    UploadDispatchScript,
    AssetsUploadSession,
    // Resource look-ups wrangler makes before provisioning what a binding names by name.
    ListQueues,
    R2Bucket,
    AiSearchNamespace,
    AgentMemoryNamespace,
    /// A Workflow the Worker owns: wrangler checks who owns it, then creates or updates it.
    Workflow,
    PutWorkflow,
    ListDispatchNamespaces,
    CreateDispatchNamespace,
}

fn route(request: &CapturedRequest) -> Option<Route> {
    let path = request.path.strip_prefix("/client/v4/accounts/")?;
    let segments: Vec<&str> = path.split('/').collect();
    let method = request.method.as_str();
    // segments[0] is the account id.
    Some(match (method, &segments[1..]) {
        ("GET", ["workers", "services", _]) => Route::Service,
        ("GET", ["workers", "scripts", _, "secrets"]) => Route::Secrets,
        ("GET", ["workers", "subdomain"]) => Route::AccountSubdomain,
        ("GET", ["workers", "scripts", _, "deployments"]) => Route::Deployments,
        ("GET", ["workers", "scripts", _, "settings"]) => Route::Settings,
        ("PUT", ["workers", "scripts", _]) => Route::UploadScript,
        ("POST", ["workers", "scripts", _, "versions"]) => Route::UploadVersion,
        ("POST", ["workers", "scripts", _, "deployments"]) => Route::Deploy,
        ("PATCH", ["workers", "scripts", _, "script-settings"]) => Route::ScriptSettings,
        ("GET", ["workers", "workers", _]) => Route::Worker,
        ("POST", ["workers", "scripts", _, "subdomain"]) => Route::EnableSubdomain,
        ("GET", ["workers", "dispatch", "namespaces", _, "scripts", _]) => Route::DispatchScript,
        ("PUT", ["workers", "dispatch", "namespaces", _, "scripts", _]) => {
            Route::UploadDispatchScript
        }
        ("GET", ["queues"]) => Route::ListQueues,
        ("GET", ["r2", "buckets", _]) => Route::R2Bucket,
        ("GET", ["ai-search", "namespaces", _]) => Route::AiSearchNamespace,
        ("GET", ["agent-memory", "namespaces", _]) => Route::AgentMemoryNamespace,
        ("GET", ["workflows", _]) => Route::Workflow,
        ("PUT", ["workflows", _]) => Route::PutWorkflow,
        ("GET", ["workers", "dispatch", "namespaces"]) => Route::ListDispatchNamespaces,
        ("POST", ["workers", "dispatch", "namespaces"]) => Route::CreateDispatchNamespace,
        ("POST", ["workers", "scripts", _, "assets-upload-session"])
        | (
            "POST",
            ["workers", "dispatch", "namespaces", _, "scripts", _, "assets-upload-session"],
        ) => Route::AssetsUploadSession,
        _ => return None,
    })
}

/// The script name: the segment after `scripts`, `services` or `workers`.
fn script_name(request: &CapturedRequest) -> String {
    let segments: Vec<&str> = request.path.split('/').collect();
    segments
        .windows(2)
        .rev()
        .find(|w| {
            matches!(w[0], "scripts" | "services" | "workers")
                && !matches!(w[1], "scripts" | "services" | "workers" | "subdomain")
        })
        .map(|w| super::http_capture::percent_decode(w[1]))
        .unwrap_or_default()
}

fn answer(worker: Worker, migration_tag: Option<&str>, request: &CapturedRequest) -> (u16, Value) {
    let Some(route) = route(request) else {
        return failure(404, 7000, "No route for that URI");
    };
    let name = script_name(request);
    let deployed = worker == Worker::Deployed;
    let not_found = || failure(404, 10007, "This Worker does not exist on your account.");
    match route {
        Route::Service if deployed => envelope(json!({
            "id": name,
            "default_environment": {
                "environment": "production",
                "created_on": CREATED_ON,
                "modified_on": CREATED_ON,
                "script": {
                    "id": name,
                    "tag": "5f4e3d2c1b0a49887766554433221100",
                    "tags": [],
                    "etag": "etag-1",
                    "handlers": ["fetch"],
                    "created_on": CREATED_ON,
                    "modified_on": CREATED_ON,
                    "usage_model": "standard",
                    "last_deployed_from": "wrangler",
                    "migration_tag": migration_tag,
                }
            },
            "created_on": CREATED_ON,
            "modified_on": CREATED_ON,
        })),
        Route::Secrets if deployed => envelope(json!([])),
        Route::Deployments if deployed => envelope(json!({
            "deployments": [{
                "id": DEPLOYMENT_ID,
                "source": "wrangler",
                "strategy": "percentage",
                "author_email": "dev@example.com",
                "created_on": CREATED_ON,
                "annotations": { "workers/triggered_by": "upload" },
                "versions": [{ "version_id": VERSION_ID, "percentage": 100 }],
            }]
        })),
        Route::Settings if deployed => envelope(json!({
            "bindings": [],
            "compatibility_date": "2024-06-01",
            "compatibility_flags": [],
            "logpush": false,
            "placement": {},
            "tags": [],
            "tail_consumers": [],
            "usage_model": "standard",
            "observability": { "enabled": false },
        })),
        Route::Service | Route::Secrets | Route::Deployments | Route::Settings => not_found(),
        Route::AccountSubdomain => envelope(json!({ "subdomain": "bindery-tests" })),
        Route::UploadScript | Route::UploadDispatchScript => envelope(json!({
            "id": name,
            "etag": "etag-2",
            "handlers": ["fetch"],
            "created_on": CREATED_ON,
            "modified_on": CREATED_ON,
            "usage_model": "standard",
            "compatibility_date": "2024-06-01",
            "has_assets": false,
            "has_modules": true,
            "deployment_id": VERSION_ID,
            "startup_time_ms": 1,
        })),
        Route::UploadVersion => envelope(json!({
            "id": VERSION_ID,
            "number": 2,
            "metadata": {
                "author_email": "dev@example.com",
                "author_id": "a1b2c3",
                "created_on": CREATED_ON,
                "modified_on": CREATED_ON,
                "source": "wrangler",
                "has_preview": false,
            },
            "annotations": {},
            "resources": {
                "bindings": [],
                "script": { "etag": "etag-2", "handlers": ["fetch"] },
                "script_runtime": { "usage_model": "standard" },
            },
            "startup_time_ms": 1,
        })),
        Route::Deploy => envelope(json!({
            "id": DEPLOYMENT_ID,
            "source": "wrangler",
            "strategy": "percentage",
            "author_email": "dev@example.com",
            "created_on": CREATED_ON,
            "annotations": {},
            "versions": [{ "version_id": VERSION_ID, "percentage": 100 }],
        })),
        Route::ScriptSettings => {
            let echoed: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
            envelope(echoed)
        }
        Route::Worker => envelope(json!({
            "id": name,
            "name": name,
            "subdomain": { "enabled": true, "previews_enabled": true },
            "created_on": CREATED_ON,
            "updated_on": CREATED_ON,
        })),
        Route::EnableSubdomain => envelope(json!({ "enabled": true, "previews_enabled": true })),
        Route::DispatchScript if deployed => envelope(json!({
            "script": { "id": name, "etag": "etag-1", "handlers": ["fetch"], "migration_tag": migration_tag },
            "created_on": CREATED_ON,
            "modified_on": CREATED_ON,
        })),
        Route::DispatchScript => {
            failure(404, 10092, "This Worker does not exist in the namespace.")
        }
        // Every asset already uploaded: no buckets to fill, the completion token at once.
        Route::AssetsUploadSession => envelope(json!({ "jwt": ASSETS_JWT, "buckets": [] })),
        // Every resource named by name exists, except dispatch namespaces (the account has none
        // yet, so wrangler creates the ones it binds).
        Route::ListQueues => {
            let name = query_value(request, "name").unwrap_or_default();
            list(json!([{
                "queue_id": "7c2f0e4b9a8d4c6e8f1a2b3c4d5e6f70",
                "queue_name": name,
                "created_on": CREATED_ON,
                "modified_on": CREATED_ON,
                "producers": [],
                "consumers": [],
            }]))
        }
        Route::R2Bucket => envelope(json!({
            "name": last_segment(request),
            "creation_date": CREATED_ON,
            "location": "WEUR",
            "storage_class": "Standard",
        })),
        Route::AiSearchNamespace | Route::AgentMemoryNamespace => envelope(json!({
            "name": last_segment(request),
            "created_at": CREATED_ON,
        })),
        // No Workflow exists yet; the one the upload defines is created as asked.
        Route::Workflow => failure(404, 10200, "Workflow not found"),
        Route::PutWorkflow => {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
            envelope(json!({
                "id": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
                "name": last_segment(request),
                "class_name": body.get("class_name"),
                "script_name": body.get("script_name"),
                "created_on": CREATED_ON,
                "modified_on": CREATED_ON,
            }))
        }
        Route::ListDispatchNamespaces => list(json!([])),
        Route::CreateDispatchNamespace => {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
            envelope(json!({
                "namespace_id": "4d3c2b1a-0f9e-4d8c-b7a6-958473625140",
                "namespace_name": body.get("name").cloned().unwrap_or(Value::Null),
                "created_on": CREATED_ON,
                "modified_on": CREATED_ON,
                "script_count": 0,
                "trusted_workers": false,
            }))
        }
    }
}
