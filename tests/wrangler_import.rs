//! The wrangler importer against the real wrangler: every corpus case that `wrangler deploy`
//! uploads with one PUT (a new Worker, an environment, a dispatch namespace, or a deployed
//! Worker with pending migrations) is deployed live with `--outdir` against the recording API;
//! Bindery then imports the same configuration, with wrangler's built output as `--modules`,
//! and must render the same metadata (as JSON values) and the same parts.
//!
//! wrangler runs once per case for the whole file, two at a time (see
//! `tests/support/wrangler_capture.rs`).

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use bindery::encode;
use bindery::import::config_text::ConfigFormat;
use bindery::import::files::MemFiles;
use bindery::import::wrangler::{import, Locations, WranglerOptions};
use bindery::import::Imported;
use bindery::model::{Composition, Operation, Target};
use serde_json::Value;
use support::wrangler_capture::{
    capture_case_built, corpus, run_all, run_wrangler_tagged, BuiltCapture, Worker, ACCOUNT_ID,
};

/// Whether `wrangler deploy` uploads this case with one PUT, the request a Bindery import is.
/// (A deployed Worker without pending migrations gets a version upload plus a deployment and a
/// settings PATCH instead; `versions upload` is a version upload.)
fn single_put(case: &corpus::Case) -> bool {
    case.args.first().map(String::as_str) == Some("deploy")
        && (case.worker == Worker::New || case.migration_tag.is_some())
}

fn cases() -> Vec<corpus::Case> {
    corpus::cases().into_iter().filter(single_put).collect()
}

fn runs() -> &'static [BuiltCapture] {
    static RUNS: OnceLock<Vec<BuiltCapture>> = OnceLock::new();
    RUNS.get_or_init(|| run_all(&cases(), capture_case_built))
}

fn files(list: &[(String, Vec<u8>)]) -> MemFiles {
    let mut files = MemFiles::new();
    for (path, bytes) in list {
        files
            .insert(path, bytes.clone())
            .expect("a path inside the folder");
    }
    files
}

/// The value after `flag` in wrangler's arguments.
fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Bindery's import of a case, as `bindery import CONFIG --modules BUILT …` does it.
fn bindery(run: &BuiltCapture) -> Imported {
    let (config_name, text) = run
        .project
        .iter()
        .find(|(path, _)| {
            matches!(
                path.as_str(),
                "wrangler.toml" | "wrangler.json" | "wrangler.jsonc"
            )
        })
        .expect("a wrangler config");
    let text = String::from_utf8(text.clone()).expect("UTF-8 config");
    let format = ConfigFormat::from_file_name(config_name).unwrap();
    let args = &run.capture.args;
    let options = WranglerOptions {
        env: arg(args, "--env"),
        dispatch_namespace: arg(args, "--dispatch-namespace"),
        migration_tag: corpus::case(&run.capture.case).migration_tag,
        locations: Some(Locations {
            project: format!("/corpus/{}", run.capture.case),
            built: format!("/corpus/{}/{}", run.capture.case, run.built_location),
        }),
    };
    let built = files(&run.built);
    import(&text, format, &options, &files(&run.project), Some(&built)).expect("the config reads")
}

