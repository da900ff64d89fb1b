//! Importing a wrangler configuration (`wrangler.toml`, `wrangler.json`, `wrangler.jsonc`) as the
//! upload `wrangler deploy` would send for it, as wrangler 4 builds it.
//!
//! The metadata is assembled as a JSON object in wrangler's key order (`main_module`,
//! `bindings`, `containers`, `compatibility_date`, `compatibility_flags`, `migrations`,
//! `code_update_strategy`, `exports`, `keep_bindings`, `logpush`, `placement`,
//! `tail_consumers`, `streaming_tail_consumers`, `limits`, `observability`, `cache_options`,
//! `package_dependencies`, then `unsafe.metadata` merged at the top level), and then read through
//! the model's own deserializer — so the model decides what it keeps, and the import never
//! re-implements its checks. What wrangler would do besides the upload (routes, cron triggers,
//! the workers.dev subdomain, static assets, container images, a build command) is not part of
//! the request; each such key gets a finding that says where it goes instead.
//!
//! What `wrangler deploy` sends that is not in the configuration is reproduced too: it always
//! keeps the deployed secrets (`keep_bindings: ["secret_text", "secret_key"]`, after
//! `["plain_text", "json"]` for `keep_vars`), sends `compatibility_flags` and `bindings` even
//! when empty, asks for a Durable Object code update strategy (`deferred`, 300 s, unless
//! `durable_objects.code_update_strategy` says otherwise), and uploads with
//! `?bindings_inherit=strict`. Migrations depend on the tag the deployed Worker already has,
//! which wrangler reads from the API: give it with `migration_tag` (see [`migrations`]).

mod bindings;
mod env;
mod modules;

pub use env::{INHERITABLE, NOT_INHERITABLE, TOP_LEVEL_ONLY};

use serde_json::{Map, Value};

use super::config_text::{self, ConfigFormat, SyntaxError};
use super::files::{Files, NoFiles, RelPath};
use super::{describe_json_type, read_metadata, Imported, ModuleSource, Notes, Root};
use crate::model::{Composition, Module, ModuleKind, Operation, Request, Target};

/// What the command line (or the app) adds to the configuration. Serializable: the app sends
/// it to its import worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WranglerOptions {
    /// `--env NAME`: the `[env.NAME]` section to deploy.
    pub env: Option<String>,
    /// `--dispatch-namespace NS`: upload as a Workers for Platforms user Worker.
    pub dispatch_namespace: Option<String>,
    /// `--migration-tag TAG`: the migration tag the deployed Worker already has.
    pub migration_tag: Option<String>,
    /// Where the configuration's folder and the built Worker's folder (`--modules DIR`) are.
    /// wrangler rewrites the paths inside a source map against them when it uploads it, and so
    /// does the import; unknown, the map is sent as it is.
    pub locations: Option<Locations>,
}

/// Two folders as absolute, `/`-separated paths (in any common frame: only their relation
/// matters).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Locations {
    /// The configuration's folder (wrangler's project root, and the folder it ran in).
    pub project: String,
    /// The built Worker's folder.
    pub built: String,
}

/// Imports a configuration from text alone (format sniffed, default options, no files): the
/// modules are left as placeholders. The entry point for fuzzing.
pub fn import_text(text: &str) -> Result<Imported, SyntaxError> {
    import(
        text,
        ConfigFormat::sniff(text),
        &WranglerOptions::default(),
        &NoFiles,
        None,
    )
}

/// Imports a configuration. `project` is the configuration's folder (paths in it are relative
/// to that folder); `built`, when given, is an already built Worker whose files are the modules.
pub fn import(
    text: &str,
    format: ConfigFormat,
    options: &WranglerOptions,
    project: &dyn Files,
    built: Option<&dyn Files>,
) -> Result<Imported, SyntaxError> {
    let Assembled {
        metadata,
        request,
        modules,
        sources,
        mut notes,
    } = assemble(text, format, options, project, built)?;
    let metadata = read_metadata(metadata, &mut notes);
    Ok(Imported {
        composition: Composition {
            request,
            metadata,
            modules,
            ..Composition::default()
        },
        findings: notes.into_findings(),
        sources,
    })
}

