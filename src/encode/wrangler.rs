//! A composition as a `wrangler.jsonc`, so a Worker composed in Bindery can move to wrangler.
//!
//! The aim is that `wrangler deploy` with the exported file sends what Bindery sends. Two
//! choices make that possible:
//! - **Modules as they are.** The file sets `no_bundle` and `find_additional_modules`, with one
//!   module rule per kind naming exactly the composition's modules, so wrangler uploads the
//!   same parts under the same names and types instead of bundling; rules with no globs switch
//!   off wrangler's default rules, so no stray file of the folder is uploaded.
//! - **The importer as the oracle.** Each binding and each metadata field is first written as
//!   wrangler's own key (`kv_namespaces`, `vars`, `placement`, …); the wrangler importer
//!   ([`crate::import::wrangler`]) then says what wrangler would send for it. Where that is not
//!   exactly Bindery's value (a binding field wrangler has no key for, a `placement` shape it
//!   would rewrite, a field it does not know), the value goes through `unsafe.bindings` or
//!   `unsafe.metadata` instead, which wrangler sends as given.
//!
//! What wrangler always does on top is said in the file's header: it keeps the deployed secrets
//! (`keep_bindings` gets `secret_text`, `secret_key`), sends `compatibility_flags` even when
//! empty and a Durable Object code update strategy, orders bindings by type, and never reads a
//! secret from its configuration (set those with `wrangler secret put`; the file leaves them
//! out, and the deployed ones are kept). Module paths
//! are read as relative to the folder the file is written to.

use serde_json::{json, Map, Value};

use crate::import::files::NoFiles;
use crate::import::wrangler::{assemble_config, WranglerOptions};
use crate::model::catalog::{self, Layout, WranglerKey};
use crate::model::{Binding, Composition, Module, ModuleKind, Operation, Target};

/// The exported file and what it could not say exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WranglerConfig {
    /// JSONC text: header comments, then the configuration object; ends with a newline.
    pub text: String,
    /// One sentence per difference from the composition, also written in the header.
    pub notes: Vec<String>,
}

/// wrangler's rule type for a module kind (`None` for source maps, which wrangler finds itself).
fn rule_type(kind: ModuleKind) -> Option<&'static str> {
    Some(match kind {
        ModuleKind::Esm => "ESModule",
        ModuleKind::Commonjs => "CommonJS",
        ModuleKind::Text => "Text",
        ModuleKind::Data => "Data",
        ModuleKind::Wasm => "CompiledWasm",
        ModuleKind::Python => "PythonModule",
        ModuleKind::PythonRequirement => "PythonRequirement",
        ModuleKind::SourceMap => return None,
    })
}

/// The wrangler section and entry that declare `b`, if wrangler has a key for its type (the
/// catalog's [`WranglerKey`]): the name under the section's name key, then every field under
/// wrangler's spelling of it. Whether wrangler then sends exactly the binding is for the
/// caller to ask the importer.
fn native(b: &Binding) -> Option<(&'static WranglerKey, Map<String, Value>)> {
    let key = catalog::lookup(b.type_name())?.wrangler.as_ref()?;
    if key.layout == Layout::Paths {
        return None; // a module part: written by the caller, with the module's path
    }
    let mut entry = Map::new();
    entry.insert(key.name_key.into(), Value::String(b.name.clone()));
    for (field, value) in b.to_json() {
        if field != "name" && field != "type" {
            entry.insert(key.wrangler_key(&field).to_string(), value);
        }
    }
    // The one field wrangler shapes differently, not just names: a dispatch namespace's
    // outbound Worker is `{service, environment, parameters: [name]}` in its configuration and
    // `{worker: {service, environment}, params: [{name}]}` on the wire.
    if let Some(outbound) = entry.get_mut("outbound") {
        let mut o = Map::new();
        if let Some(worker) = outbound.get("worker") {
            for k in ["service", "environment"] {
                if let Some(v) = worker.get(k) {
                    o.insert(k.into(), v.clone());
                }
            }
        }
        if let Some(Value::Array(params)) = outbound.get("params") {
            let names = params
                .iter()
                .filter_map(|p| p.get("name").cloned())
                .collect();
            o.insert("parameters".into(), Value::Array(names));
        }
        *outbound = Value::Object(o);
    }
    Some((key, entry))
}