#[test]
fn the_differential_corpus_has_at_least_twelve_single_upload_cases() {
    let cases = cases();
    assert!(
        cases.len() >= 12,
        "only {} cases: {:?}",
        cases.len(),
        cases.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
}

#[test]
fn bindery_renders_the_metadata_wrangler_sends() {
    let mut failures = Vec::new();
    for run in runs() {
        let imported = bindery(run);
        let ours = encode::json::wire_metadata(&imported.composition);
        let theirs = run.capture.metadata();
        if ours != theirs {
            failures.push(format!(
                "case `{}` (bindery ≠ wrangler):\n  {}\n  findings: {:#?}",
                run.capture.case,
                difference(&ours, &theirs),
                imported
                    .findings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A part as compared: content type and bytes, by part name.
fn parts_by_name(
    parts: impl IntoIterator<Item = (String, Option<String>, Vec<u8>)>,
) -> BTreeMap<String, (Option<String>, Vec<u8>)> {
    parts
        .into_iter()
        .map(|(name, content_type, bytes)| (name, (content_type, bytes)))
        .collect()
}

#[test]
fn bindery_sends_the_parts_wrangler_sends() {
    let mut failures = Vec::new();
    for run in runs() {
        let imported = bindery(run);
        let ours = parts_by_name(
            encode::multipart::parts(&imported.composition)
                .into_iter()
                .filter(|p| p.name != "metadata")
                .map(|p| (p.name, p.content_type, p.body)),
        );
        let theirs = parts_by_name(
            run.capture
                .modules()
                .into_iter()
                .map(|p| (p.name, p.content_type, p.bytes)),
        );
        let names = |m: &BTreeMap<String, (Option<String>, Vec<u8>)>| {
            m.iter()
                .map(|(n, (t, b))| {
                    format!("{n} ({}, {} bytes)", t.as_deref().unwrap_or("-"), b.len())
                })
                .collect::<Vec<_>>()
        };
        if ours != theirs {
            failures.push(format!(
                "case `{}`:\n  wrangler: {:?}\n  bindery:  {:?}",
                run.capture.case,
                names(&theirs),
                names(&ours)
            ));
        }
        // Filenames: Bindery sends the part name; so does wrangler for every module part
        // (service-worker blob parts are named after their file by wrangler, which the API
        // ignores).
        for part in run.capture.modules() {
            let blob = imported.composition.metadata.bindings.iter().any(|b| {
                matches!(b.type_name(), "wasm_module" | "text_blob" | "data_blob")
                    && b.name == part.name
            });
            if !blob && part.filename.as_deref() != Some(part.name.as_str()) {
                failures.push(format!(
                    "case `{}`: wrangler sent part `{}` with filename {:?}",
                    run.capture.case, part.name, part.filename
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_request_line_is_wranglers() {
    for run in runs() {
        let mut composition = bindery(run).composition;
        // wrangler takes the account from CLOUDFLARE_ACCOUNT_ID when the config has none.
        if composition.request.account_id.is_empty() {
            composition.request.account_id = ACCOUNT_ID.to_string();
        }
        let upload = run.capture.upload();
        assert_eq!(
            upload.method,
            composition.request.method(),
            "{}",
            run.capture.case
        );
        assert_eq!(
            upload.decoded_path(),
            format!("/client/v4{}", composition.request.path()).replace("%2F", "/"),
            "{}",
            run.capture.case
        );
        assert!(composition.request.bindings_inherit_strict);
        assert_eq!(
            composition.request.target == Target::Dispatch,
            run.capture.args.iter().any(|a| a == "--dispatch-namespace")
        );
    }
}

#[test]
fn what_bindery_cannot_send_is_said_and_nothing_else_is_an_error() {
    for run in runs() {
        let imported = bindery(run);
        for finding in &imported.findings {
            assert!(
                finding.level == bindery::rules::Level::Warning,
                "case `{}`: {finding}",
                run.capture.case
            );
        }
        let value: Value = serde_json::to_value(&imported.composition).unwrap();
        assert!(value.is_object());
    }
}

// ---- export: wrangler.jsonc ----

/// The golden fixtures that are full uploads (what `wrangler deploy` makes), loaded.
fn upload_fixtures() -> Vec<(String, Composition)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let c =
                bindery::cli::load_composition(&dir.join(&name).join("composition.json")).ok()?;
            (c.request.operation == Operation::Upload).then_some((name, c))
        })
        .collect()
}

/// The composition's modules as the files of a folder, each where the composition reads it.
fn module_files(c: &Composition) -> Vec<(String, Vec<u8>)> {
    c.modules
        .iter()
        .map(|m| (m.local_file().to_string(), m.bytes.clone()))
        .collect()
}

/// What `wrangler deploy` needs to be told besides the file: the dispatch namespace, and the
/// deployed migration tag (read from the API).
fn export_options(c: &Composition) -> (WranglerOptions, Vec<String>, Option<String>) {
    let tag = c
        .metadata
        .migrations
        .as_ref()
        .and_then(|m| m.old_tag.clone());
    let mut args = vec!["deploy".to_string()];
    let mut options = WranglerOptions {
        migration_tag: tag.clone(),
        ..WranglerOptions::default()
    };
    if c.request.target == Target::Dispatch {
        args.extend([
            "--dispatch-namespace".into(),
            c.request.dispatch_namespace.clone(),
        ]);
        options.dispatch_namespace = Some(c.request.dispatch_namespace.clone());
    }
    (options, args, tag)
}

/// Runs `run` on every item, as many at once as the corpus runner does.
fn in_parallel<I: Sync, T: Send>(items: &[I], run: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<T>>> =
        items.iter().map(|_| Default::default()).collect();
    std::thread::scope(|scope| {
        for _ in 0..support::wrangler_capture::jobs().min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                *slots[i].lock().unwrap() = Some(run(item));
            });
        }
    });
    slots
        .into_iter()
        .map(|s| s.into_inner().unwrap().expect("ran"))
        .collect()
}

/// Each fixture exported, written with its module files, and deployed by the real wrangler.
fn exported_runs() -> &'static [(
    String,
    Composition,
    String,
    support::wrangler_capture::Capture,
)] {
    static RUNS: OnceLock<
        Vec<(
            String,
            Composition,
            String,
            support::wrangler_capture::Capture,
        )>,
    > = OnceLock::new();
    RUNS.get_or_init(|| {
        in_parallel(&upload_fixtures(), |(name, c)| {
            let exported = encode::wrangler::config(c);
            let temp = tempfile::tempdir().unwrap();
            let dir = temp.path().join(name);
            for (path, bytes) in module_files(c) {
                let file = dir.join(&path);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, bytes).unwrap();
            }
            std::fs::write(dir.join("wrangler.jsonc"), &exported.text).unwrap();
            let (_, args, tag) = export_options(c);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let worker = if tag.is_some() {
                Worker::Deployed
            } else {
                Worker::New
            };
            let mut capture = run_wrangler_tagged(&dir, &args, worker, tag);
            capture.case = name.clone();
            (name.clone(), c.clone(), exported.text, capture)
        })
    })
}

fn reimport(c: &Composition, text: &str) -> Imported {
    let (options, _, _) = export_options(c);
    import(
        text,
        ConfigFormat::Jsonc,
        &options,
        &files(&module_files(c)),
        None,
    )
    .expect("the export reads")
}

#[test]
fn every_exported_fixture_deploys_to_what_bindery_renders_for_the_file() {
    let mut failures = Vec::new();
    for (name, c, text, capture) in exported_runs() {
        let back = reimport(c, text).composition;
        let ours = encode::json::wire_metadata(&back);
        if ours != capture.metadata() {
            failures.push(format!(
                "fixture `{name}` (bindery ≠ wrangler):\n  {}",
                difference(&ours, &capture.metadata())
            ));
        }
        // Parts: names, types and bytes; wrangler rewrites source maps (their `file` and
        // `sources`), so those are held by name and type.
        let ours: BTreeMap<String, (Option<String>, Option<Vec<u8>>)> =
            encode::multipart::parts(&back)
                .into_iter()
                .filter(|p| p.name != "metadata")
                .map(|p| {
                    let map = p.content_type.as_deref() == Some("application/source-map");
                    (p.name, (p.content_type, (!map).then_some(p.body)))
                })
                .collect();
        let theirs: BTreeMap<String, (Option<String>, Option<Vec<u8>>)> = capture
            .modules()
            .into_iter()
            .map(|p| {
                let map = p.content_type.as_deref() == Some("application/source-map");
                (p.name, (p.content_type, (!map).then_some(p.bytes)))
            })
            .collect();
        if ours != theirs {
            failures.push(format!(
                "fixture `{name}`: parts differ:\n  wrangler: {:?}\n  bindery:  {:?}",
                theirs.keys().collect::<Vec<_>>(),
                ours.keys().collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What an export changes, by design (said in the file's header): wrangler keeps the deployed
/// secrets and sends no secret value, always sends `compatibility_flags` and a code update
/// strategy, groups bindings by type, and names the entry after its file and a service
/// worker's blob parts after their bindings.
fn as_wrangler_says_it(mut wire: Value) -> Value {
    let object = wire.as_object_mut().unwrap();
    if let Some(Value::Array(bindings)) = object.get_mut("bindings") {
        bindings.retain(|b| !matches!(b["type"].as_str(), Some("secret_text" | "secret_key")));
        for binding in bindings.iter_mut() {
            if matches!(
                binding["type"].as_str(),
                Some("wasm_module" | "text_blob" | "data_blob")
            ) {
                binding.as_object_mut().unwrap().remove("part");
            }
        }
        bindings.sort_by_key(|b| b.to_string());
    }
    for entry in ["main_module", "body_part"] {
        if let Some(name) = object.get_mut(entry) {
            *name = Value::String("(the entry)".into());
        }
    }
    object.remove("code_update_strategy");
    if object.get("compatibility_flags") == Some(&Value::Array(Vec::new())) {
        object.remove("compatibility_flags");
    }
    if let Some(Value::Array(keep)) = object.get_mut("keep_bindings") {
        keep.retain(|k| !matches!(k.as_str(), Some("secret_text" | "secret_key")));
        if keep.is_empty() {
            object.remove("keep_bindings");
        }
    }
    wire
}

#[test]
fn an_export_says_what_the_composition_says() {
    for (name, c) in upload_fixtures() {
        let exported = encode::wrangler::config(&c);
        let back = reimport(&c, &exported.text).composition;
        let (ours, theirs) = (
            as_wrangler_says_it(encode::json::wire_metadata(&back)),
            as_wrangler_says_it(encode::json::wire_metadata(&c)),
        );
        assert!(
            ours == theirs,
            "fixture `{name}`: {}\n{}",
            difference(&ours, &theirs),
            exported.text
        );
        assert_eq!(back.request.script_name, c.request.script_name);
        assert_eq!(back.request.target, c.request.target);
        // Every module but source maps is sent, with its kind and bytes (under its own name,
        // but for the entry and blob parts, which wrangler names as said above).
        let sent = |c: &Composition| {
            let mut v: Vec<(&'static str, Vec<u8>)> = c
                .modules
                .iter()
                .filter(|m| m.kind != bindery::model::ModuleKind::SourceMap)
                .map(|m| (m.kind.id(), m.bytes.clone()))
                .collect();
            v.sort();
            v
        };
        assert!(
            sent(&back) == sent(&c),
            "fixture `{name}`: modules differ\n{}",
            exported.text
        );
        for module in &c.modules {
            let renamed = c.metadata.entry_part() == Some(module.name.as_str())
                || module.kind == bindery::model::ModuleKind::SourceMap
                || c.metadata
                    .bindings
                    .iter()
                    .any(|b| b.to_json().get("part").and_then(Value::as_str) == Some(&module.name));
            if !renamed {
                assert!(
                    back.module(&module.name).is_some(),
                    "fixture `{name}`: module `{}` missing",
                    module.name
                );
            }
        }
    }
}

#[test]
fn import_export_import_is_the_identity() {
    let mut compositions: Vec<(String, Composition)> = runs()
        .iter()
        .map(|run| (run.capture.case.clone(), bindery(run).composition))
        .collect();
    compositions.extend(upload_fixtures().into_iter().map(|(name, c)| {
        let back = reimport(&c, &encode::wrangler::config(&c).text).composition;
        (name, back)
    }));
    for (name, once) in compositions {
        let text = encode::wrangler::config(&once).text;
        let twice = reimport(&once, &text).composition;
        assert_eq!(twice.request, once.request, "`{name}`:\n{text}");
        let (a, b) = (
            encode::json::wire_metadata(&twice),
            encode::json::wire_metadata(&once),
        );
        assert!(a == b, "`{name}`: {}\n{text}", difference(&a, &b));
        // What both express: every module but source maps (wrangler makes those itself), by
        // name — `./x.wasm`, a name wrangler gives only to the modules a bundle collects, is
        // the same module to the runtime as `x.wasm`, which is how the file sends it.
        let modules = |c: &Composition| {
            c.modules
                .iter()
                .filter(|m| m.kind != bindery::model::ModuleKind::SourceMap)
                .map(|m| {
                    let name = m.name.strip_prefix("./").unwrap_or(&m.name).to_string();
                    (name, (m.kind, m.bytes.clone()))
                })
                .collect::<BTreeMap<_, _>>()
        };
        let (once_modules, twice_modules) = (modules(&once), modules(&twice));
        assert_eq!(
            twice_modules.keys().collect::<Vec<_>>(),
            once_modules.keys().collect::<Vec<_>>(),
            "`{name}`:\n{text}"
        );
        assert!(
            twice_modules == once_modules,
            "`{name}`: module kinds or bytes differ\n{text}"
        );
    }
}

/// The top-level keys and bindings (by name) where two metadata objects differ.
fn difference(ours: &Value, theirs: &Value) -> String {
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    let (a, b) = (
        ours.as_object().unwrap_or(&empty),
        theirs.as_object().unwrap_or(&empty),
    );
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        if key == "bindings" {
            continue;
        }
        if a.get(key) != b.get(key) {
            out.push(format!("{key}: {:?} ≠ {:?}", a.get(key), b.get(key)));
        }
    }
    let bindings = |o: &serde_json::Map<String, Value>| -> BTreeMap<String, Value> {
        o.get("bindings")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .map(|b| (b["name"].as_str().unwrap_or("").to_string(), b.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (ba, bb) = (bindings(a), bindings(b));
    for name in ba.keys().chain(bb.keys().filter(|k| !ba.contains_key(*k))) {
        if ba.get(name) != bb.get(name) {
            out.push(format!(
                "binding {name}: {:?} ≠ {:?}",
                ba.get(name),
                bb.get(name)
            ));
        }
    }
    if out.is_empty() && ours != theirs {
        let names = |o: &serde_json::Map<String, Value>| {
            o.get("bindings")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .map(|b| b["name"].as_str().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        out.push(format!(
            "the bindings' order: {:?} ≠ {:?}",
            names(a),
            names(b)
        ));
    }
    out.join("\n  ")
}