/// The upload as wrangler would build it, before the model reads the metadata.
#[derive(Debug)]
pub struct Assembled {
    /// The metadata object, keys in wrangler's order.
    pub metadata: Map<String, Value>,
    pub request: Request,
    pub modules: Vec<Module>,
    pub sources: Vec<ModuleSource>,
    pub notes: Notes,
}

/// Builds the metadata object, request and modules of a configuration (see [`import`]).
pub fn assemble(
    text: &str,
    format: ConfigFormat,
    options: &WranglerOptions,
    project: &dyn Files,
    built: Option<&dyn Files>,
) -> Result<Assembled, SyntaxError> {
    let raw = config_text::parse(text, format)?;
    Ok(assemble_config(&raw, options, project, built))
}

/// [`assemble`] for a configuration already parsed into a JSON object.
pub fn assemble_config(
    raw: &Map<String, Value>,
    options: &WranglerOptions,
    project: &dyn Files,
    built: Option<&dyn Files>,
) -> Assembled {
    let raw = raw.clone();
    let mut notes = Notes::default();
    for key in raw.keys() {
        let known = env::INHERITABLE.contains(&key.as_str())
            || env::NOT_INHERITABLE.contains(&key.as_str())
            || env::TOP_LEVEL_ONLY.contains(&key.as_str());
        if !known {
            notes.warning(
                "wrangler-unknown-key",
                format!("import.{key}"),
                format!("`{key}` is not a key wrangler knows; it is ignored."),
            );
        }
    }
    let config = env::resolve(&raw, options.env.as_deref(), &mut notes);
    not_uploaded(&config, &mut notes);

    // Bindings.
    let object = bindings::collect(&config, &mut notes);
    let emitted = bindings::emit(&object, &mut notes);

    // Modules.
    let mut rules = modules::parse_rules(&config, &mut notes);
    let str_of = |key: &str| config.get(key).and_then(Value::as_str);
    let bool_of = |key: &str| config.get(key).and_then(Value::as_bool);
    // A Python entry: wrangler uploads it unbundled, with every `.py` file as a module.
    let python = str_of("main").is_some_and(modules::is_python);
    if python && !rules.iter().any(|r| r.kind == ModuleKind::Python) {
        rules.push(modules::Rule {
            kind: ModuleKind::Python,
            globs: vec![super::glob::Glob::new("**/*.py")],
        });
    }
    let settings = modules::Settings {
        main: str_of("main"),
        base_dir: str_of("base_dir"),
        no_bundle: python || bool_of("no_bundle") == Some(true),
        find_additional_modules: bool_of("find_additional_modules"),
        upload_source_maps: bool_of("upload_source_maps"),
        rules: &rules,
        locations: options.locations.as_ref(),
    };
    let collected = modules::collect(&settings, project, built, &mut notes);

    let mut binding_values: Vec<Value> = emitted
        .iter()
        .map(|e| Value::Object(e.json.clone()))
        .collect();
    binding_values.extend(
        modules::service_worker_bindings(&collected)
            .into_iter()
            .map(Value::Object),
    );

    // Parts bound by wasm_modules / text_blobs / data_blobs, read from the project.
    let mut blob_parts: Vec<(Module, ModuleSource)> = Vec::new();
    for (index, e) in emitted.iter().enumerate() {
        let kind = match e.json.get("type").and_then(Value::as_str) {
            Some("wasm_module") => ModuleKind::Wasm,
            Some("text_blob") => ModuleKind::Text,
            Some("data_blob") => ModuleKind::Data,
            _ => continue,
        };
        let name = e
            .json
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        blob_parts.push(read_blob(
            &name,
            kind,
            e.part_path.as_ref(),
            index,
            &e.source,
            project,
            &mut notes,
        ));
    }

    let mut metadata = Map::new();
    let entry_key = if collected.service_worker {
        "body_part"
    } else {
        "main_module"
    };
    if let Some(main) = &collected.main {
        metadata.insert(entry_key.into(), Value::String(main.clone()));
    }
    metadata.insert("bindings".into(), Value::Array(binding_values));
    if let Some(containers) = config.get("containers") {
        metadata.insert("containers".into(), containers_metadata(containers));
        notes.warning(
            "wrangler-not-uploaded",
            "metadata.containers",
            "Container images are built and pushed by wrangler, and their applications created through the Containers API, neither of which is part of this upload; the `containers` entries are imported, the images are not.",
        );
    }
    if let Some(date) = truthy(config.get("compatibility_date")) {
        metadata.insert("compatibility_date".into(), date.clone());
    }
    metadata.insert(
        "compatibility_flags".into(),
        config
            .get("compatibility_flags")
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new())),
    );
    let (worker_exports, do_exports, workflow_exports) =
        partition_exports(config.get("exports"), &mut notes);
    if do_exports.is_empty() {
        if let Some(migrations) = migrations(
            config.get("migrations"),
            options.migration_tag.as_deref(),
            &mut notes,
        ) {
            metadata.insert("migrations".into(), migrations);
        }
    }
    metadata.insert("code_update_strategy".into(), code_update_strategy(&config));
    let mut exports = worker_exports;
    exports.extend(do_exports);
    let has_workflow_exports = !workflow_exports.is_empty();
    exports.extend(workflow_exports);
    if !exports.is_empty() {
        metadata.insert("exports".into(), Value::Object(exports));
    }
    if has_workflow_exports {
        notes.warning(
            "wrangler-workflow-exports",
            "metadata.exports",
            "Workflow exports need the header `Cloudflare-Workers-Script-Api-Date: 2026-11-09`, which wrangler adds to the upload; send it with the request.",
        );
    }
    let mut keep = Vec::new();
    if raw.get("keep_vars").and_then(Value::as_bool) == Some(true) {
        keep.extend(["plain_text", "json"]);
    }
    keep.extend(["secret_text", "secret_key"]);
    metadata.insert(
        "keep_bindings".into(),
        Value::Array(keep.into_iter().map(|k| Value::String(k.into())).collect()),
    );
    if let Some(logpush) = config.get("logpush") {
        metadata.insert("logpush".into(), logpush.clone());
    }
    if let Some(placement) = placement(config.get("placement")) {
        metadata.insert("placement".into(), placement);
    }
    for key in ["tail_consumers", "streaming_tail_consumers", "limits"] {
        if let Some(value) = truthy(config.get(key)) {
            metadata.insert(key.into(), value.clone());
        }
    }
    if let Some(observability) = truthy(config.get("observability")) {
        metadata.insert("observability".into(), observability.clone());
    }
    if let Some(cache) = truthy(config.get("cache")) {
        metadata.insert("cache_options".into(), cache.clone());
    }
    if let Some(dependencies) = package_dependencies(&raw, project) {
        metadata.insert("package_dependencies".into(), dependencies);
    }
    if let Some(unsafe_config) = config.get("unsafe") {
        match unsafe_config.get("metadata") {
            Some(Value::Object(extra)) => {
                for (key, value) in extra {
                    metadata.insert(key.clone(), value.clone());
                }
            }
            Some(Value::Null) | None => {}
            Some(other) => notes.error(
                "wrangler-unsafe-invalid",
                format!("import.{}.metadata", config.origin("unsafe")),
                format!(
                    "`unsafe.metadata` should be a table, not {}; it is ignored.",
                    describe_json_type(other)
                ),
            ),
        }
        if unsafe_config.get("capnp").is_some() {
            notes.warning(
                "wrangler-not-uploaded",
                format!("import.{}.capnp", config.origin("unsafe")),
                "`unsafe.capnp` is compiled by wrangler with the capnp tool into an extra part; Bindery does not compile it, so it is not imported.",
            );
        }
    }

    let mut modules = blob_parts;
    modules.extend(collected.modules);
    let (modules, sources): (Vec<Module>, Vec<ModuleSource>) = modules.into_iter().unzip();

    let script_name = match config.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => {
            notes.warning(
                "wrangler-no-name",
                "request.script_name",
                "The configuration has no `name`: fill in the Worker's name.",
            );
            String::new()
        }
    };
    let request = Request {
        target: if options.dispatch_namespace.is_some() {
            Target::Dispatch
        } else {
            Target::Account
        },
        operation: Operation::Upload,
        account_id: str_of("account_id").unwrap_or_default().to_string(),
        script_name,
        dispatch_namespace: options.dispatch_namespace.clone().unwrap_or_default(),
        bindings_inherit_strict: true,
    };
    Assembled {
        metadata,
        request,
        modules,
        sources,
        notes,
    }
}