/// The wrangler key of a type declared as name → file path (`wasm_modules`), if `type_name` is
/// one.
fn paths_key(type_name: &str) -> Option<&'static WranglerKey> {
    catalog::lookup(type_name)?
        .wrangler
        .as_ref()
        .filter(|key| key.layout == Layout::Paths)
}

/// The list a section's bindings go in (`durable_objects.bindings`, `kv_namespaces`), made
/// when missing.
fn section_list<'a>(config: &'a mut Map<String, Value>, key: &WranglerKey) -> &'a mut Vec<Value> {
    let holder = config
        .entry(key.section.to_string())
        .or_insert_with(|| match key.layout {
            Layout::Under(list) => json!({ list: [] }),
            _ => json!([]),
        });
    let list = match key.layout {
        Layout::Under(list) => holder.get_mut(list),
        _ => Some(holder),
    };
    match list {
        Some(Value::Array(items)) => items,
        _ => unreachable!("created above as an array"),
    }
}

/// What wrangler sends for a configuration (the importer, with no files).
fn wrangler_sends(config: &Map<String, Value>) -> Map<String, Value> {
    assemble_config(config, &WranglerOptions::default(), &NoFiles, None).metadata
}

/// Whether wrangler, given only `config`, sends exactly `binding`.
fn sends_binding(config: &Map<String, Value>, binding: &Value) -> bool {
    matches!(wrangler_sends(config).get("bindings"), Some(Value::Array(sent)) if sent.len() == 1 && &sent[0] == binding)
}