/// JavaScript truthiness, for wrangler's `...value && { value }`.
fn truthy(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    })
}

/// Keys wrangler acts on outside the upload request, and where each goes instead.
const NOT_UPLOADED: &[(&str, &str)] = &[
    ("route", "Routes are attached to zones by separate API calls after the upload (wrangler deploy makes them); add them in the dashboard or with the routes API."),
    ("routes", "Routes are attached to zones by separate API calls after the upload (wrangler deploy makes them); add them in the dashboard or with the routes API."),
    ("triggers", "Cron triggers are set by a separate call (PUT …/workers/scripts/{name}/schedules) after the upload."),
    ("workers_dev", "The workers.dev route is switched by a separate call (…/workers/scripts/{name}/subdomain) after the upload."),
    ("preview_urls", "Preview URLs are switched by a separate call (…/workers/scripts/{name}/subdomain) after the upload."),
    ("build", "The build command runs on your machine before wrangler bundles; run it yourself, then import the built Worker with --modules."),
    ("site", "Workers Sites upload their files to a KV namespace before the upload; that is not part of this request."),
    ("assets", "Static assets travel through the assets upload session (their token goes in `assets.jwt`), which Bindery does not run; deploy them with wrangler, or keep the deployed ones with `keep_assets`. The `assets` binding, if any, is imported."),
    ("define", "Used by wrangler's bundler; Bindery does not bundle."),
    ("alias", "Used by wrangler's bundler; Bindery does not bundle."),
    ("minify", "Used by wrangler's bundler; Bindery does not bundle."),
    ("keep_names", "Used by wrangler's bundler; Bindery does not bundle."),
    ("jsx_factory", "Used by wrangler's bundler; Bindery does not bundle."),
    ("jsx_fragment", "Used by wrangler's bundler; Bindery does not bundle."),
    ("tsconfig", "Used by wrangler's bundler; Bindery does not bundle."),
    ("preserve_file_names", "Used by wrangler's bundler; Bindery does not bundle."),
    ("python_modules", "Python vendoring is done by pywrangler; build the Worker first and import with --modules."),
    ("dev", "Local development settings; not part of an upload."),
    ("previews", "Preview settings are applied by separate calls, not by the upload."),
    ("cloudchamber", "Container settings go to the Containers API, not the upload."),
    ("connect", "Applied by separate calls, not by the upload."),
    ("access", "Access settings are applied by separate calls, not by the upload."),
];

fn not_uploaded(config: &env::Resolved, notes: &mut Notes) {
    for (key, why) in NOT_UPLOADED {
        let Some(value) = config.get(key) else {
            continue;
        };
        // Defaults wrangler fills in itself are not the user's settings.
        let empty = match value {
            Value::Array(items) => items.is_empty(),
            Value::Object(map) => {
                map.is_empty()
                    || (*key == "triggers"
                        && map
                            .get("crons")
                            .is_none_or(|c| c.as_array().is_some_and(Vec::is_empty)))
            }
            _ => false,
        };
        if empty {
            continue;
        }
        if *key == "assets" && value.get("directory").is_none() {
            continue;
        }
        notes.warning(
            "wrangler-not-uploaded",
            format!("import.{}", config.origin(key)),
            format!("`{}` is not part of the upload: {why}", config.origin(key)),
        );
    }
}

fn read_blob(
    name: &str,
    kind: ModuleKind,
    path: Option<&Value>,
    index: usize,
    source: &str,
    project: &dyn Files,
    notes: &mut Notes,
) -> (Module, ModuleSource) {
    let placeholder = |path: Option<String>| Module {
        name: name.to_string(),
        kind,
        path,
        bytes: Vec::new(),
        filename: None,
        media_type: None,
    };
    let Some(path) = path.and_then(Value::as_str) else {
        notes.error(
            "wrangler-binding-invalid",
            format!("bindings[{index}].part"),
            format!("`{source}` should be a file path; add the part's file."),
        );
        return (placeholder(None), ModuleSource::Inline);
    };
    let rel = match RelPath::parse(path) {
        Ok(rel) => rel,
        Err(error) => {
            notes.error(
                "wrangler-import-outside",
                format!("bindings[{index}].part"),
                format!("`{source}` = `{path}` is not read: {error}."),
            );
            return (
                placeholder(Some(path.to_string())),
                ModuleSource::File {
                    root: Root::Project,
                    read: false,
                },
            );
        }
    };
    match project.read(&rel) {
        Ok(bytes) => (
            Module {
                bytes,
                ..placeholder(Some(rel.as_str().to_string()))
            },
            ModuleSource::File {
                root: Root::Project,
                read: true,
            },
        ),
        Err(error) => {
            notes.warning(
                "wrangler-modules-missing",
                format!("bindings[{index}].part"),
                format!("The part `{name}` (`{source}` = `{path}`) was not read: {error}. Add the file."),
            );
            (
                placeholder(Some(rel.as_str().to_string())),
                ModuleSource::File {
                    root: Root::Project,
                    read: false,
                },
            )
        }
    }
}