/// Builds the configuration for `c`. Module paths are taken as relative to where the file is
/// written.
pub fn config(c: &Composition) -> WranglerConfig {
    let mut notes: Vec<String> = Vec::new();
    let wire = match crate::encode::json::wire_metadata(c) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut config = Map::new();
    let mut unsafe_bindings: Vec<Value> = Vec::new();
    let mut unsafe_metadata = Map::new();

    config.insert("name".into(), Value::String(c.request.script_name.clone()));
    if !c.request.account_id.is_empty() {
        config.insert(
            "account_id".into(),
            Value::String(c.request.account_id.clone()),
        );
    }
    match (c.request.target, c.request.operation) {
        (Target::Dispatch, _) => notes.push(format!(
            "A Workers for Platforms user Worker: deploy with `wrangler deploy --dispatch-namespace {}`.",
            c.request.dispatch_namespace
        )),
        (_, Operation::Upload) => {}
        _ => {}
    }
    match c.request.operation {
        Operation::Upload => {}
        Operation::Version => notes.push("The composition uploads a version: use `wrangler versions upload` with this file.".into()),
        Operation::Settings => notes.push("The composition is a settings PATCH; `wrangler deploy` makes a full upload with code.".into()),
        Operation::Content => notes.push("The composition replaces code only; `wrangler deploy` also sends the bindings and settings below.".into()),
    }

    // Modules. The parts bound by wasm_module / text_blob / data_blob go to wrangler's
    // `wasm_modules` / `text_blobs` / `data_blobs` instead of a module rule.
    // wrangler names such a part after its binding: a part of another name goes that way only
    // for a service worker (which has no other way to upload it); an ES-module Worker keeps
    // the part under its own name, uploaded by its module rule, and the binding goes through
    // `unsafe`, as given.
    let blob_parts: Vec<&str> = c
        .metadata
        .bindings
        .iter()
        .filter_map(|b| match &b.kind {
            crate::model::BindingKind::WasmModule { part }
            | crate::model::BindingKind::TextBlob { part }
            | crate::model::BindingKind::DataBlob { part } => Some((b, part.as_str())),
            _ => None,
        })
        .filter(|(b, part)| {
            c.module(part).is_some() && (*part == b.name || c.metadata.is_service_worker())
        })
        .map(|(_, part)| part)
        .collect();
    let entry = c.entry_module();
    let entry_path = entry.map(|m| m.path.clone().unwrap_or_else(|| m.name.clone()));
    if let (Some(entry), Some(path)) = (entry, &entry_path) {
        config.insert("main".into(), Value::String(path.clone()));
        let base = path.rsplit_once('/').map(|(dir, _)| dir.to_string());
        if path.rsplit('/').next() != Some(entry.name.as_str()) {
            notes.push(format!(
                "wrangler names the entry after its file: `{path}` is sent as `{}`, not `{}`; name the file `{}`.",
                path.rsplit('/').next().unwrap_or(path),
                entry.name,
                entry.name
            ));
        }
        module_notes(c, entry, base.as_deref(), &blob_parts, &mut notes);
    } else if !c.modules.is_empty() {
        notes.push("No module is named as entry (main_module / body_part): set `main` to the entry's file.".into());
    }
    if let Some(date) = wire.get("compatibility_date") {
        config.insert("compatibility_date".into(), date.clone());
    }
    if let Some(flags) = wire.get("compatibility_flags") {
        config.insert("compatibility_flags".into(), flags.clone());
    }
    config.insert("no_bundle".into(), Value::Bool(true));
    config.insert("find_additional_modules".into(), Value::Bool(true));
    config.insert("rules".into(), rules(c, entry, &blob_parts));
    let has_maps = c.modules.iter().any(|m| m.kind == ModuleKind::SourceMap);
    config.insert("upload_source_maps".into(), Value::Bool(has_maps));
    if has_maps {
        notes.push("Source maps are uploaded by wrangler from each module's `sourceMappingURL` comment, rewritten (their `file` and `sources`), not byte for byte.".into());
    }

    // Bindings. wrangler sends its own sections first and `unsafe.bindings` last, as given: once
    // a binding has to go through `unsafe`, the ones after it follow it there, so the order
    // stays the composition's.
    let mut vars = Map::new();
    let mut blobs: Vec<(&'static str, String, Value)> = Vec::new();
    for binding in &c.metadata.bindings {
        let json = Value::Object(binding.to_json());
        let after_unsafe = !unsafe_bindings.is_empty();
        let paths = paths_key(binding.type_name());
        match binding.type_name() {
            _ if after_unsafe && !binding.kind.is_secret() => {}
            "plain_text" | "json" => {
                let value = match binding.type_name() {
                    "plain_text" => json
                        .get("text")
                        .cloned()
                        .unwrap_or(Value::String(String::new())),
                    _ => json.get("json").cloned().unwrap_or(Value::Null),
                };
                let mut probe = Map::new();
                probe.insert(
                    "vars".into(),
                    json!({ binding.name.clone(): value.clone() }),
                );
                if sends_binding(&probe, &json) && !vars.contains_key(&binding.name) {
                    vars.insert(binding.name.clone(), value);
                    continue;
                }
            }
            // A type with a write-only value (the catalog's): never written to the file, nor
            // listed in `secrets.required` (with it, the real wrangler refuses to deploy a Worker
            // that does not have the secret yet, and sends `inherit` bindings for the others).
            _ if binding.kind.is_secret() => {
                notes.push(format!(
                    "The secret `{}` is not written to the file: set it with `wrangler secret put {}`; a deployed one is kept on every deploy.",
                    binding.name, binding.name
                ));
                continue;
            }
            // A module part bound by name (the service-worker blobs): under the section, the
            // part's file path.
            kind if paths.is_some() => {
                let part = json.get("part").and_then(Value::as_str).unwrap_or_default();
                if let (Some(module), Some(key)) =
                    (c.module(part).filter(|_| blob_parts.contains(&part)), paths)
                {
                    let path = module.path.clone().unwrap_or_else(|| module.name.clone());
                    if part != binding.name {
                        notes.push(format!(
                            "wrangler names a {kind} part after its binding: the part `{part}` is sent as `{}` (the script sees the same global).",
                            binding.name
                        ));
                    }
                    blobs.push((key.section, binding.name.clone(), Value::String(path)));
                    continue;
                }
            }
            _ => {
                if let Some((key, entry)) = native(binding) {
                    let entry = Value::Object(entry);
                    let mut probe = Map::new();
                    let single = key.layout == Layout::Table;
                    if single {
                        probe.insert(key.section.into(), entry.clone());
                    } else {
                        section_list(&mut probe, key).push(entry.clone());
                    }
                    // A one-binding section already taken: the next one goes through unsafe.
                    let free = !single || !config.contains_key(key.section);
                    if free && sends_binding(&probe, &json) {
                        if single {
                            config.insert(key.section.into(), entry);
                        } else {
                            section_list(&mut config, key).push(entry);
                        }
                        continue;
                    }
                }
            }
        }
        unsafe_bindings.push(json);
    }
    if !vars.is_empty() {
        config.insert("vars".into(), Value::Object(vars));
    }
    for (section, name, path) in blobs {
        config
            .entry(section.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("an object")
            .insert(name, path);
    }

    // Top-level fields: wrangler's key when it sends exactly Bindery's value, else unsafe.metadata.
    let keep: Vec<&str> = c
        .metadata
        .keep_bindings
        .iter()
        .map(String::as_str)
        .collect();
    match keep.as_slice() {
        ["plain_text", "json", "secret_text", "secret_key"] => {
            config.insert("keep_vars".into(), Value::Bool(true));
        }
        ["secret_text", "secret_key"] => {}
        [] => {}
        _ => {
            unsafe_metadata.insert("keep_bindings".into(), json!(keep));
        }
    }
    if let Some(migrations) = wire.get("migrations") {
        match migrations_config(migrations) {
            Some(steps) => {
                config.insert("migrations".into(), steps);
                if let Some(old) = migrations.get("old_tag").and_then(Value::as_str) {
                    notes.push(format!("The migrations start from the deployed tag `{old}`: wrangler reads it from the API and sends only the steps after it."));
                }
            }
            None => {
                unsafe_metadata.insert("migrations".into(), migrations.clone());
            }
        }
    }
    for (field, key) in [
        ("logpush", "logpush"),
        ("placement", "placement"),
        ("tail_consumers", "tail_consumers"),
        ("streaming_tail_consumers", "streaming_tail_consumers"),
        ("limits", "limits"),
        ("observability", "observability"),
        ("cache_options", "cache"),
    ] {
        let Some(value) = wire.get(field) else {
            continue;
        };
        let mut probe = Map::new();
        probe.insert(key.into(), value.clone());
        if wrangler_sends(&probe).get(field) == Some(value) {
            config.insert(key.into(), value.clone());
        } else {
            unsafe_metadata.insert(field.into(), value.clone());
        }
    }
    const HANDLED: &[&str] = &[
        "main_module",
        "body_part",
        "bindings",
        "compatibility_date",
        "compatibility_flags",
        "keep_bindings",
        "migrations",
        "logpush",
        "placement",
        "tail_consumers",
        "streaming_tail_consumers",
        "limits",
        "observability",
        "cache_options",
    ];
    for (field, value) in &wire {
        if !HANDLED.contains(&field.as_str()) {
            unsafe_metadata.insert(field.clone(), value.clone());
        }
    }
    if !unsafe_bindings.is_empty() || !unsafe_metadata.is_empty() {
        let mut section = Map::new();
        if !unsafe_bindings.is_empty() {
            let list = unsafe_bindings
                .into_iter()
                .map(|b| {
                    // wrangler's unsafe bindings are `{name, type, …fields}`.
                    let mut m = Map::new();
                    if let Value::Object(fields) = b {
                        m.insert(
                            "name".into(),
                            fields.get("name").cloned().unwrap_or_default(),
                        );
                        m.insert(
                            "type".into(),
                            fields.get("type").cloned().unwrap_or_default(),
                        );
                        for (k, v) in fields {
                            if k != "name" && k != "type" {
                                m.insert(k, v);
                            }
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            section.insert("bindings".into(), Value::Array(list));
        }
        if !unsafe_metadata.is_empty() {
            section.insert("metadata".into(), Value::Object(unsafe_metadata));
        }
        config.insert("unsafe".into(), Value::Object(section));
    }

    notes.push("wrangler also sends, whatever this file says: keep_bindings with secret_text and secret_key (deployed secrets are kept), compatibility_flags even when empty, and a Durable Object code update strategy; it lists bindings grouped by type.".into());
    let mut text = String::from("// wrangler.jsonc written by Bindery.\n");
    text.push_str("// Modules are uploaded as they are (no_bundle), one module rule per kind naming each file.\n");
    for note in &notes {
        text.push_str("// ");
        text.push_str(&comment_safe(note));
        text.push('\n');
    }
    text.push_str(&serde_json::to_string_pretty(&Value::Object(config)).unwrap_or_default());
    text.push('\n');
    WranglerConfig { text, notes }
}

/// Notes in `//` comments: one line, no control characters.
fn comment_safe(note: &str) -> String {
    note.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// One rule per module kind naming the composition's modules, and empty rules for wrangler's
/// default types so no other file of the folder is picked up.
fn rules(c: &Composition, entry: Option<&Module>, blob_parts: &[&str]) -> Value {
    let mut by_type: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for module in &c.modules {
        if Some(module.name.as_str()) == entry.map(|e| e.name.as_str())
            || blob_parts.contains(&module.name.as_str())
        {
            continue;
        }
        let Some(rule) = rule_type(module.kind) else {
            continue;
        };
        match by_type.iter_mut().find(|(t, _)| *t == rule) {
            Some((_, globs)) => globs.push(Value::String(module.name.clone())),
            None => by_type.push((rule, vec![Value::String(module.name.clone())])),
        }
    }
    for default in ["Text", "Data", "CompiledWasm"] {
        if !by_type.iter().any(|(t, _)| *t == default) {
            by_type.push((default, Vec::new()));
        }
    }
    Value::Array(
        by_type
            .into_iter()
            .map(|(t, globs)| json!({"type": t, "globs": globs, "fallthrough": false}))
            .collect(),
    )
}

/// Notes for modules wrangler would name differently from the composition.
fn module_notes(
    c: &Composition,
    entry: &Module,
    base: Option<&str>,
    blob_parts: &[&str],
    notes: &mut Vec<String>,
) {
    for module in &c.modules {
        if module.name == entry.name
            || module.kind == ModuleKind::SourceMap
            || blob_parts.contains(&module.name.as_str())
        {
            continue;
        }
        let expected = match base {
            Some(base) => format!("{base}/{}", module.name),
            None => module.name.clone(),
        };
        let path = module.path.clone().unwrap_or_else(|| module.name.clone());
        if path != expected {
            notes.push(format!(
                "wrangler names a module by its path below the entry's folder: put `{path}` at `{expected}` to send it as `{}`.",
                module.name
            ));
        }
        if module.path.is_none() {
            notes.push(format!(
                "The module `{}` is inline in the composition: write it to `{expected}`.",
                module.name
            ));
        }
    }
}

/// Bindery's migrations as wrangler's tagged steps, when that says the same thing.
fn migrations_config(migrations: &Value) -> Option<Value> {
    let new_tag = migrations.get("new_tag")?.as_str()?.to_string();
    let steps: Vec<Value> = match migrations.get("steps") {
        Some(Value::Array(steps)) => steps.clone(),
        Some(_) => return None,
        None => {
            // The single-step form: the class lists at the top level.
            let mut step = migrations.as_object()?.clone();
            step.remove("old_tag");
            step.remove("new_tag");
            vec![Value::Object(step)]
        }
    };
    if steps.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    if let Some(old) = migrations.get("old_tag").and_then(Value::as_str) {
        // The step already applied is never sent; it declares the classes the later steps
        // rename, transfer or delete without creating them, so wrangler's checks of the
        // history pass.
        let mut created: Vec<&str> = Vec::new();
        let mut existing: Vec<String> = Vec::new();
        for step in &steps {
            for key in ["new_classes", "new_sqlite_classes"] {
                for class in step
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    created.extend(class.as_str());
                }
            }
            let mut used: Vec<&str> = Vec::new();
            for class in step
                .get("deleted_classes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                used.extend(class.as_str());
            }
            for key in ["renamed_classes", "transferred_classes"] {
                for change in step
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    used.extend(change.get("from").and_then(Value::as_str));
                    if let Some(to) = change.get("to").and_then(Value::as_str) {
                        created.push(to);
                    }
                }
            }
            for class in used {
                if !created.contains(&class) && !existing.iter().any(|e| e == class) {
                    existing.push(class.to_string());
                }
            }
        }
        let mut first = Map::new();
        first.insert("tag".into(), Value::String(old.to_string()));
        if !existing.is_empty() {
            first.insert("new_classes".into(), json!(existing));
        }
        out.push(Value::Object(first));
    }
    let last = steps.len() - 1;
    for (i, step) in steps.into_iter().enumerate() {
        let mut step = step.as_object()?.clone();
        let tag = if i == last {
            new_tag.clone()
        } else {
            format!("{new_tag}-step-{}", i + 1)
        };
        let mut tagged = Map::new();
        tagged.insert("tag".into(), Value::String(tag));
        tagged.append(&mut step);
        out.push(Value::Object(tagged));
    }
    Some(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::config_text::ConfigFormat;
    use crate::import::files::MemFiles;
    use crate::model::BindingKind;

    fn seed() -> Composition {
        let mut c = Composition::default();
        c.request.account_id = "acc".into();
        c.request.script_name = "visit-counter".into();
        c.metadata.main_module = Some("worker.js".into());
        c.metadata.compatibility_date = Some("2024-06-01".into());
        c.metadata.bindings.push(Binding::new(
            "USER_KV",
            BindingKind::KvNamespace {
                namespace_id: "ns".into(),
            },
        ));
        c.modules.push(Module {
            path: Some("worker.js".into()),
            ..Module::inline("worker.js", "export default {}")
        });
        c
    }

    fn reimport(c: &Composition, text: &str) -> Composition {
        let mut files = MemFiles::new();
        for m in &c.modules {
            files
                .insert(m.path.as_deref().unwrap_or(&m.name), m.bytes.clone())
                .unwrap();
        }
        let options = WranglerOptions {
            migration_tag: c
                .metadata
                .migrations
                .as_ref()
                .and_then(|m| m.old_tag.clone()),
            ..Default::default()
        };
        crate::import::wrangler::import(text, ConfigFormat::Jsonc, &options, &files, None)
            .unwrap()
            .composition
    }

    #[test]
    fn the_seed_exports_to_plain_wrangler_keys() {
        let exported = config(&seed());
        let body: String = exported
            .text
            .lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["main"], "worker.js");
        assert_eq!(
            value["kv_namespaces"],
            json!([{"binding": "USER_KV", "id": "ns"}])
        );
        assert!(value.get("unsafe").is_none(), "{}", exported.text);
        let back = reimport(&seed(), &exported.text);
        assert_eq!(back.metadata.bindings, seed().metadata.bindings);
        assert_eq!(back.modules, seed().modules);
        assert_eq!(back.request.script_name, "visit-counter");
    }

    #[test]
    fn what_wrangler_has_no_key_for_goes_through_unsafe() {
        let mut c = seed();
        c.metadata.bindings.push(Binding::new(
            "LEGACY",
            BindingKind::Inherit {
                old_name: Some("OLD".into()),
                version_id: None,
            },
        ));
        c.metadata.bindings.push(Binding::new(
            "S",
            BindingKind::Json {
                json: Value::String("a string".into()),
            },
        ));
        c.metadata.tags = vec!["team:a".into()].into();
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        c.metadata.placement = Some(crate::model::Placement {
            region: Some("aws:us-east-1".into()),
            ..Default::default()
        });
        let exported = config(&c);
        let back = reimport(&c, &exported.text);
        let sorted = |c: &Composition| {
            let mut v: Vec<String> = c
                .metadata
                .bindings
                .iter()
                .map(|b| serde_json::to_string(b).unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(sorted(&back), sorted(&c), "{}", exported.text);
        assert_eq!(back.metadata.tags, c.metadata.tags);
        assert_eq!(back.metadata.keep_bindings, c.metadata.keep_bindings);
        assert_eq!(back.metadata.placement, c.metadata.placement);
    }

    #[test]
    fn a_service_with_a_cross_account_grant_stays_in_services() {
        let mut c = seed();
        let raw = json!({"type": "service", "name": "PARTNER", "service": "partner-worker", "cross_account_grant": "grant-7f3e"});
        let Value::Object(raw) = raw else {
            unreachable!()
        };
        c.metadata.bindings.push(Binding::from_json(raw).unwrap());
        let exported = config(&c);
        assert!(
            exported
                .text
                .contains("\"cross_account_grant\": \"grant-7f3e\""),
            "{}",
            exported.text
        );
        assert!(!exported.text.contains("\"unsafe\""), "{}", exported.text);
        let back = reimport(&c, &exported.text);
        assert_eq!(back.metadata.bindings, c.metadata.bindings);
    }

    #[test]
    fn bindings_after_one_that_goes_through_unsafe_follow_it_there_in_order() {
        let mut c = seed();
        let raw = |v: Value| match v {
            Value::Object(raw) => Binding::from_json(raw).unwrap(),
            _ => unreachable!(),
        };
        c.metadata.bindings = vec![
            raw(json!({"type": "hologram", "name": "HOLOGRAM", "beam": {"power": 3}})),
            raw(
                json!({"type": "ratelimit", "name": "LIMITER", "namespace_id": "1002", "simple": {"limit": 10, "period": 10}}),
            ),
            raw(json!({"type": "plain_text", "name": "MODE", "text": "on"})),
        ]
        .into();
        let exported = config(&c);
        assert!(
            !exported.text.contains("\"ratelimits\""),
            "{}",
            exported.text
        );
        assert!(!exported.text.contains("\"vars\""), "{}", exported.text);
        let back = reimport(&c, &exported.text);
        assert_eq!(back.metadata.bindings, c.metadata.bindings);
        // In wrangler's order, the same bindings keep their own sections.
        let mut bindings: Vec<Binding> = c.metadata.bindings.iter().cloned().collect();
        bindings.rotate_left(1);
        c.metadata.bindings = bindings.into();
        let exported = config(&c);
        assert!(
            exported.text.contains("\"ratelimits\""),
            "{}",
            exported.text
        );
    }

    #[test]
    fn secrets_are_never_written() {
        let mut c = seed();
        c.metadata.bindings.push(Binding::new(
            "API_KEY",
            BindingKind::SecretText {
                text: "s3cret-value".into(),
            },
        ));
        let exported = config(&c);
        assert!(!exported.text.contains("s3cret-value"));
        assert!(!exported.text.contains("\"required\""), "{}", exported.text);
        assert!(exported
            .notes
            .iter()
            .any(|n| n.contains("wrangler secret put API_KEY")));
    }

    #[test]
    fn hostile_names_stay_inside_json_strings_and_comments_stay_one_line() {
        let mut c = seed();
        c.request.script_name = "x\"\n// injected\n*/".into();
        c.request.dispatch_namespace = "ns\nmain = \"evil\"".into();
        c.request.target = Target::Dispatch;
        let exported = config(&c);
        for line in exported.text.lines() {
            assert!(!line.starts_with("main") && line != "// injected", "{line}");
        }
        let body: String = exported
            .text
            .lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["name"], "x\"\n// injected\n*/");
    }

    #[test]
    fn migrations_become_tagged_steps() {
        let m = json!({"old_tag": "v1", "new_tag": "v3", "steps": [{"new_classes": ["A"]}, {"deleted_classes": ["B"]}]});
        assert_eq!(
            migrations_config(&m).unwrap(),
            json!([{"tag": "v1", "new_classes": ["B"]}, {"tag": "v3-step-1", "new_classes": ["A"]}, {"tag": "v3", "deleted_classes": ["B"]}])
        );
        let single = json!({"new_tag": "v1", "new_sqlite_classes": ["Room"]});
        assert_eq!(
            migrations_config(&single).unwrap(),
            json!([{"tag": "v1", "new_sqlite_classes": ["Room"]}])
        );
        assert_eq!(migrations_config(&json!({"steps": []})), None);
    }
}