/// `containers` entries as the upload lists them: `name` and `class_name`.
fn containers_metadata(containers: &Value) -> Value {
    let Some(items) = containers.as_array() else {
        return containers.clone();
    };
    Value::Array(
        items
            .iter()
            .map(|c| {
                let mut out = Map::new();
                for key in ["name", "class_name"] {
                    if let Some(value) = c.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
                Value::Object(out)
            })
            .collect(),
    )
}

/// `exports` split as wrangler sends them: Worker entrypoints, Durable Objects, Workflows (an
/// entry of another `type` is not sent).
fn partition_exports(
    exports: Option<&Value>,
    notes: &mut Notes,
) -> (Map<String, Value>, Map<String, Value>, Map<String, Value>) {
    let (mut worker, mut durable, mut workflow) = (Map::new(), Map::new(), Map::new());
    if let Some(Value::Object(entries)) = exports {
        for (name, entry) in entries {
            match entry.get("type").and_then(Value::as_str) {
                Some("worker") => worker.insert(name.clone(), entry.clone()),
                Some("durable-object") => durable.insert(name.clone(), entry.clone()),
                Some("workflow") => workflow.insert(name.clone(), entry.clone()),
                _ => {
                    notes.warning(
                        "wrangler-exports-skipped",
                        format!("import.exports.{name}"),
                        format!("`exports.{name}` has no known `type` (worker, durable-object, workflow); wrangler does not send it."),
                    );
                    None
                }
            };
        }
    }
    (worker, durable, workflow)
}

/// The migrations to send. Without a deployed tag (a first deploy): every step, with the last
/// tag as `new_tag`. With the tag the Worker has: only the steps after it (none when it is the
/// last), from `old_tag` to the last tag; a tag the file does not list sends every step, with a
/// warning — wrangler's behaviour in each case.
pub fn migrations(
    config: Option<&Value>,
    deployed: Option<&str>,
    notes: &mut Notes,
) -> Option<Value> {
    let list = match config {
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) | None => {
            if let Some(tag) = deployed {
                notes.warning(
                    "wrangler-migration-tag",
                    "metadata.migrations",
                    format!("The configuration has no migrations; the deployed tag `{tag}` is not used."),
                );
            }
            return None;
        }
        Some(other) => {
            notes.error(
                "wrangler-migrations-invalid",
                "metadata.migrations",
                format!(
                    "`migrations` should be an array of steps, not {}; it is ignored.",
                    describe_json_type(other)
                ),
            );
            return None;
        }
    };
    let tag_of = |step: &Value| step.get("tag").cloned().unwrap_or(Value::Null);
    let step_of = |step: &Value| {
        let mut step = step.as_object().cloned().unwrap_or_default();
        step.remove("tag");
        Value::Object(step)
    };
    let new_tag = tag_of(list.last().expect("not empty"));
    let mut out = Map::new();
    let steps: Vec<Value> = match deployed {
        None => list.iter().map(step_of).collect(),
        Some(tag) => {
            out.insert("old_tag".into(), Value::String(tag.to_string()));
            match list
                .iter()
                .position(|s| s.get("tag").and_then(Value::as_str) == Some(tag))
            {
                Some(found) if found == list.len() - 1 => return None,
                Some(found) => list[found + 1..].iter().map(step_of).collect(),
                None => {
                    notes.warning(
                        "wrangler-migration-tag",
                        "metadata.migrations",
                        format!("The deployed migration tag `{tag}` is not in the configuration (it may have been deleted); every step is sent, as wrangler does."),
                    );
                    list.iter().map(step_of).collect()
                }
            }
        }
    };
    out.insert("new_tag".into(), new_tag);
    out.insert("steps".into(), Value::Array(steps));
    Some(Value::Object(out))
}

/// The Durable Object code update strategy wrangler asks for on a full upload.
fn code_update_strategy(config: &env::Resolved) -> Value {
    let configured = config
        .get("durable_objects")
        .and_then(|d| d.get("code_update_strategy"));
    let mode = configured
        .and_then(|c| c.get("mode"))
        .and_then(Value::as_str);
    if mode == Some("immediate") {
        return serde_json::json!({"mode": "immediate"});
    }
    let max_delay = configured
        .and_then(|c| c.get("max_delay"))
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::from(300));
    serde_json::json!({"mode": "deferred", "max_delay": max_delay})
}

/// `placement` as wrangler sends it: smart (with its hint), or one targeted field.
fn placement(config: Option<&Value>) -> Option<Value> {
    let placement = config?.as_object()?;
    let hint = truthy(placement.get("hint"));
    let mode = placement.get("mode").and_then(Value::as_str);
    if hint.is_none() && mode == Some("off") {
        return None;
    }
    let mut out = Map::new();
    if hint.is_some() || mode == Some("smart") {
        out.insert("mode".into(), Value::String("smart".into()));
        if let Some(hint) = placement.get("hint").filter(|h| !h.is_null()) {
            out.insert("hint".into(), hint.clone());
        }
        return Some(Value::Object(out));
    }
    for key in ["region", "host", "hostname"] {
        if let Some(value) = truthy(placement.get(key)) {
            out.insert("mode".into(), Value::String("targeted".into()));
            out.insert(key.into(), value.clone());
            return Some(Value::Object(out));
        }
    }
    None
}

/// `package_dependencies` as wrangler collects them: the project's `package.json` dependencies
/// that are installed (in `node_modules` inside the folder), with both versions.
fn package_dependencies(raw: &Map<String, Value>, project: &dyn Files) -> Option<Value> {
    let instrumentation = raw.get("dependencies_instrumentation");
    if instrumentation
        .and_then(|i| i.get("enabled"))
        .and_then(Value::as_bool)
        == Some(false)
    {
        return None;
    }
    let excluded: Vec<String> = instrumentation
        .and_then(|i| i.get("exclude_packages"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let manifest = project.read(&RelPath::parse("package.json").ok()?).ok()?;
    let manifest: Value = serde_json::from_slice(&manifest).ok()?;
    let mut all = Map::new();
    for key in ["dependencies", "devDependencies"] {
        if let Some(Value::Object(deps)) = manifest.get(key) {
            for (name, version) in deps {
                all.insert(name.clone(), version.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (name, version) in all {
        if out.len() >= 200 {
            break;
        }
        let Some(version) = version.as_str() else {
            continue;
        };
        if ["workspace:", "catalog:", "file:", "link:"]
            .iter()
            .any(|p| version.starts_with(p))
        {
            continue;
        }
        if excluded
            .iter()
            .any(|pattern| exclude_pattern_matches(pattern, &name))
        {
            continue;
        }
        let Ok(path) = RelPath::parse(&format!("node_modules/{name}/package.json")) else {
            continue;
        };
        let Some(installed) = project
            .read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|m| m.get("version").and_then(Value::as_str).map(str::to_string))
        else {
            continue;
        };
        out.push(serde_json::json!({"name": name, "packageJsonVersion": version, "installedVersion": installed}));
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

/// `exclude_packages` patterns: `*` matches anything (slashes included), the rest is literal.
fn exclude_pattern_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first)
        || !name[first.len()..].ends_with(last)
        || name.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
